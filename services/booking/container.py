"""Wiring of the booking service: engine, unit of work, the tenant peer (outlets) -> servicer;
the reminder sweeper beside it (messaging, conversation languages)."""

from functools import partial

from dependency_injector import containers, providers

from adapters.grpc.booking_reminders import GrpcReminderNotifier
from adapters.grpc.booking_servicer import BookingServicer
from adapters.grpc.conversation_client import GrpcCustomerWindow
from adapters.grpc.tenant_client import GrpcTenantDirectory
from adapters.postgres.booking_repository import SqlAlchemyBookingUnitOfWork
from adapters.postgres.database import ScopedSessions, engine_resource
from adapters.postgres.locks import held_alone
from core.booking.model import utcnow
from core.booking.reminders import ReminderSweeper
from services.assembly import analytics_relay, peer_client


class BookingContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url, pool=config.pool)
    # Work that spans tenants (core.shared.scope.across_tenants) runs as the platform role.
    platform_engine = providers.Resource(
        engine_resource, url=config.platform_database_url, pool=config.platform_pool
    )
    sessions = providers.Singleton(ScopedSessions, engine, platform_engine)
    # A plain callable, so each RPC opens its own unit of work (see the conversation service).
    unit_of_work = providers.Singleton(partial, SqlAlchemyBookingUnitOfWork, sessions)
    # The tenant service keeps the outlets: whose each is, and its time zone ("today" and "now"
    # of a booking are the outlet's).
    outlets = providers.Resource(peer_client, GrpcTenantDirectory, config.tenant_address)
    servicer = providers.Singleton(BookingServicer, unit_of_work=unit_of_work, outlets=outlets)
    # Reminders before confirmed bookings, through messaging, in the customer's language.
    notifier = providers.Resource(peer_client, GrpcReminderNotifier, config.messaging_address)
    languages = providers.Resource(peer_client, GrpcCustomerWindow, config.conversation_address)
    reminders = providers.Singleton(
        ReminderSweeper,
        unit_of_work,
        outlets,
        outlets,
        languages,
        notifier,
        providers.Object(utcnow),
        config.reminder_seconds,
        alone=providers.Singleton(partial, held_alone, sessions),
    )
    # What happened to each booking, relayed from the outbox to analytics (core.shared.facts).
    fact_relay = analytics_relay(unit_of_work, config, "booking")
