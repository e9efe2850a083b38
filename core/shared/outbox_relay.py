"""The relay of an outbox to a peer: pending rows sent in batches, deleted once the peer has them.

Rows are deleted in the transaction that claimed them, after the peer answered. A crash before
that commit leaves them to be sent again, and the peer counts each row's key once, so nothing is
lost or doubled. Rows are claimed with SKIP LOCKED: replicas relaying at once each send their
own rows, and a killed relay's rows come free when its transaction dies. When the peer cannot be
reached the rows stay and the relay backs off.
"""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, Generic, Protocol, TypeVar

from .backoff import Backoff
from .errors import DomainError
from .scope import across_tenants

log = logging.getLogger(__name__)

Row = TypeVar("Row")


class Outbox(Protocol[Row]):
    async def claim(self, limit: int) -> list[Row]:
        """Up to `limit` rows, oldest first, locked (SKIP LOCKED) until the transaction ends."""
        ...

    async def remove(self, ids: Sequence[uuid.UUID]) -> None: ...


class OutboxRelay(Generic[Row]):
    """Sends an outbox's rows, `batch` a pass, with `send`, and forgets what the peer took."""

    def __init__(
        self,
        name: str,
        uow: Callable[[], Any],
        outbox: Callable[[Any], Outbox[Row]],
        send: Callable[[list[Row]], Awaitable[None]],
        batch: int = 1_000,
        poll_seconds: float = 1.0,
        backoff: Backoff | None = None,
    ) -> None:
        self._name, self._uow, self._outbox, self._send = name, uow, outbox, send
        self._batch = batch
        self._poll = poll_seconds
        self._backoff = backoff or Backoff(ceiling=timedelta(minutes=1))

    async def relay_once(self) -> int:
        """One batch sent and deleted; how many rows. Raises what the peer raised (rows kept)."""
        with across_tenants(self._name):  # a batch mixes tenants
            async with self._uow() as uow:
                outbox = self._outbox(uow)
                rows = await outbox.claim(self._batch)
                if rows:
                    await self._send(rows)
                    await outbox.remove([row.id for row in rows])
                    await uow.commit()
        return len(rows)

    async def run(self, stopping: asyncio.Event) -> None:
        """Relay until told to stop, then once more so a clean stop leaves nothing behind."""
        failures = 0
        while not stopping.is_set():
            sent = await self._pass()
            failures = 0 if sent is not None else failures + 1
            if sent is None or sent < self._batch:  # a full batch: more may be waiting now
                pause = self._backoff.after(failures).total_seconds() if failures else self._poll
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), pause)
        await self._pass()

    async def _pass(self) -> int | None:
        """relay_once, with a failure logged instead of raised (None)."""
        try:
            return await self.relay_once()
        except DomainError as failure:
            log.warning(
                "%s: the peer did not take the batch, kept: %s", self._name, failure.message
            )
        except Exception:  # the database or a bug: the rows are kept all the same
            log.exception("%s: the pass failed; the rows are kept", self._name)
        return None
