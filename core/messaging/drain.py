"""Drain a work queue: claim what is due, handle it concurrently, sleep until woken."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class Drainer(Generic[T]):
    """Keeps up to `concurrency` items in hand; wakes on `wake()` or every `poll_seconds`.

    `handle` must settle each item itself (done, retry later, dead); an exception that
    escapes it is logged and the item's lease makes it come back later.
    """

    def __init__(
        self,
        name: str,
        claim: Callable[[int], Awaitable[list[T]]],
        handle: Callable[[T], Awaitable[None]],
        concurrency: int = 16,
        poll_seconds: float = 1.0,
    ) -> None:
        self._name = name
        self._claim = claim
        self._handle = handle
        self._concurrency = concurrency
        self._poll = poll_seconds
        self._wake = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._backlog = False  # the last claim filled all the room: more may be waiting

    def wake(self) -> None:
        self._wake.set()

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            self._wake.clear()  # before claiming, so a wake during the claim is not lost
            room = self._concurrency - len(self._in_flight)
            claimed = await self._claim_safely(room)
            self._backlog = room > 0 and len(claimed) == room
            for item in claimed:
                task = asyncio.create_task(self._handle_safely(item))
                self._in_flight.add(task)
                task.add_done_callback(self._finished)
            if not self._backlog:
                # Claimed all that was due (or no room): new work or a finished item with a
                # backlog behind it wakes us; the poll catches retries coming due.
                await self._sleep(stopping)
        await self.drain()

    async def drain(self) -> None:
        """Let the items in hand finish (the caller bounds how long with a timeout)."""
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def _claim_safely(self, room: int) -> list[T]:
        if room <= 0:
            return []
        try:
            return await self._claim(room)
        except Exception:
            log.exception("%s: claiming failed; will try again", self._name)
            return []

    async def _handle_safely(self, item: T) -> None:
        try:
            await self._handle(item)
        except Exception:
            log.exception("%s: handling failed; the item's lease brings it back", self._name)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if self._backlog or len(self._in_flight) == self._concurrency - 1:
            self._wake.set()  # room again, and work may be waiting for it

    async def _sleep(self, stopping: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stopping.wait())]
        await asyncio.wait(waiters, timeout=self._poll, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()
