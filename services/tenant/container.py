"""Wiring of the tenant service: engine -> sessions -> unit of work -> servicer."""

from functools import partial

from dependency_injector import containers, providers

from adapters.grpc.tenant_servicer import TenantServicer
from adapters.postgres.database import engine_resource, session_factory
from adapters.postgres.tenant_repository import SqlAlchemyTenantUnitOfWork


class TenantContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url)
    sessions = providers.Singleton(session_factory, engine)
    # A plain callable, so each RPC opens its own unit of work without going through the
    # container (whose providers turn async once the engine resource is async).
    unit_of_work = providers.Singleton(partial, SqlAlchemyTenantUnitOfWork, sessions)
    servicer = providers.Singleton(TenantServicer, unit_of_work=unit_of_work)
