"""Work that repeats on a timer beside a server (sweepers, period close)."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

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
