"""Wiring of the tenant service: engine -> sessions -> unit of work -> servicer."""

from dependency_injector import containers, providers

from adapters.grpc.tenant_servicer import TenantServicer
from adapters.postgres.database import engine_resource, session_factory
from adapters.postgres.tenant_repository import SqlAlchemyTenantUnitOfWork


class TenantContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url)
    sessions = providers.Singleton(session_factory, engine)
    unit_of_work = providers.Factory(SqlAlchemyTenantUnitOfWork, sessions)
    servicer = providers.Singleton(TenantServicer, unit_of_work=unit_of_work.provider)
