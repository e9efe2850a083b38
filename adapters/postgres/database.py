"""The async engine as a resource: created when a process starts, disposed when it stops."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import partial
from typing import TypeVar

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


U = TypeVar("U")


@asynccontextmanager
async def units_of_work(
    url: str, unit_of_work: Callable[..., U], pool_size: int = 2
) -> AsyncIterator[Callable[[], U]]:
    """For scripts (seeds, tools): a factory of units of work over a short-lived engine."""
    engine = create_async_engine(async_url(url), pool_size=pool_size)
    try:
        yield partial(unit_of_work, session_factory(engine))
    finally:
        await engine.dispose()
