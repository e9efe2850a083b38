"""The analytics figures over Postgres, checked exactly against a seeded set of events."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from adapters.postgres.analytics_repository import SqlAlchemyAnalyticsUnitOfWork
from adapters.postgres.database import session_factory
from core.analytics import queries
from core.analytics.ingestion import ingest_events
from core.analytics.model import Granularity, Ranked, Window
from tests.analytics_seed import DAY1, DAY2, NOW, OUTLET2, seed_events

TENANT, OTHER = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def uow(db):
    sessions = session_factory(db)
    factory = lambda: SqlAlchemyAnalyticsUnitOfWork(sessions)  # noqa: E731
    await ingest_events(seed_events(TENANT, OTHER), factory(), lambda: NOW)
    return factory


def _window(granularity=Granularity.DAY, outlet=None, tenant=TENANT) -> Window:
    return Window(tenant, DAY1, DAY1 + timedelta(days=7), outlet, granularity)


async def test_volume_per_day_counts_messages_and_conversations(uow):
    points = await queries.message_volume(_window(), uow())
    assert [(p.bucket_start, p.inbound, p.outbound, p.conversations) for p in points] == [
        (DAY1, 3, 3, 2),
        (DAY2, 3, 1, 2),
    ]


async def test_volume_per_hour_and_per_outlet(uow):
    hourly = await queries.message_volume(_window(Granularity.HOUR, OUTLET2), uow())
    assert [(p.bucket_start.hour, p.inbound) for p in hourly] == [(9, 2), (15, 1)]


async def test_volume_per_week_starts_on_monday(uow):
    weekly = await queries.message_volume(_window(Granularity.WEEK), uow())
    assert [(p.bucket_start, p.inbound) for p in weekly] == [(DAY1, 6)]


async def test_intent_mix(uow):
    mix = await queries.intent_breakdown(_window(), uow())
    assert [(i.intent, i.count) for i in mix] == [("booking", 3), ("order", 2), ("unknown", 1)]
    assert [i.share for i in mix] == pytest.approx([1 / 2, 1 / 3, 1 / 6])
    assert [i.average_confidence for i in mix] == pytest.approx([2.2 / 3, 0.9, 0.2])


async def test_latency_median_and_p95(uow):
    points, overall = await queries.latency(_window(), uow())
    assert (overall.count, overall.p50_ms, overall.p95_ms, overall.max_ms) == (6, 350, 875, 1000)
    assert overall.average_ms == pytest.approx(2500 / 6)
    assert [(p.bucket_start, p.p50_ms) for p in points] == [(DAY1, 200), (DAY2, 500)]


async def test_handoff_share(uow):
    share = await queries.handoff_share(_window(), uow())
    assert (share.conversations, share.handed_off, share.bot_share) == (4, 1, 0.75)


async def test_booking_conversion(uow):
    stages = await queries.conversion_funnel(_window(), "booking", uow())
    assert [(s.name, s.count, s.conversion_from_previous) for s in stages] == [
        ("intent.booking", 2, 1.0),
        ("booking.created", 2, 1.0),
        ("booking.confirmed", 1, 0.5),
    ]


async def test_revenue_per_day(uow):
    points = await queries.revenue(_window(), uow())
    assert [
        (p.bucket_start, p.order_revenue, p.booking_revenue, p.order_count) for p in points
    ] == [
        (DAY1, Decimal("30.00"), Decimal("50.00"), 1),
        (DAY2, Decimal("12.50"), Decimal("0"), 1),
    ]


async def test_top_products_and_unanswered_questions(uow):
    assert await queries.top_products(_window(), 10, uow()) == [
        Ranked("Latte", 3),
        Ranked("Bagel", 1),
    ]
    assert await queries.unanswered_questions(_window(), 10, uow()) == [
        Ranked("do you have parking", 2),
        Ranked("is there wifi", 1),
    ]


async def test_a_repeated_batch_is_stored_once(uow):
    again = await ingest_events(seed_events(TENANT, OTHER)[:3], uow(), lambda: NOW)
    assert (again.accepted, again.duplicates) == (3, 0)
    events = seed_events(TENANT, OTHER)[:2]
    first = await ingest_events(events, uow(), lambda: NOW)
    repeat = await ingest_events(events, uow(), lambda: NOW)
    assert (first.accepted, repeat.accepted, repeat.duplicates) == (2, 0, 2)


async def test_another_tenant_sees_only_its_own(uow):
    mix = await queries.intent_breakdown(_window(tenant=OTHER), uow())
    assert [(i.intent, i.count) for i in mix] == [("order", 1)]
