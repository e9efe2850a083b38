"""Wiring of the tenant service: engine -> sessions -> unit of work, billing's limits -> servicer."""

from functools import partial

from dependency_injector import containers, providers

from adapters.grpc.billing_client import GrpcPlanLimits
from adapters.grpc.tenant_servicer import TenantServicer
from adapters.postgres.database import ScopedSessions, engine_resource
from adapters.postgres.tenant_repository import SqlAlchemyTenantUnitOfWork
from services.assembly import peer_client


class TenantContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url, pool=config.pool)
    # Work that spans tenants (core.shared.scope.across_tenants) runs as the platform role.
    platform_engine = providers.Resource(
        engine_resource, url=config.platform_database_url, pool=config.platform_pool
    )
    sessions = providers.Singleton(ScopedSessions, engine, platform_engine)
    # A plain callable, so each RPC opens its own unit of work without going through the
    # container (whose providers turn async once the engine resource is async).
    unit_of_work = providers.Singleton(partial, SqlAlchemyTenantUnitOfWork, sessions)
    limits = providers.Resource(peer_client, GrpcPlanLimits, config.billing_address)
    servicer = providers.Singleton(TenantServicer, unit_of_work=unit_of_work, limits=limits)
