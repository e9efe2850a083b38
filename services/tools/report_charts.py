"""The report's charts: matplotlib figures rendered to inline base64 PNG, or words when empty."""

import base64
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import matplotlib

matplotlib.use("Agg")  # no display: render to memory only

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from core.analytics import model as m

from .report_scale import TimeAxis

BAR_SHARE = 0.8  # of its bucket a bar covers: neighbours stay apart


@dataclass(frozen=True)
class Chart:
    """A titled chart, or what the page says instead when there is nothing to draw."""

    title: str
    image: str = ""  # data: URI of the PNG
    empty: str = ""


def _png(draw: Callable[[Axes], None]) -> str:
    """A data: URI of the chart `draw` puts on a fresh set of axes."""
    figure, axes = plt.subplots(figsize=(8, 3), dpi=100)
    try:
        draw(axes)
        axes.grid(axis="y", alpha=0.3)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _over_time(axes: Axes, axis: TimeAxis) -> None:
    """Dates across the window only, labelled concisely; counts and amounts from zero."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.set_xlim(*axis.limits)
    axes.set_ylim(bottom=0)


def _bar_width(axis: TimeAxis) -> float:
    return BAR_SHARE * (axis.step / timedelta(days=1))  # matplotlib's dates count in days


def volume_chart(points: list[m.VolumePoint], axis: TimeAxis) -> Chart:
    title = f"Messages and conversations per {axis.granularity}"
    if not any(p.inbound or p.outbound for p in points):
        return Chart(title, empty="No messages yet in this period")
    received = axis.series(points, lambda p: p.inbound, 0)
    sent = axis.series(points, lambda p: p.outbound, 0)
    conversations = axis.series(points, lambda p: p.conversations or math.nan, math.nan)

    def draw(axes: Axes) -> None:
        x, width = axis.centres, _bar_width(axis)
        axes.bar(x, received, width, label="received", color="#4c78a8")
        axes.bar(x, sent, width, bottom=received, label="sent", color="#f58518")
        axes.plot(x, conversations, "o", color="k", markersize=4, label="conversations")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _over_time(axes, axis)
        axes.legend(loc="upper left", fontsize=8)

    return Chart(title, _png(draw))


def intent_chart(intents: list[m.IntentCount]) -> Chart:
    title = "Intent mix (routed customer messages)"
    if not intents:
        return Chart(title, empty="No customer messages routed yet in this period")

    def draw(axes: Axes) -> None:
        axes.barh([i.intent for i in intents][::-1], [i.count for i in intents][::-1])
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlim(left=0)

    return Chart(title, _png(draw))


def revenue_chart(points: list[m.RevenuePoint], axis: TimeAxis, currency: str) -> Chart:
    title = f"Revenue per {axis.granularity} ({currency})"
    if not any(p.order_revenue or p.booking_revenue for p in points):
        return Chart(title, empty="No revenue yet in this period")
    orders = axis.series(points, lambda p: float(p.order_revenue), 0.0)
    bookings = axis.series(points, lambda p: float(p.booking_revenue), 0.0)

    def draw(axes: Axes) -> None:
        x, width = axis.centres, _bar_width(axis)
        axes.bar(x, orders, width, label="orders paid", color="#54a24b")
        axes.bar(x, bookings, width, bottom=orders, label="bookings", color="#b279a2")
        axes.yaxis.set_major_formatter(FuncFormatter(lambda amount, _: f"{amount:,.2f}"))
        axes.set_ylabel(currency)
        _over_time(axes, axis)
        axes.legend(loc="upper left", fontsize=8)

    return Chart(title, _png(draw))


def latency_chart(points: list[m.LatencyPoint], axis: TimeAxis) -> Chart:
    title = f"Bot response time per {axis.granularity}"
    if not points:
        return Chart(title, empty="No bot replies yet in this period")
    # A bucket without replies is a gap in the line, not a zero; a lone bucket is its markers.
    median = axis.series(points, lambda p: p.p50_ms, math.nan)
    p95 = axis.series(points, lambda p: p.p95_ms, math.nan)

    def draw(axes: Axes) -> None:
        axes.plot(axis.centres, median, "o-", markersize=4, label="median")
        axes.plot(axis.centres, p95, "o-", markersize=4, label="p95")
        axes.set_ylabel("ms")
        _over_time(axes, axis)
        axes.legend(loc="upper left", fontsize=8)

    return Chart(title, _png(draw))
