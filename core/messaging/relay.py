"""The relay of usage to billing: pending rows sent in batches, deleted once billing has them.

Rows are deleted in the transaction that claimed them, after billing answered. A crash before
that commit leaves them to be sent again, and billing counts a (tenant, key) once, so usage is
neither lost nor doubled.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from core.shared.errors import DomainError
from core.shared.scope import across_tenants

from .ports import MessagingUnitOfWork, UsageReporter
from .queue import Backoff

# Whom the relay's work is done by: its batches mix tenants.
RELAY = "usage-relay"

log = logging.getLogger(__name__)


class UsageRelay:
    """Sends pending usage to billing, `batch` rows a pass, and forgets what billing took.

    Rows are claimed with SKIP LOCKED: replicas relaying at once each send their own rows,
    and a killed relay's rows come free when its transaction dies. When billing cannot be
    reached the rows stay and the relay backs off.
    """

    def __init__(
        self,
        uow: Callable[[], MessagingUnitOfWork],
        billing: UsageReporter,
        batch: int = 1_000,
        poll_seconds: float = 1.0,
        backoff: Backoff | None = None,
    ) -> None:
        self._uow = uow
        self._billing = billing
        self._batch = batch
        self._poll = poll_seconds
        self._backoff = backoff or Backoff(ceiling=timedelta(minutes=1))

    async def relay_once(self) -> int:
        """One batch sent and deleted; how many rows. Raises what billing raised (rows kept)."""
        with across_tenants(RELAY):
            async with self._uow() as uow:
                entries = await uow.usage.claim(self._batch)
                if entries:
                    await self._billing.report(entries)
                    await uow.usage.remove([entry.id for entry in entries])
                    await uow.commit()
        return len(entries)

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
            log.warning("usage relay: billing did not take the batch, kept: %s", failure.message)
        except Exception:  # the database or a bug: the rows are kept all the same
            log.exception("usage relay: the pass failed; the rows are kept")
        return None
