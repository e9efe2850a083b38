"""Wiring of the conversation service: engine, history cache, unit of work -> servicer."""

from collections.abc import AsyncIterator
from functools import partial

from dependency_injector import containers, providers
from redis.asyncio import Redis

from adapters.grpc.conversation_servicer import ConversationServicer
from adapters.local.memory_cache import InProcessHistoryCache
from adapters.postgres.conversation_repository import SqlAlchemyConversationUnitOfWork
from adapters.postgres.database import engine_resource, session_factory
from adapters.redis.history_cache import RedisHistoryCache


async def redis_resource(url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(url)
    try:
        yield client
    finally:
        await client.aclose()


class ConversationContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url)
    sessions = providers.Singleton(session_factory, engine)
    # A plain callable, so each RPC opens its own unit of work without going through the
    # container (whose providers turn async once the engine resource is async).
    unit_of_work = providers.Singleton(partial, SqlAlchemyConversationUnitOfWork, sessions)

    redis = providers.Resource(redis_resource, url=config.redis_url)
    history = providers.Selector(
        config.history_cache,
        redis=providers.Singleton(RedisHistoryCache, redis),
        local=providers.Singleton(InProcessHistoryCache),
    )
    servicer = providers.Singleton(ConversationServicer, unit_of_work=unit_of_work, history=history)
