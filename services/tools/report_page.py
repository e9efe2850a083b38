"""The report's HTML: headline figures, charts and the tables behind them."""

import html
from collections.abc import Iterable
from typing import Any

STYLE = """
body { font: 14px system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1.5em; } td, th { padding: .2em .8em; }
th { text-align: left; border-bottom: 1px solid #ccc; } img { max-width: 100%; }
.headline span { display: inline-block; margin-right: 2em; font-size: 1.2em; }
"""


def _table(headers: list[str], rows: Iterable[Iterable[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body or '<tr><td>none</td></tr>'}</table>"


def _headline(figures: Any) -> str:
    overall = figures.latency[1]
    orders = sum((p.order_revenue for p in figures.revenue), 0)
    items = [
        f"{sum(p.inbound for p in figures.volume)} messages received",
        f"{figures.handoff.conversations} conversations",
        f"{figures.handoff.bot_share:.0%} handled by the bot",
        f"median reply {overall.p50_ms:.0f} ms (p95 {overall.p95_ms:.0f} ms)",
        f"{orders:.2f} order revenue",
    ]
    return (
        '<p class="headline">' + "".join(f"<span>{html.escape(i)}</span>" for i in items) + "</p>"
    )


def page(figures: Any, images: list[str]) -> str:
    window = figures.window
    span = f"{window.start:%Y-%m-%d} to {window.end:%Y-%m-%d} (UTC)"
    sections = [
        f"<h1>Analytics: {html.escape(figures.tenant)}</h1><p>{span}</p>",
        _headline(figures),
        *images,
        "<h2>Booking conversion</h2>",
        _table(
            ["stage", "conversations", "from previous"],
            ((s.name, s.count, f"{s.conversion_from_previous:.0%}") for s in figures.funnel),
        ),
        "<h2>Top products</h2>",
        _table(["product", "units"], ((p.name, p.count) for p in figures.products)),
        "<h2>Questions the documents could not answer</h2>",
        _table(["question", "times asked"], ((q.name, q.count) for q in figures.questions)),
    ]
    body = "\n".join(sections)
    return f"<!doctype html><html><head><meta charset='utf-8'><title>Analytics report</title><style>{STYLE}</style></head><body>{body}</body></html>"
