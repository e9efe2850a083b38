"""The async engine as a resource: created when a process starts, disposed when it stops."""

from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from .urls import async_url


async def engine_resource(url: str, pool_size: int = 10) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(async_url(url), pool_size=pool_size, pool_pre_ping=True)
    try:
        yield engine
    finally:
        await engine.dispose()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
