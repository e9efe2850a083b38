"""The report's charts: matplotlib figures rendered to inline base64 PNG."""

import base64
import io
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")  # no display: render to memory only

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from core.analytics import model as m


def _png(draw: Callable[[Axes], None], title: str) -> str:
    """A data: URI of the chart `draw` puts on a fresh set of axes."""
    figure, axes = plt.subplots(figsize=(8, 3.2), dpi=100)
    try:
        draw(axes)
        axes.set_title(title, loc="left", fontsize=11)
        axes.grid(axis="y", alpha=0.3)
        figure.autofmt_xdate()
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def volume_chart(points: list[m.VolumePoint]) -> str:
    def draw(axes: Axes) -> None:
        days = [p.bucket_start for p in points]
        axes.bar(days, [p.inbound for p in points], label="received", color="#4c78a8")
        axes.bar(
            days,
            [p.outbound for p in points],
            bottom=[p.inbound for p in points],
            label="sent",
            color="#f58518",
        )
        axes.plot(days, [p.conversations for p in points], "k.-", label="conversations")
        axes.legend(loc="upper left", fontsize=8)

    return _png(draw, "Messages and conversations per day")


def intent_chart(intents: list[m.IntentCount]) -> str:
    def draw(axes: Axes) -> None:
        axes.barh([i.intent for i in intents][::-1], [i.count for i in intents][::-1])

    return _png(draw, "Intent mix (routed customer messages)")


def revenue_chart(points: list[m.RevenuePoint]) -> str:
    def draw(axes: Axes) -> None:
        days = [p.bucket_start for p in points]
        orders = [float(p.order_revenue) for p in points]
        axes.bar(days, orders, label="orders paid")
        axes.bar(days, [float(p.booking_revenue) for p in points], bottom=orders, label="bookings")
        axes.legend(loc="upper left", fontsize=8)

    return _png(draw, "Revenue per day")


def latency_chart(points: list[m.LatencyPoint]) -> str:
    def draw(axes: Axes) -> None:
        days = [p.bucket_start for p in points]
        axes.plot(days, [p.p50_ms for p in points], "o-", label="median")
        axes.plot(days, [p.p95_ms for p in points], "o-", label="p95")
        axes.set_ylabel("ms")
        axes.legend(loc="upper left", fontsize=8)

    return _png(draw, "Bot response time per day")
