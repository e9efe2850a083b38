import uuid

import pytest

from adapters.postgres.database import session_factory
from adapters.postgres.tenant_repository import SqlAlchemyTenantUnitOfWork


@pytest.fixture
def tenant_uow(db):
    """A factory of Postgres units of work over the migrated test database."""
    sessions = session_factory(db)
    return lambda: SqlAlchemyTenantUnitOfWork(sessions)


@pytest.fixture
async def grpc_channel_to():
    """Serve a register function on a real grpc.aio server on a free port; yield a channel."""
    import grpc

    from services.runtime import build_server, set_serving

    servers = []
    channels = []

    async def start(register, service_names):
        server, health = build_server(register, service_names)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        await set_serving(health, service_names, True)
        servers.append(server)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        channels.append(channel)
        return channel

    yield start
    for channel in channels:
        await channel.close()
    for server in servers:
        await server.stop(None)


@pytest.fixture
async def tenant_stub(grpc_channel_to, tenant_uow):
    from crm.tenant.v1 import tenant_pb2_grpc

    from adapters.grpc.tenant_servicer import TenantServicer

    servicer = TenantServicer(tenant_uow)
    channel = await grpc_channel_to(
        lambda server: tenant_pb2_grpc.add_TenantServiceServicer_to_server(servicer, server),
        ["crm.tenant.v1.TenantService"],
    )
    return tenant_pb2_grpc.TenantServiceStub(channel)


@pytest.fixture
def billing_uow(db):
    """A factory of the billing context's Postgres units of work, as the owner."""
    from adapters.postgres.billing_repository import SqlAlchemyBillingUnitOfWork

    sessions = session_factory(db)
    return lambda: SqlAlchemyBillingUnitOfWork(sessions)


@pytest.fixture
def serve_billing(grpc_channel_to, billing_uow):
    """Serve BillingService over the test database with these tiers put; return (stub, address)."""
    from crm.billing.v1 import billing_pb2_grpc

    from adapters.grpc.billing_servicer import BillingServicer
    from core.billing.subscriptions import put_tiers
    from core.conversation.model import utcnow

    async def serve(tiers, clock=utcnow):
        await put_tiers(tiers, billing_uow())
        servicer = BillingServicer(billing_uow, clock, "EUR")
        channel = await grpc_channel_to(
            lambda server: billing_pb2_grpc.add_BillingServiceServicer_to_server(servicer, server),
            ["crm.billing.v1.BillingService"],
        )
        # grpc_channel_to yields channels only; clients such as the meter dial the address.
        return billing_pb2_grpc.BillingServiceStub(channel), channel._channel.target.decode()

    return serve


@pytest.fixture
def messaging_uow(db):
    from adapters.postgres.messaging_repository import SqlAlchemyMessagingUnitOfWork

    sessions = session_factory(db)
    return lambda: SqlAlchemyMessagingUnitOfWork(sessions)


@pytest.fixture
def conversation_uow(db):
    """A factory of the conversation context's Postgres units of work."""
    from adapters.postgres.conversation_repository import SqlAlchemyConversationUnitOfWork

    sessions = session_factory(db)
    return lambda: SqlAlchemyConversationUnitOfWork(sessions)


@pytest.fixture
def handoff_agent() -> uuid.UUID:
    """The one active user the conversation_stub's tenant has, to take handoffs."""
    return uuid.uuid4()


@pytest.fixture
async def conversation_stub(grpc_channel_to, conversation_uow, handoff_agent):
    """ConversationService over Postgres, with the in-process history cache."""
    from crm.conversation.v1 import conversation_pb2_grpc

    from adapters.grpc.conversation_servicer import ConversationServicer
    from adapters.local.memory_cache import InProcessHistoryCache
    from tests.fakes import FakeOutlets, FakeStaff

    servicer = ConversationServicer(
        conversation_uow,
        InProcessHistoryCache(),
        FakeOutlets(),
        staff=FakeStaff(active={handoff_agent}),
    )
    channel = await grpc_channel_to(
        lambda server: conversation_pb2_grpc.add_ConversationServiceServicer_to_server(
            servicer, server
        ),
        ["crm.conversation.v1.ConversationService"],
    )
    return conversation_pb2_grpc.ConversationServiceStub(channel)


@pytest.fixture(scope="module")
async def cross_tenant_world(database_url, engine, tmp_path_factory):
    """The whole mesh in this process over the test database as the services' own roles, and tenants A
    and B seeded alike through it; every table is emptied when the module is done."""
    from .cross_tenant_support import emptied, seeded_world

    try:
        async with seeded_world(database_url, engine, tmp_path_factory.mktemp("mesh")) as world:
            yield world
    finally:
        await emptied(engine)


@pytest.fixture
async def live_analytics(db):
    """(address of a real AnalyticsService over Postgres, its unit-of-work factory)."""
    import grpc
    from crm.analytics.v1 import analytics_pb2_grpc

    from adapters.grpc.analytics_servicer import AnalyticsServicer
    from adapters.postgres.analytics_repository import SqlAlchemyAnalyticsUnitOfWork

    sessions = session_factory(db)
    uow = lambda: SqlAlchemyAnalyticsUnitOfWork(sessions)  # noqa: E731
    server = grpc.aio.server()
    analytics_pb2_grpc.add_AnalyticsServiceServicer_to_server(AnalyticsServicer(uow), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield f"127.0.0.1:{port}", uow
    await server.stop(None)
