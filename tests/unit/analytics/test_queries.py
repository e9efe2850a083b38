"""The pure parts of the dashboard queries: window checks, shares, funnels, rankings."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core.analytics import model as m
from core.analytics.queries import funnel_stages, intent_mix, limit_of, ranked, revenue_points
from core.analytics.rollup import Totals
from core.analytics.window import window
from core.shared.errors import InvalidInput

NOW = datetime(2026, 11, 20, tzinfo=UTC)
DAY = timedelta(days=1)


def test_an_open_window_is_the_last_30_days_per_day_in_utc():
    checked = window(uuid.uuid4(), (None, None), NOW)
    assert (checked.start, checked.end) == (NOW - 30 * DAY, NOW)
    assert (checked.granularity, checked.timezone) == (m.Granularity.DAY, "UTC")


@pytest.mark.parametrize(
    ("span", "granularity", "timezone", "field"),
    [
        ((NOW, NOW - DAY), None, "", "time_range"),
        ((NOW - 500 * DAY, NOW), None, "", "time_range"),
        ((NOW - 40 * DAY, NOW), m.Granularity.HOUR, "", "granularity"),
        ((None, None), None, "Nowhere/Town", "timezone"),
    ],
)
def test_bad_windows_name_the_field(span, granularity, timezone, field):
    with pytest.raises(InvalidInput) as refused:
        window(uuid.uuid4(), span, NOW, None, granularity, timezone)
    assert refused.value.field == field


def test_intent_mix_is_most_frequent_first_with_shares_and_confidence():
    mix = intent_mix(
        {"order": Totals(1, confidence_sum=0.5), "booking": Totals(3, confidence_sum=2.25)}
    )
    assert mix == [m.IntentCount("booking", 3, 0.75, 0.75), m.IntentCount("order", 1, 0.25, 0.5)]


def test_funnel_conversions_from_previous_and_first_stage():
    stages = funnel_stages(["asked", "created", "confirmed"], [4, 2, 1])
    assert [(s.conversion_from_previous, s.conversion_from_first) for s in stages] == [
        (1.0, 1.0),
        (0.5, 0.5),
        (0.5, 0.25),
    ]
    assert funnel_stages(["asked", "created"], [0, 0])[1].conversion_from_previous == 0.0


def test_revenue_points_merge_orders_and_bookings_per_bucket():
    orders = {NOW: Totals(2, amount_sum=Decimal("20"))}
    bookings = {NOW + DAY: Totals(1, amount_sum=Decimal("50"))}
    points = revenue_points(orders, bookings)
    assert [(p.order_revenue, p.booking_revenue) for p in points] == [
        (Decimal("20"), Decimal(0)),
        (Decimal(0), Decimal("50")),
    ]


def test_rankings_skip_blanks_break_ties_by_name_and_honour_the_limit():
    totals = {"b": Totals(2), "a": Totals(2), "": Totals(9), "c": Totals(1)}
    assert ranked(totals, 2) == [m.Ranked("a", 2), m.Ranked("b", 2)]
    assert (limit_of(0, 20), limit_of(1_000, 20)) == (20, 100)
    with pytest.raises(InvalidInput, match="limit"):
        limit_of(-1, 20)


def test_handoff_share_of_no_conversations_is_zero():
    assert (m.HandoffShare(0, 0).bot_share, m.HandoffShare(4, 1).human_share) == (0.0, 0.25)
