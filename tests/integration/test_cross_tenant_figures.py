"""What tenant A's dashboards and knowledge search show when tenant B has data of the same kind
(in the same outlets, the same days, the same documents' words): A's own, exactly.

Served by the whole mesh in this process, as production assembles it, over the services' own roles.
"""

import uuid
from collections import defaultdict
from datetime import timedelta

import pytest
from crm.analytics.v1 import analytics_pb2 as pb
from crm.knowledge.v1 import knowledge_pb2

from adapters.grpc.analytics_mapping import event_message
from adapters.grpc.convert import timestamp
from core.shared.scope import SERVICE_ROLE
from tests.analytics_seed import DAY1, OUTLET2, seed_events

from .cross_tenant_support import Caller, peer

ANALYSTS = (Caller("owner", "token"), Caller("admin"))
WEEK = pb.TimeRange(start_time=timestamp(DAY1), end_time=timestamp(DAY1 + timedelta(days=7)))


@pytest.fixture(scope="module")
async def world(cross_tenant_world):
    """A's four seeded conversations; B has the same four, in the same outlets and hours, and
    a fifth with a 999.00 order. Each tenant's events are ingested acting for that tenant."""
    a, b = uuid.UUID(cross_tenant_world.a.tenant), uuid.UUID(cross_tenant_world.b.tenant)
    by_tenant = defaultdict(list)
    for event in [*seed_events(a, b), *(e for e in seed_events(b, a) if e.tenant_id == b)]:
        by_tenant[event.tenant_id].append(event_message(event))
    for tenant_id, events in by_tenant.items():
        answer = await cross_tenant_world.mesh.call(
            "analytics.IngestEvents",
            pb.IngestEventsRequest(events=events),
            peer(str(tenant_id), SERVICE_ROLE),
        )
        assert answer.accepted_count == len(events), answer.rejected
    return cross_tenant_world


async def _ask(world, rows, rpc: str, request):
    return [await world.mesh.call(rpc, request, caller.metadata(rows)) for caller in ANALYSTS]


async def test_a_sees_its_own_volume_revenue_latency_and_handoffs(world):
    t = world.a.tenant
    for volume in await _ask(world, world.a, "analytics.GetMessageVolume",
                             pb.GetMessageVolumeRequest(tenant_id=t, time_range=WEEK)):  # fmt: skip
        assert [(p.inbound, p.outbound, p.conversations) for p in volume.points] == [
            (3, 3, 2),
            (3, 1, 2),
        ]
    for revenue in await _ask(world, world.a, "analytics.GetRevenue",
                              pb.GetRevenueRequest(tenant_id=t, time_range=WEEK)):  # fmt: skip
        assert (revenue.total.amount, revenue.total_order_revenue.amount) == ("92.50", "42.50")
    for latency in await _ask(world, world.a, "analytics.GetLatency",
                              pb.GetLatencyRequest(tenant_id=t, time_range=WEEK)):  # fmt: skip
        assert (latency.overall.count, latency.overall.p50_ms, latency.overall.p95_ms) == (
            6,
            350,
            875,
        )
    for share in await _ask(world, world.a, "analytics.GetHandoffShare",
                            pb.GetHandoffShareRequest(tenant_id=t, time_range=WEEK)):  # fmt: skip
        assert (share.conversations, share.handed_off, share.human_share) == (4, 1, 0.25)


async def test_a_sees_its_own_intents_products_questions_and_funnel(world):
    t = world.a.tenant
    for intents in await _ask(world, world.a, "analytics.GetIntentBreakdown",
                              pb.GetIntentBreakdownRequest(
                                  tenant_id=t, time_range=WEEK, outlet_id=str(OUTLET2))):  # fmt: skip
        assert [(i.intent, i.count) for i in intents.intents] == [
            ("booking", 1),
            ("order", 1),
            ("unknown", 1),
        ]
    for products in await _ask(world, world.a, "analytics.GetTopProducts",
                               pb.GetTopProductsRequest(tenant_id=t, time_range=WEEK)):  # fmt: skip
        assert [(p.name, p.count) for p in products.products] == [("Latte", 3), ("Bagel", 1)]
    for questions in await _ask(world, world.a, "analytics.GetUnansweredQuestions",
                                pb.GetUnansweredQuestionsRequest(
                                    tenant_id=t, time_range=WEEK)):  # fmt: skip
        assert [(q.name, q.count) for q in questions.questions] == [
            ("do you have parking", 2),
            ("is there wifi", 1),
        ]
    for funnel in await _ask(world, world.a, "analytics.GetConversionFunnel",
                             pb.GetConversionFunnelRequest(
                                 tenant_id=t, time_range=WEEK, kind=pb.FUNNEL_KIND_BOOKING)):  # fmt: skip
        assert [s.count for s in funnel.stages] == [2, 2, 1]


async def test_b_sees_its_own_fifth_conversation(world):
    """The positive control: B's figures hold what only B has, so A's exact ones mean something."""
    t = world.b.tenant
    for revenue in await _ask(world, world.b, "analytics.GetRevenue",
                              pb.GetRevenueRequest(tenant_id=t, time_range=WEEK)):  # fmt: skip
        assert (revenue.total.amount, revenue.total_order_revenue.amount) == ("1091.50", "1041.50")
    for share in await _ask(world, world.b, "analytics.GetHandoffShare",
                            pb.GetHandoffShareRequest(tenant_id=t, time_range=WEEK)):  # fmt: skip
        assert (share.conversations, share.handed_off) == (5, 1)


async def _search(world, rows, query: str) -> list:
    request = knowledge_pb2.SearchRequest(tenant_id=rows.tenant, query=query, top_k=20)
    answers = [
        await world.mesh.call("knowledge.Search", request, caller.metadata(rows))
        for caller in (Caller("owner", "token"), Caller("agent", "token"), Caller(SERVICE_ROLE))
    ]
    return [passage for answer in answers for passage in answer.passages]


async def test_knowledge_search_finds_only_the_callers_documents(world):
    for mine, theirs in ((world.a, world.b), (world.b, world.a)):
        # Words both tenants' documents hold, and the words only the other tenant's hold.
        for query in ("terrace tasting menu parking", f"{theirs.label} terrace"):
            passages = await _search(world, mine, query)
            assert passages, f"{mine.label} found nothing for {query!r}"
            assert {p.document_id for p in passages} <= {mine.document, mine.document_spare}
            assert all(theirs.label not in p.text for p in passages)
            assert all(mine.label in p.text for p in passages)
