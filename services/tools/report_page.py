"""The report's HTML: headline figures, charts and the tables behind them."""

import html
from collections.abc import Iterable
from typing import Any

from core.analytics.queries import total_revenue

from .report_charts import Chart
from .report_scale import money

STYLE = """
body { font: 14px system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1.5em; } td, th { padding: .2em .8em; }
th { text-align: left; border-bottom: 1px solid #ccc; } img { max-width: 100%; }
h2 { font-size: 1.1em; margin: 1.5em 0 .3em; }
.headline span { display: inline-block; margin-right: 2em; font-size: 1.2em; }
.empty { color: #666; font-style: italic; padding: 1em; background: #f6f6f6; }
"""

NO_BOOKINGS = "No bookings yet in this period"


def _empty(words: str) -> str:
    return f'<p class="empty">{html.escape(words)}</p>'


def _table(headers: list[str], rows: Iterable[Iterable[Any]], empty: str) -> str:
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    if not body:
        return _empty(empty)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    return f"<table><tr>{head}</tr>{body}</table>"


def _chart(chart: Chart) -> str:
    title = html.escape(chart.title)
    if not chart.image:
        return f"<h2>{title}</h2>{_empty(chart.empty)}"
    return f'<h2>{title}</h2><img class="chart" alt="{title}" src="{html.escape(chart.image)}">'


def _bookings(funnel: list[Any]) -> str:
    """The funnel, or in words that nothing was booked: a table of zeros reads as an error."""
    asked, *booked = funnel
    if any(stage.count for stage in booked):
        return _table(
            ["stage", "conversations", "from previous"],
            ((s.name, s.count, f"{s.conversion_from_previous:.0%}") for s in funnel),
            NO_BOOKINGS,
        )
    words = NO_BOOKINGS
    if asked.count:
        words += f" ({asked.count} {'conversation' if asked.count == 1 else 'conversations'} asked to book)"
    return _empty(words)


def _headline(figures: Any) -> str:
    overall = figures.latency[1]
    orders, bookings = total_revenue(figures.revenue)
    replies = (
        f"median reply {overall.p50_ms:.0f} ms (p95 {overall.p95_ms:.0f} ms)"
        if overall.count
        else "no bot replies yet"
    )
    items = [
        f"{sum(p.inbound for p in figures.volume)} messages received",
        f"{figures.handoff.conversations} conversations",
        f"{figures.handoff.bot_share:.0%} handled by the bot",
        replies,
        f"{money(orders, figures.currency)} from orders",
        f"{money(bookings, figures.currency)} from bookings",
    ]
    return (
        '<p class="headline">' + "".join(f"<span>{html.escape(i)}</span>" for i in items) + "</p>"
    )


def page(figures: Any, charts: list[Chart]) -> str:
    window = figures.window
    span = f"{window.start:%Y-%m-%d %H:%M} to {window.end:%Y-%m-%d %H:%M} (UTC)"
    sections = [
        f"<h1>Analytics: {html.escape(figures.tenant)}</h1><p>{span}</p>",
        _headline(figures),
        *map(_chart, charts),
        "<h2>Booking conversion</h2>",
        _bookings(figures.funnel),
        "<h2>Top products</h2>",
        _table(
            ["product", "units"],
            ((p.name, p.count) for p in figures.products),
            "No products sold yet in this period",
        ),
        "<h2>Questions the documents could not answer</h2>",
        _table(
            ["question", "times asked"],
            ((q.name, q.count) for q in figures.questions),
            "None in this period",
        ),
    ]
    body = "\n".join(sections)
    return f"<!doctype html><html><head><meta charset='utf-8'><title>Analytics report</title><style>{STYLE}</style></head><body>{body}</body></html>"
