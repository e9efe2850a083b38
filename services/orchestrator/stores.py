"""Where the orchestrator keeps dialogue state: Redis when configured, else Postgres."""

from collections.abc import AsyncIterator

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.postgres.database import session_factory
from adapters.postgres.dialogue_store import PostgresDialogueStore
from adapters.postgres.urls import async_url
from adapters.redis.dialogue_store import RedisDialogueStore
from core.orchestrator.dialogue import DialogueStore


async def dialogue_store(redis_url: str | None, database_url: str) -> AsyncIterator[DialogueStore]:
    if redis_url:
        redis = Redis.from_url(redis_url)
        try:
            yield RedisDialogueStore(redis)
        finally:
            await redis.aclose()
        return
    engine = create_async_engine(async_url(database_url), pool_size=10)
    try:
        yield PostgresDialogueStore(session_factory(engine))
    finally:
        await engine.dispose()
