"""Wiring of the conversation service: engine, history cache, unit of work, peers -> servicer."""

from collections.abc import AsyncIterator
from functools import partial

from dependency_injector import containers, providers
from redis.asyncio import Redis

from adapters.grpc.conversation_servicer import ConversationServicer
from adapters.grpc.messaging_client import GrpcOutbound
from adapters.grpc.tenant_client import GrpcTenantDirectory
from adapters.local.memory_cache import InProcessHistoryCache, NoHistoryCache
from adapters.postgres.conversation_repository import SqlAlchemyConversationUnitOfWork
from adapters.postgres.database import ScopedSessions, engine_resource
from adapters.redis.history_cache import RedisHistoryCache
from core.conversation.ports import HistoryCache
from services.assembly import analytics_relay, peer_client


async def history_resource(
    redis_url: str | None, single_replica: bool
) -> AsyncIterator[HistoryCache]:
    """Redis when REDIS_URL is set (its client closed at shutdown); else this process's memory
    if it is the only replica, and no cache at all beside other replicas."""
    if not redis_url:
        yield InProcessHistoryCache() if single_replica else NoHistoryCache()
        return
    client = Redis.from_url(redis_url)
    try:
        yield RedisHistoryCache(client)
    finally:
        await client.aclose()


class ConversationContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url, pool=config.pool)
    # Work that spans tenants (core.shared.scope.across_tenants) runs as the platform role.
    platform_engine = providers.Resource(
        engine_resource, url=config.platform_database_url, pool=config.platform_pool
    )
    sessions = providers.Singleton(ScopedSessions, engine, platform_engine)
    # A plain callable, so each RPC opens its own unit of work without going through the
    # container (whose providers turn async once the engine resource is async).
    unit_of_work = providers.Singleton(partial, SqlAlchemyConversationUnitOfWork, sessions)
    history = providers.Resource(
        history_resource, redis_url=config.redis_url, single_replica=config.single_replica
    )
    outbound = providers.Resource(peer_client, GrpcOutbound, config.messaging_address)
    # Whose an outlet is, asked of the tenant service before a conversation opens on it, and
    # who may take a handoff.
    outlets = providers.Resource(peer_client, GrpcTenantDirectory, config.tenant_address)
    servicer = providers.Singleton(
        ConversationServicer,
        unit_of_work=unit_of_work,
        history=history,
        outlets=outlets,
        staff=outlets,
        outbound=outbound,
    )
    # Handoffs and staff replies, relayed from the outbox to analytics (core.shared.facts).
    fact_relay = analytics_relay(unit_of_work, config, "conversation")
