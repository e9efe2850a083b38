"""Wiring of the order service: database, payment provider, peers, agent, sweeper."""

from datetime import timedelta
from functools import partial

from dependency_injector import containers, providers

from adapters.grpc.conversation_client import GrpcConversations
from adapters.grpc.messaging_notifier import GrpcMessagingNotifier
from adapters.grpc.order_servicer import OrderServicer
from adapters.grpc.tenant_client import GrpcTenantDirectory
from adapters.local.payment_gateway import StandinPaymentGateway
from adapters.postgres.database import ScopedSessions, engine_resource
from adapters.postgres.locks import held_alone
from adapters.postgres.order_repository import SqlAlchemyOrderUnitOfWork
from core.conversation.model import utcnow
from core.order.agent.shop import Shop
from core.order.agent.transaction import TransactionAgent
from core.order.references import OrderReferences
from core.order.sweeper import PaymentSweeper
from services.assembly import analytics_relay, peer_client


class OrderContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url, pool=config.pool)
    # Work that spans tenants (core.shared.scope.across_tenants) runs as the platform role.
    platform_engine = providers.Resource(
        engine_resource, url=config.platform_database_url, pool=config.platform_pool
    )
    sessions = providers.Singleton(ScopedSessions, engine, platform_engine)
    unit_of_work = providers.Singleton(partial, SqlAlchemyOrderUnitOfWork, sessions)
    clock = providers.Object(utcnow)

    payments = providers.Resource(peer_client, StandinPaymentGateway, config.payment_base_url)
    notifier = providers.Resource(peer_client, GrpcMessagingNotifier, config.messaging_address)
    # An order's outlet and conversation are checked with their owners, in the caller's tenant.
    outlets = providers.Resource(peer_client, GrpcTenantDirectory, config.tenant_address)
    conversations = providers.Resource(peer_client, GrpcConversations, config.conversation_address)
    references = providers.Singleton(OrderReferences, outlets, conversations)

    shop = providers.Singleton(
        Shop, unit_of_work, payments, references, clock, config.currency, areas=outlets
    )
    agent = providers.Singleton(TransactionAgent, shop, config.payment_timeout_minutes)
    sweeper = providers.Singleton(
        PaymentSweeper,
        unit_of_work,
        notifier,
        clock,
        providers.Callable(
            lambda minutes: timedelta(minutes=minutes), config.payment_timeout_minutes
        ),
        config.sweep_seconds,
        alone=providers.Singleton(partial, held_alone, sessions),
    )
    servicer = providers.Singleton(
        OrderServicer,
        unit_of_work=unit_of_work,
        payments=payments,
        references=references,
        notifier=notifier,
        agent=agent,
        clock=clock,
        currency=config.currency,
    )
    # What happened to each order, relayed from the outbox to analytics (core.shared.facts).
    fact_relay = analytics_relay(unit_of_work, config, "order")
