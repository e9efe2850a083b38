"""Wiring of the booking service: engine, unit of work, the tenant peer (outlets) -> servicer."""

from functools import partial

from dependency_injector import containers, providers

from adapters.grpc.booking_servicer import BookingServicer
from adapters.grpc.tenant_client import GrpcTenantDirectory
from adapters.postgres.booking_repository import SqlAlchemyBookingUnitOfWork
from adapters.postgres.database import engine_resource, session_factory
from services.assembly import peer_client


class BookingContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url)
    sessions = providers.Singleton(session_factory, engine)
    # A plain callable, so each RPC opens its own unit of work (see the conversation service).
    unit_of_work = providers.Singleton(partial, SqlAlchemyBookingUnitOfWork, sessions)
    # The tenant service keeps the outlets: whose each is, and its time zone ("today" and "now"
    # of a booking are the outlet's).
    outlets = providers.Resource(peer_client, GrpcTenantDirectory, config.tenant_address)
    servicer = providers.Singleton(BookingServicer, unit_of_work=unit_of_work, outlets=outlets)
