"""Work that repeats on a timer beside a server (sweepers, period close)."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from .scope import across_tenants

log = logging.getLogger(__name__)


async def every(
    seconds: float, stopping: asyncio.Event, one_pass: Callable[[], Awaitable[object]], what: str
) -> None:
    """Run `one_pass` every `seconds` until `stopping` is set. A failed pass (a database
    hiccup) is logged and must not end the loop: the next pass tries again."""
    while not stopping.is_set():
        try:
            await one_pass()
        except Exception:
            log.warning("%s failed; trying again next pass", what, exc_info=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), seconds)


class RunAlone(Protocol):
    """Holds `key` across every replica while the block runs; yields False when another holds it."""

    def __call__(self, key: str) -> AbstractAsyncContextManager[bool]: ...


async def alone(
    run_alone: RunAlone | None, key: str, caller: str, one_pass: Callable[[], Awaitable[int]]
) -> int:
    """One pass, unless another replica's pass holds `key` (then 0): a sweep runs once, not
    once per replica. Without `run_alone` the pass just runs."""
    if run_alone is None:
        return await one_pass()
    with across_tenants(caller):
        async with run_alone(key) as mine:
            return await one_pass() if mine else 0
