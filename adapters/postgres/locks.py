"""Transaction-scoped advisory locks: work on one key runs one transaction at a time."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


async def hold_until_commit(session: AsyncSession, key: str) -> None:
    """Wait for the key, then hold it until this transaction ends (commit or rollback)."""
    await session.execute(_LOCK, {"key": key})
