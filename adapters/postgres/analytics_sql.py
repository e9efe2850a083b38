"""The analytics queries as SQL: rollups for sums, the raw log for distincts and percentiles."""

from typing import Any

from core.analytics import model as m
from core.analytics.rollup import Totals

SUMMED = ("count", "value_sum", "amount_sum", "confidence_sum")
NO_LATENCY = m.LatencyPoint(None, 0, 0.0, 0.0, 0.0, 0.0, 0.0)
Query = tuple[str, dict[str, Any]]


def bucket(column: str) -> str:
    """The start of the column's bucket, computed in the window's time zone."""
    return f"date_trunc(:unit, {column} AT TIME ZONE :tz) AT TIME ZONE :tz"


def _scope(window: m.Window, time_column: str) -> Query:
    """The WHERE clause (tenant, outlet, time range) and its parameters."""
    params: dict[str, Any] = {
        "tenant": window.tenant_id,
        "start": window.start,
        "end": window.end,
        "unit": window.granularity.value,
        "tz": window.timezone,
    }
    where = f"tenant_id = :tenant AND {time_column} >= :start AND {time_column} < :end"
    if window.outlet_id is not None:
        params["outlet"] = window.outlet_id
        where += " AND outlet_id = :outlet"
    return where, params


def _raw(window: m.Window) -> Query:
    return _scope(window, "occurred_at")


def _rolled(window: m.Window) -> Query:
    return _scope(window, "bucket_start")


def totals(row: Any) -> Totals:
    return Totals(int(row.count), float(row.value_sum), row.amount_sum, float(row.confidence_sum))


def rollup_totals(window: m.Window, event_name: str, key: str) -> Query:
    where, params = _rolled(window)
    sums = ", ".join(f"sum({name}) AS {name}" for name in SUMMED)
    sql = (
        f"SELECT {key} AS key, {sums} FROM analytics.event_rollups"
        f" WHERE {where} AND event_type = :name GROUP BY 1"
    )
    return sql, {**params, "name": event_name}


def volume(window: m.Window) -> Query:
    where, params = _rolled(window)
    sql = (
        f"SELECT {bucket('bucket_start')} AS bucket,"
        f" coalesce(sum(count) FILTER (WHERE event_type = '{m.MESSAGE_RECEIVED}'), 0) AS inbound,"
        f" coalesce(sum(count) FILTER (WHERE event_type = '{m.MESSAGE_SENT}'), 0) AS outbound"
        f" FROM analytics.event_rollups WHERE {where}"
        f" AND event_type IN ('{m.MESSAGE_RECEIVED}', '{m.MESSAGE_SENT}') GROUP BY 1"
    )
    return sql, params


def conversations_per_bucket(window: m.Window) -> Query:
    """Conversations in which the customer wrote, per bucket."""
    where, params = _raw(window)
    sql = (
        f"SELECT {bucket('occurred_at')}, count(DISTINCT conversation_id) FROM analytics.events"
        f" WHERE {where} AND event_type = '{m.MESSAGE_RECEIVED}' GROUP BY 1"
    )
    return sql, params


def conversations(window: m.Window, event_name: str) -> Query:
    where, params = _raw(window)
    sql = (
        "SELECT count(DISTINCT conversation_id) FROM analytics.events"
        f" WHERE {where} AND event_type = :name"
    )
    return sql, {**params, "name": event_name}


def latency(window: m.Window) -> Query:
    """Percentiles per bucket, and over the window (the row whose bucket is NULL)."""
    where, params = _raw(window)
    sql = (
        f"SELECT {bucket('occurred_at')} AS bucket, count(*) AS count, avg(value) AS average,"
        " percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY value) AS ps,"
        " max(value) AS max FROM analytics.events"
        f" WHERE {where} AND event_type = '{m.MESSAGE_ROUTED}' AND value IS NOT NULL"
        " GROUP BY GROUPING SETS ((1), ())"
    )
    return sql, params


def latency_point(row: Any) -> m.LatencyPoint:
    p50, p95, p99 = row.ps
    return m.LatencyPoint(row.bucket, row.count, float(row.average), p50, p95, p99, float(row.max))


def funnel(window: m.Window, intent: str, stages: list[str]) -> Query:
    """Distinct conversations that showed the intent, then that reached each stage. A message
    shows the intent of the agent that took it ("today" read as a booking is the order
    agent's answer to "for which day?"), else its own intent's domain ("booking.new" is
    "booking")."""
    where, params = _raw(window)
    reached = [f"WHERE event_type = :stage{i}" for i in range(len(stages))]
    columns = ", ".join(f"count(DISTINCT conversation_id) FILTER ({cond})" for cond in reached)
    names = {f"stage{i}": stage for i, stage in enumerate(stages)}
    sql = (
        "SELECT count(DISTINCT conversation_id) FILTER (WHERE event_type = :routed"
        " AND coalesce(nullif(properties->>'agent', ''),"
        f" split_part(properties->>'intent', '.', 1)) = :intent), {columns}"
        " FROM analytics.events"
        f" WHERE {where} AND event_type IN (:routed, {', '.join(':' + n for n in names)})"
    )
    return sql, {**params, **names, "routed": m.MESSAGE_ROUTED, "intent": intent}


def top_products(window: m.Window, limit: int) -> Query:
    """Units sold per product name over the paid orders of the window."""
    where, params = _raw(window)
    sql = (
        "SELECT item->>'name' AS name, sum(coalesce((item->>'quantity')::numeric, 1)) AS count"
        " FROM analytics.events, jsonb_array_elements(coalesce(properties->'items', '[]'))"
        f" AS item WHERE {where} AND event_type = '{m.ORDER_PAID}' AND item->>'name' <> ''"
        " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT :limit"
    )
    return sql, {**params, "limit": limit}
