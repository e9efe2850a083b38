"""AnalyticsService over a real grpc.aio server and Postgres: ingest, query, refuse bad input."""

import uuid
from datetime import timedelta

import grpc
import pytest
from crm.analytics.v1 import analytics_pb2 as pb
from crm.analytics.v1 import analytics_pb2_grpc

from adapters.grpc.analytics_mapping import event_message
from adapters.grpc.analytics_servicer import AnalyticsServicer
from adapters.grpc.convert import timestamp
from adapters.postgres.analytics_repository import SqlAlchemyAnalyticsUnitOfWork
from adapters.postgres.database import session_factory
from tests.analytics_seed import DAY1, NOW, OUTLET2, seed_events

TENANT, OTHER = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def stub(db, grpc_channel_to):
    sessions = session_factory(db)
    servicer = AnalyticsServicer(lambda: SqlAlchemyAnalyticsUnitOfWork(sessions), lambda: NOW)
    channel = await grpc_channel_to(
        lambda server: analytics_pb2_grpc.add_AnalyticsServiceServicer_to_server(servicer, server),
        ["crm.analytics.v1.AnalyticsService"],
    )
    analytics = analytics_pb2_grpc.AnalyticsServiceStub(channel)
    events = [event_message(event) for event in seed_events(TENANT, OTHER)]
    await analytics.IngestEvents(pb.IngestEventsRequest(events=events))
    return analytics


def _range(days: int = 7) -> pb.TimeRange:
    return pb.TimeRange(start_time=timestamp(DAY1), end_time=timestamp(DAY1 + timedelta(days=days)))


async def test_ingest_reports_accepted_duplicates_and_rejected(stub):
    fresh = event_message(seed_events(TENANT, OTHER)[0])
    repeated, bad, no_tenant = pb.Event(), pb.Event(), pb.Event()
    for copy in (repeated, bad, no_tenant):
        copy.CopyFrom(fresh)
    bad.event_id, bad.event_type = "bad-1", "message.exploded"
    no_tenant.event_id, no_tenant.tenant_id = "bad-2", ""
    reply = await stub.IngestEvents(
        pb.IngestEventsRequest(events=[fresh, repeated, bad, no_tenant])
    )
    assert (reply.accepted_count, reply.duplicate_count) == (1, 1)
    assert [(r.index, r.event_id) for r in reply.rejected] == [(2, "bad-1"), (3, "bad-2")]
    assert reply.rejected[0].reason.startswith("event_type:")
    assert reply.rejected[1].reason.startswith("tenant_id:")


async def test_dashboard_figures(stub):
    tenant = str(TENANT)
    volume = await stub.GetMessageVolume(
        pb.GetMessageVolumeRequest(tenant_id=tenant, time_range=_range())
    )
    assert [(p.inbound, p.outbound, p.conversations) for p in volume.points] == [
        (3, 3, 2),
        (3, 1, 2),
    ]
    revenue = await stub.GetRevenue(pb.GetRevenueRequest(tenant_id=tenant, time_range=_range()))
    assert (revenue.total.amount, revenue.total_order_revenue.amount) == ("92.50", "42.50")
    latency = await stub.GetLatency(pb.GetLatencyRequest(tenant_id=tenant, time_range=_range()))
    assert (latency.overall.p50_ms, latency.overall.p95_ms) == (350, 875)
    share = await stub.GetHandoffShare(
        pb.GetHandoffShareRequest(tenant_id=tenant, time_range=_range())
    )
    assert (share.conversations, share.handed_off, share.human_share) == (4, 1, 0.25)


async def test_rankings_and_funnel(stub):
    tenant = str(TENANT)
    questions = await stub.GetUnansweredQuestions(
        pb.GetUnansweredQuestionsRequest(tenant_id=tenant, time_range=_range(), limit=1)
    )
    assert [(q.name, q.count) for q in questions.questions] == [("do you have parking", 2)]
    products = await stub.GetTopProducts(
        pb.GetTopProductsRequest(tenant_id=tenant, time_range=_range())
    )
    assert [(p.name, p.count) for p in products.products] == [("Latte", 3), ("Bagel", 1)]
    funnel = await stub.GetConversionFunnel(
        pb.GetConversionFunnelRequest(
            tenant_id=tenant, time_range=_range(), kind=pb.FUNNEL_KIND_BOOKING
        )
    )
    assert [s.count for s in funnel.stages] == [2, 2, 1]


async def test_queries_are_scoped_to_tenant_and_outlet(stub):
    other = await stub.GetIntentBreakdown(
        pb.GetIntentBreakdownRequest(tenant_id=str(OTHER), time_range=_range())
    )
    assert [(i.intent, i.count) for i in other.intents] == [("order", 1)]
    outlet = await stub.GetIntentBreakdown(
        pb.GetIntentBreakdownRequest(
            tenant_id=str(TENANT), time_range=_range(), outlet_id=str(OUTLET2)
        )
    )
    assert [(i.intent, i.count) for i in outlet.intents] == [
        ("booking", 1),
        ("order", 1),
        ("unknown", 1),
    ]
    stranger = await stub.GetRevenue(
        pb.GetRevenueRequest(tenant_id=str(uuid.uuid4()), time_range=_range())
    )
    assert (list(stranger.points), stranger.total.amount) == ([], "0.00")


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (pb.GetMessageVolumeRequest(tenant_id="nope"), "tenant_id"),
        (pb.GetMessageVolumeRequest(tenant_id=str(TENANT), time_range=_range(-1)), "time_range"),
        (pb.GetMessageVolumeRequest(tenant_id=str(TENANT), timezone="Mars/Olympus"), "timezone"),
        (pb.GetMessageVolumeRequest(tenant_id=str(TENANT), outlet_id="x"), "outlet_id"),
        (
            pb.GetMessageVolumeRequest(
                tenant_id=str(TENANT), time_range=_range(60), granularity=pb.GRANULARITY_HOUR
            ),
            "granularity",
        ),
    ],
)
async def test_bad_input_is_invalid_argument_naming_the_field(stub, request_, field):
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.GetMessageVolume(request_)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details().startswith(f"{field}:")


async def test_a_negative_limit_is_refused(stub):
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.GetTopProducts(pb.GetTopProductsRequest(tenant_id=str(TENANT), limit=-1))
    assert refused.value.details().startswith("limit:")
