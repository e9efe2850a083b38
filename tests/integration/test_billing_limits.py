"""Plan limits where they bite, over real gRPC and PostgreSQL: tenant and knowledge ask billing.

At the limit, one over, and concurrent creates at the edge (the count and the insert share one
lock, so exactly the room there is gets used); billing down means nothing is created.
"""

import asyncio
import uuid
from decimal import Decimal

import grpc
import pytest
from crm.billing.v1 import billing_pb2 as billing
from crm.billing.v1 import billing_pb2_grpc
from crm.knowledge.v1 import knowledge_pb2 as kpb
from crm.knowledge.v1 import knowledge_pb2_grpc
from crm.tenant.v1 import tenant_pb2 as tpb
from crm.tenant.v1 import tenant_pb2_grpc

from adapters.grpc.billing_client import GrpcPlanLimits
from adapters.grpc.knowledge_servicer import KnowledgeServicer
from adapters.grpc.tenant_servicer import TenantServicer
from adapters.postgres.database import session_factory
from adapters.postgres.knowledge_repository import SqlAlchemyKnowledgeUnitOfWork
from core.billing.model import Tier
from core.billing.plans import SEED_TIERS
from tests.fakes import FakeOutlets, fake_pipeline

from .grpc_support import expect

CODE = grpc.StatusCode
# One MB of storage; even the free tier (100 MB) holds more.
SNUG = Tier("snug", 100, 1, 1, 1, Decimal("1.00"), Decimal("0.05"))
KB_600 = b"Opening hours and menu. " * 25_600  # 600 KiB of text


@pytest.fixture
async def billing_address(serve_billing) -> str:
    _, address = await serve_billing([*SEED_TIERS, SNUG])
    return address


@pytest.fixture
async def limits(billing_address):
    client = GrpcPlanLimits(billing_address)
    yield client
    await client.aclose()


@pytest.fixture
async def subscribe(billing_address):
    async with grpc.aio.insecure_channel(billing_address) as channel:
        stub = billing_pb2_grpc.BillingServiceStub(channel)

        async def run(tenant_id: str, tier: str) -> None:
            await stub.CreateSubscription(
                billing.CreateSubscriptionRequest(tenant_id=tenant_id, tier=tier)
            )

        yield run


async def _serve_tenant(grpc_channel_to, tenant_uow, limits):
    servicer = TenantServicer(tenant_uow, limits)
    channel = await grpc_channel_to(
        lambda server: tenant_pb2_grpc.add_TenantServiceServicer_to_server(servicer, server),
        ["crm.tenant.v1.TenantService"],
    )
    return tenant_pb2_grpc.TenantServiceStub(channel)


@pytest.fixture
async def tenants(grpc_channel_to, tenant_uow, limits):
    return await _serve_tenant(grpc_channel_to, tenant_uow, limits)


@pytest.fixture
async def knowledge(grpc_channel_to, db, limits):
    sessions = session_factory(db)
    servicer = KnowledgeServicer(
        lambda: SqlAlchemyKnowledgeUnitOfWork(sessions), fake_pipeline(), FakeOutlets(), limits
    )
    channel = await grpc_channel_to(
        lambda server: knowledge_pb2_grpc.add_KnowledgeServiceServicer_to_server(servicer, server),
        ["crm.knowledge.v1.KnowledgeService"],
    )
    return knowledge_pb2_grpc.KnowledgeServiceStub(channel)


async def new_tenant(tenants, slug: str) -> str:
    created = await tenants.CreateTenant(
        tpb.CreateTenantRequest(tenant=tpb.Tenant(name=slug.title(), slug=slug))
    )
    return created.tenant.id


def create_outlet(tenants, tenant_id: str, phone_id: str):
    outlet = tpb.Outlet(
        tenant_id=tenant_id, name=f"Outlet {phone_id}", waba_phone_number_id=phone_id
    )
    return tenants.CreateOutlet(tpb.CreateOutletRequest(outlet=outlet))


def create_kb(knowledge, tenant_id: str, name: str):
    kb = kpb.KnowledgeBase(tenant_id=tenant_id, name=name)
    return knowledge.CreateKnowledgeBase(kpb.CreateKnowledgeBaseRequest(knowledge_base=kb))


def upload(knowledge, kb: kpb.KnowledgeBase, filename: str, content: bytes):
    return knowledge.UploadDocument(
        kpb.UploadDocumentRequest(
            tenant_id=kb.tenant_id, knowledge_base_id=kb.id, filename=filename, content=content
        )
    )


async def outcomes(calls) -> list[grpc.StatusCode]:
    """Each call's status, OK or the code it failed with."""
    results = await asyncio.gather(*calls, return_exceptions=True)
    return [r.code() if isinstance(r, grpc.aio.AioRpcError) else CODE.OK for r in results]


async def test_an_outlet_beyond_the_limit_names_the_limit_and_the_lifting_tier(tenants, subscribe):
    tenant_id = await new_tenant(tenants, "casa-pepe")
    await subscribe(tenant_id, "starter")
    await create_outlet(tenants, tenant_id, "1001")  # the one outlet starter allows
    assert await expect(CODE.RESOURCE_EXHAUSTED, create_outlet(tenants, tenant_id, "1002")) == (
        "outlet limit of 1 reached on the starter tier; the pro tier lifts it"
    )
    listed = await tenants.ListOutlets(tpb.ListOutletsRequest(tenant_id=tenant_id))
    assert [o.waba_phone_number_id for o in listed.outlets] == ["1001"]


async def test_a_deactivated_outlet_frees_its_place(tenants, subscribe):
    tenant_id = await new_tenant(tenants, "casa-pepe")
    await subscribe(tenant_id, "starter")
    first = (await create_outlet(tenants, tenant_id, "1001")).outlet
    await tenants.DeactivateOutlet(
        tpb.DeactivateOutletRequest(tenant_id=tenant_id, outlet_id=first.id)
    )
    await create_outlet(tenants, tenant_id, "1002")


async def test_concurrent_outlets_at_the_edge_take_exactly_the_room_left(tenants, subscribe):
    tenant_id = await new_tenant(tenants, "casa-pepe")
    await subscribe(tenant_id, "pro")  # five outlets
    for phone in ("2001", "2002", "2003"):
        await create_outlet(tenants, tenant_id, phone)
    codes = await outcomes(create_outlet(tenants, tenant_id, f"30{n:02}") for n in range(8))
    assert (codes.count(CODE.OK), codes.count(CODE.RESOURCE_EXHAUSTED)) == (2, 6)
    listed = await tenants.ListOutlets(tpb.ListOutletsRequest(tenant_id=tenant_id))
    assert len(listed.outlets) == 5


async def test_knowledge_bases_at_the_limit_one_over_and_concurrently(knowledge, subscribe):
    tenant_id, other = str(uuid.uuid4()), str(uuid.uuid4())
    await subscribe(tenant_id, "starter")  # two knowledge bases
    await subscribe(other, "starter")
    await create_kb(knowledge, tenant_id, "Menu")
    await create_kb(knowledge, tenant_id, "FAQ")
    assert await expect(CODE.RESOURCE_EXHAUSTED, create_kb(knowledge, tenant_id, "Events")) == (
        "knowledge base limit of 2 reached on the starter tier; the pro tier lifts it"
    )
    codes = await outcomes(create_kb(knowledge, other, f"KB {n}") for n in range(6))
    assert (codes.count(CODE.OK), codes.count(CODE.RESOURCE_EXHAUSTED)) == (2, 4)


async def test_an_upload_past_the_storage_limit_is_refused_before_it_is_stored(
    knowledge, subscribe
):
    tenant_id = str(uuid.uuid4())
    await subscribe(tenant_id, "snug")  # 1 MB
    kb = (await create_kb(knowledge, tenant_id, "Menu")).knowledge_base
    await upload(knowledge, kb, "menu.md", KB_600)
    assert await expect(
        CODE.RESOURCE_EXHAUSTED, upload(knowledge, kb, "drinks.md", KB_600 + b"Drinks.")
    ) == ("storage limit of 1 MB on the snug tier cannot hold 2 MB; the free tier lifts it")
    listed = await knowledge.ListDocuments(
        kpb.ListDocumentsRequest(tenant_id=tenant_id, knowledge_base_id=kb.id)
    )
    assert [d.filename for d in listed.documents] == ["menu.md"]


async def test_concurrent_uploads_at_the_storage_edge_store_one(knowledge, subscribe):
    tenant_id = str(uuid.uuid4())
    await subscribe(tenant_id, "snug")
    kb = (await create_kb(knowledge, tenant_id, "Menu")).knowledge_base
    codes = await outcomes(
        upload(knowledge, kb, f"part-{n}.md", KB_600 + bytes([n])) for n in (1, 2)
    )
    assert (codes.count(CODE.OK), codes.count(CODE.RESOURCE_EXHAUSTED)) == (1, 1)


async def test_no_subscription_is_a_failed_precondition(knowledge):
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await create_kb(knowledge, str(uuid.uuid4()), "Menu")
    assert failed.value.code() == CODE.FAILED_PRECONDITION
    assert "no active subscription" in failed.value.details()


@pytest.fixture
async def tenants_billing_down(grpc_channel_to, tenant_uow):
    down = GrpcPlanLimits("127.0.0.1:1")  # nothing listens there
    yield await _serve_tenant(grpc_channel_to, tenant_uow, down)
    await down.aclose()


async def test_billing_down_creates_nothing(tenants_billing_down):
    tenants = tenants_billing_down
    tenant_id = await new_tenant(tenants, "casa-pepe")
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await create_outlet(tenants, tenant_id, "1001")
    assert failed.value.code() == CODE.UNAVAILABLE
    assert "billing cannot be reached" in failed.value.details()
    listed = await tenants.ListOutlets(tpb.ListOutletsRequest(tenant_id=tenant_id))
    assert list(listed.outlets) == []
