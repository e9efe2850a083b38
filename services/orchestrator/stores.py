"""Where the orchestrator keeps dialogue state: Redis when configured, else Postgres."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

from adapters.postgres.database import PoolSettings, ScopedSessions, engine_resource
from adapters.postgres.dialogue_store import PostgresDialogueStore
from adapters.redis.dialogue_store import RedisDialogueStore
from core.orchestrator.dialogue import DialogueStore


async def dialogue_store(
    redis_url: str | None,
    database_url: str,
    platform_database_url: str,
    pool: PoolSettings,
    platform_pool: PoolSettings,
) -> AsyncIterator[DialogueStore]:
    if redis_url:
        redis = Redis.from_url(redis_url)
        try:
            yield RedisDialogueStore(redis)
        finally:
            await redis.aclose()
        return
    # The engine every service uses: its pool pings a connection before handing it out, so
    # one the server or a proxy closed while idle is replaced instead of failing a call.
    # As in every service, work across tenants runs as the platform role.
    engines = asynccontextmanager(engine_resource)
    async with (
        engines(database_url, pool) as engine,
        engines(platform_database_url, platform_pool) as platform,
    ):
        yield PostgresDialogueStore(ScopedSessions(engine, platform))
