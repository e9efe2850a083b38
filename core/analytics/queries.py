"""Dashboard queries over one window; the store counts, these turn counts into figures."""

from datetime import datetime
from decimal import Decimal

from core.shared.errors import InvalidInput

from . import model as m
from .ports import AnalyticsUnitOfWork
from .rollup import Totals

MAX_RANKED = 100
FUNNELS = {
    "booking": ("booking", [m.BOOKING_CREATED, m.BOOKING_CONFIRMED]),
    "order": ("order", [m.ORDER_CREATED, m.ORDER_PAID]),
}


def intent_mix(totals: dict[str, Totals]) -> list[m.IntentCount]:
    """Intents most frequent first (ties by name), each with its share and mean confidence."""
    whole = sum(t.count for t in totals.values())
    ranked = sorted(totals.items(), key=lambda item: (-item[1].count, item[0]))
    return [
        m.IntentCount(name, t.count, m.ratio(t.count, whole), m.ratio(t.confidence_sum, t.count))
        for name, t in ranked
    ]


def funnel_stages(names: list[str], counts: list[int]) -> list[m.FunnelStage]:
    """Each stage's count with its conversion from the stage before and from the first."""
    first = counts[0] if counts else 0
    previous = [first, *counts[:-1]]
    return [
        m.FunnelStage(name, count, m.ratio(count, before), m.ratio(count, first))
        for name, count, before in zip(names, counts, previous, strict=True)
    ]


def revenue_points(
    orders: dict[datetime, Totals], bookings: dict[datetime, Totals]
) -> list[m.RevenuePoint]:
    zero = Totals()
    return [
        m.RevenuePoint(
            bucket,
            orders.get(bucket, zero).amount_sum,
            bookings.get(bucket, zero).amount_sum,
            orders.get(bucket, zero).count,
            bookings.get(bucket, zero).count,
        )
        for bucket in sorted(orders.keys() | bookings.keys())
    ]


def limit_of(limit: int, default: int) -> int:
    """A caller's limit: 0 means the default, large ones are capped."""
    if limit < 0:
        raise InvalidInput("limit", "must not be negative")
    return min(limit or default, MAX_RANKED)


def ranked(totals: dict[str, Totals], limit: int) -> list[m.Ranked]:
    """Most frequent first, ties by name, at most `limit`; the blank name is left out."""
    order = sorted(((n, t) for n, t in totals.items() if n), key=lambda i: (-i[1].count, i[0]))
    return [m.Ranked(name, t.count) for name, t in order[:limit]]


async def message_volume(window: m.Window, uow: AnalyticsUnitOfWork) -> list[m.VolumePoint]:
    async with uow:
        return await uow.events.volume(window)


async def intent_breakdown(window: m.Window, uow: AnalyticsUnitOfWork) -> list[m.IntentCount]:
    async with uow:
        return intent_mix(await uow.events.rollup_counts(window, m.MESSAGE_ROUTED))


async def handoff_share(window: m.Window, uow: AnalyticsUnitOfWork) -> m.HandoffShare:
    async with uow:
        active = await uow.events.conversations(window, m.MESSAGE_RECEIVED)
        handed = await uow.events.conversations(window, m.HANDOFF_REQUESTED)
    return m.HandoffShare(active, handed)


async def latency(
    window: m.Window, uow: AnalyticsUnitOfWork
) -> tuple[list[m.LatencyPoint], m.LatencyPoint]:
    async with uow:
        return await uow.events.latency(window)


async def conversion_funnel(
    window: m.Window, kind: str, uow: AnalyticsUnitOfWork
) -> list[m.FunnelStage]:
    """Conversations that asked (intent), then had the thing created, then confirmed/paid."""
    intent, stages = FUNNELS[kind]
    async with uow:
        counts = await uow.events.funnel(window, intent, stages)
    return funnel_stages([f"intent.{intent}", *stages], counts)


async def revenue(window: m.Window, uow: AnalyticsUnitOfWork) -> list[m.RevenuePoint]:
    async with uow:
        orders = await uow.events.bucket_totals(window, m.ORDER_PAID)
        bookings = await uow.events.bucket_totals(window, m.BOOKING_CONFIRMED)
    return revenue_points(orders, bookings)


def total_revenue(points: list[m.RevenuePoint]) -> tuple[Decimal, Decimal]:
    """(order revenue, booking revenue) over all points."""
    return sum((p.order_revenue for p in points), Decimal(0)), sum(
        (p.booking_revenue for p in points), Decimal(0)
    )


async def top_products(window: m.Window, limit: int, uow: AnalyticsUnitOfWork) -> list[m.Ranked]:
    async with uow:
        return await uow.events.top_products(window, limit_of(limit, 10))


async def unanswered_questions(
    window: m.Window, limit: int, uow: AnalyticsUnitOfWork
) -> list[m.Ranked]:
    """What the documents could not answer, most asked first: what to add to the knowledge base."""
    async with uow:
        totals = await uow.events.rollup_counts(window, m.KNOWLEDGE_UNANSWERED)
    return ranked(totals, limit_of(limit, 20))
