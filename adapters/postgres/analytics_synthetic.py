"""Synthetic analytics events for the query benchmark: a tenant's month, filled in SQL.

Writes go through sessions, so they run in the caller's scope like every other write.
"""

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from .database import session_factory

# Ten outlets, conversations of eight events, a month of history; per 100 events: 30 received,
# 30 sent, 25 routed, 2 handoffs, 4 booking, 5 order and 4 knowledge events.
EVENTS = text(
    """
INSERT INTO analytics.events (event_id, tenant_id, outlet_id, conversation_id, event_type,
    occurred_at, properties, value, amount)
SELECT CAST(:tenant AS text) || '-' || i, CAST(:tenant AS uuid),
    CAST(lpad(to_hex(i % 10), 32, '0') AS uuid),
    CAST(lpad(to_hex(i / 8), 32, 'a') AS uuid),
    kind,
    CAST(:end AS timestamptz) - make_interval(secs => (i * 7919 % 2592000)),
    CASE kind
        WHEN 'message.routed' THEN jsonb_build_object(
            'intent', (ARRAY['booking', 'order', 'faq', 'greeting'])[1 + i % 4],
            'confidence', 0.5 + (i % 50) / 100.0)
        WHEN 'order.paid' THEN jsonb_build_object('items', jsonb_build_array(jsonb_build_object(
            'name', 'product ' || (i % 40), 'quantity', 1 + i % 3)))
        WHEN 'knowledge.unanswered' THEN jsonb_build_object('question', 'question ' || (i % 50))
        ELSE '{}'::jsonb END,
    CASE WHEN kind = 'message.routed' THEN 50 + (i * 7919) % 2000 END,
    CASE WHEN kind IN ('order.created', 'order.paid', 'booking.confirmed') THEN 5 + i % 95 END
FROM generate_series(1, CAST(:count AS bigint)) AS i,
LATERAL (SELECT CASE
    WHEN i % 100 < 30 THEN 'message.received' WHEN i % 100 < 60 THEN 'message.sent'
    WHEN i % 100 < 85 THEN 'message.routed' WHEN i % 100 < 87 THEN 'handoff.requested'
    WHEN i % 100 < 89 THEN 'booking.created' WHEN i % 100 < 91 THEN 'booking.confirmed'
    WHEN i % 100 < 93 THEN 'order.created' WHEN i % 100 < 96 THEN 'order.paid'
    WHEN i % 100 < 98 THEN 'knowledge.answered' ELSE 'knowledge.unanswered' END AS kind) AS k
"""
)

# What ingestion keeps in the rollups, rebuilt in one pass for the generated tenant.
ROLLUPS = text(
    """
INSERT INTO analytics.event_rollups
SELECT tenant_id, event_type, date_trunc('hour', occurred_at),
    coalesce(outlet_id, CAST('00000000-0000-0000-0000-000000000000' AS uuid)),
    CASE event_type WHEN 'message.routed' THEN properties->>'intent'
        WHEN 'knowledge.unanswered' THEN properties->>'question' ELSE '' END,
    count(*), coalesce(sum(value), 0), coalesce(sum(amount), 0),
    coalesce(sum(CAST(properties->>'confidence' AS numeric)), 0)
FROM analytics.events WHERE tenant_id = CAST(:tenant AS uuid) GROUP BY 1, 2, 3, 4, 5
"""
)

CLEAN = [
    text("DELETE FROM analytics.event_rollups WHERE tenant_id = CAST(:tenant AS uuid)"),
    text("DELETE FROM analytics.events WHERE tenant_id = CAST(:tenant AS uuid)"),
]


async def fill(engine: AsyncEngine, tenant: str, events: int, end: datetime) -> None:
    """`events` events of one tenant over the month before `end`, their rollups, statistics."""
    async with session_factory(engine).begin() as session:
        await session.execute(EVENTS, {"tenant": tenant, "count": events, "end": end})
        await session.execute(ROLLUPS, {"tenant": tenant})
    async with engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in ("events", "event_rollups"):
            await autocommit.execute(text(f"ANALYZE analytics.{table}"))


async def remove(engine: AsyncEngine, tenant: str) -> None:
    async with session_factory(engine).begin() as session:
        for statement in CLEAN:
            await session.execute(statement, {"tenant": tenant})
