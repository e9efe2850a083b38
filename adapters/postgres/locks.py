"""Transaction-scoped advisory locks: work on one key runs one transaction at a time."""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from .database import Sessions

_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
# Taken in the order given (ORDER BY n): a volatile select list is evaluated after the sort.
_LOCK_EACH = text(
    "SELECT pg_advisory_xact_lock(hashtextextended(key, 0))"
    " FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS k(key, n) ORDER BY n"
)
_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0))")


async def hold_until_commit(session: AsyncSession, key: str) -> None:
    """Wait for the key, then hold it until this transaction ends (commit or rollback)."""
    await session.execute(_LOCK, {"key": key})


async def hold_each_until_commit(session: AsyncSession, keys: Iterable[str]) -> None:
    """hold_until_commit for several keys in one round trip, taken in sorted order so that
    transactions wanting overlapping keys cannot deadlock."""
    await session.execute(_LOCK_EACH, {"keys": sorted(set(keys))})


@asynccontextmanager
async def held_alone(sessions: Sessions, key: str) -> AsyncIterator[bool]:
    """Whether the key was free, and if so it is ours until the block ends: one runner at a time
    across every replica. A transaction of its own holds it, so a process that dies (even by
    SIGKILL) lets go with its connection."""
    async with sessions() as session, session.begin():
        yield bool(await session.scalar(_TRY_LOCK, {"key": key}))
