"""Wiring of the analytics service: engine, unit of work -> servicer."""

from functools import partial

from dependency_injector import containers, providers

from adapters.grpc.analytics_servicer import AnalyticsServicer
from adapters.postgres.analytics_repository import SqlAlchemyAnalyticsUnitOfWork
from adapters.postgres.database import ScopedSessions, engine_resource


class AnalyticsContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url, pool=config.pool)
    # Work that spans tenants (core.shared.scope.across_tenants) runs as the platform role.
    platform_engine = providers.Resource(
        engine_resource, url=config.platform_database_url, pool=config.platform_pool
    )
    sessions = providers.Singleton(ScopedSessions, engine, platform_engine)
    # A plain callable: each RPC opens its own unit of work without going through the container.
    unit_of_work = providers.Singleton(partial, SqlAlchemyAnalyticsUnitOfWork, sessions)
    servicer = providers.Singleton(AnalyticsServicer, unit_of_work=unit_of_work)
