"""Wiring of the analytics service: engine, unit of work -> servicer."""

from functools import partial

from dependency_injector import containers, providers

from adapters.grpc.analytics_servicer import AnalyticsServicer
from adapters.postgres.analytics_repository import SqlAlchemyAnalyticsUnitOfWork
from adapters.postgres.database import engine_resource, session_factory


class AnalyticsContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url)
    sessions = providers.Singleton(session_factory, engine)
    # A plain callable: each RPC opens its own unit of work without going through the container.
    unit_of_work = providers.Singleton(partial, SqlAlchemyAnalyticsUnitOfWork, sessions)
    servicer = providers.Singleton(AnalyticsServicer, unit_of_work=unit_of_work)
