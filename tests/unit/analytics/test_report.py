"""The report's pieces without a database: buckets per range, axes, empty states, money."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pytest

from core.analytics import model as m
from core.analytics.model import Granularity
from services.tools import report_charts as charts
from services.tools.report import Figures, render
from services.tools.report_scale import TimeAxis, bucket_start, granularity_for, money

NOW = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)  # a Friday
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@pytest.mark.parametrize(
    ("span", "granularity"),
    [
        (HOUR, Granularity.HOUR),
        (DAY, Granularity.HOUR),
        (2 * DAY, Granularity.DAY),
        (30 * DAY, Granularity.DAY),
        (92 * DAY, Granularity.DAY),
        (93 * DAY, Granularity.WEEK),
        (365 * DAY, Granularity.WEEK),
    ],
)
def test_the_bucket_fits_the_range(span, granularity):
    assert granularity_for(span) is granularity


def test_buckets_start_where_the_queries_date_trunc_does():
    assert bucket_start(NOW, Granularity.HOUR) == datetime(2026, 11, 20, 14, tzinfo=UTC)
    assert bucket_start(NOW, Granularity.DAY) == datetime(2026, 11, 20, tzinfo=UTC)
    assert bucket_start(NOW, Granularity.WEEK) == datetime(2026, 11, 16, tzinfo=UTC)  # Monday


@pytest.mark.parametrize(
    ("span", "count"), [(DAY, 25), (30 * DAY, 31), (365 * DAY, 53), (7 * DAY, 8)]
)
def test_the_axis_covers_the_window_in_whole_buckets(span, count):
    axis = TimeAxis(NOW - span, NOW, granularity_for(span))
    first, last = axis.limits
    assert len(axis.buckets) == count
    assert first <= NOW - span < first + axis.step
    assert last - axis.step < NOW <= last


def test_a_series_has_a_value_for_every_bucket():
    axis = TimeAxis(NOW - DAY, NOW, Granularity.HOUR)
    point = m.VolumePoint(datetime(2026, 11, 20, 9, tzinfo=UTC), 3, 2, 1)
    received = axis.series([point], lambda p: p.inbound, 0)
    assert len(received) == 25 and sum(received) == 3
    assert received[axis.buckets.index(point.bucket_start)] == 3


def test_a_time_chart_spans_the_window_from_zero():
    axis = TimeAxis(NOW - 30 * DAY, NOW, Granularity.DAY)
    figure, axes = plt.subplots()
    try:
        axes.bar([NOW - DAY], [5])
        charts._over_time(axes, axis)
        assert axes.get_xlim() == tuple(mdates.date2num(axis.limits))
        assert axes.get_ylim()[0] == 0
    finally:
        plt.close(figure)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(Decimal("0"), "0.00 EUR"), (Decimal("12.5"), "12.50 EUR"), (1234.567, "1,234.57 EUR")],
)
def test_money_has_two_decimals_and_its_currency(amount, shown):
    assert money(amount, "EUR") == shown


def _empty_figures() -> Figures:
    window = m.Window(uuid.uuid4(), NOW - 30 * DAY, NOW)
    stages = [m.FunnelStage(name, 0, 0.0, 0.0) for name in ("asked", "created", "confirmed")]
    no_latency = m.LatencyPoint(None, 0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return Figures(
        "quiet", "IDR", window, [], [], m.HandoffShare(0, 0), ([], no_latency), stages, [], [], []
    )


def test_an_empty_period_says_so_in_words():
    page = render(_empty_figures())
    assert "<img" not in page
    for words in [
        "No messages yet in this period",
        "No customer messages routed yet in this period",
        "No revenue yet in this period",
        "No bot replies yet in this period",
        "No bookings yet in this period</p>",
        "No products sold yet in this period",
        "0.00 IDR from orders",
        "no bot replies yet",
    ]:
        assert words in page


def test_a_chart_is_drawn_as_soon_as_there_is_one_point():
    axis = TimeAxis(NOW - DAY, NOW, Granularity.HOUR)
    bucket = datetime(2026, 11, 20, 9, tzinfo=UTC)
    revenue = [m.RevenuePoint(bucket, Decimal("9.50"), Decimal(0), 1, 0)]
    latency = [m.LatencyPoint(bucket, 1, 300.0, 300.0, 300.0, 300.0, 300.0)]
    for chart in (charts.revenue_chart(revenue, axis, "EUR"), charts.latency_chart(latency, axis)):
        assert chart.image.startswith("data:image/png;base64,") and not chart.empty
    assert charts.revenue_chart(revenue, axis, "EUR").title == "Revenue per hour (EUR)"
