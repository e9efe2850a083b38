"""Wiring of the billing service: engine -> sessions -> unit of work -> servicer, period closer."""

from functools import partial

from dependency_injector import containers, providers

from adapters.grpc.billing_servicer import BillingServicer
from adapters.postgres.billing_repository import SqlAlchemyBillingUnitOfWork
from adapters.postgres.database import ScopedSessions, engine_resource
from core.billing.closing import PeriodCloser
from core.conversation.model import utcnow


class BillingContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    # Metering flushes and quota checks arrive from every replica of the message path.
    engine = providers.Resource(engine_resource, url=config.database_url, pool=config.pool)
    # Work that spans tenants (core.shared.scope.across_tenants) runs as the platform role.
    platform_engine = providers.Resource(
        engine_resource, url=config.platform_database_url, pool=config.platform_pool
    )
    sessions = providers.Singleton(ScopedSessions, engine, platform_engine)
    unit_of_work = providers.Singleton(partial, SqlAlchemyBillingUnitOfWork, sessions)
    clock = providers.Object(utcnow)
    servicer = providers.Singleton(
        BillingServicer, unit_of_work=unit_of_work, clock=clock, currency=config.currency
    )
    # Every replica runs one; the statements' unique key makes a period close once.
    closer = providers.Singleton(PeriodCloser, unit_of_work, clock)
