"""Postgres event store of the analytics context: the raw log, its hourly rollups, the queries."""

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.analytics import model as m
from core.analytics.rollup import RollupKey, Totals

from . import analytics_sql as q
from .models.analytics import NO_OUTLET, EventRollupRow, EventRow
from .unit_of_work import SqlAlchemyUnitOfWork


def _event_values(event: m.AnalyticsEvent) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "tenant_id": event.tenant_id,
        "outlet_id": event.outlet_id,
        "conversation_id": event.conversation_id,
        "event_type": event.name,
        "source": event.source,
        "occurred_at": event.occurred_at,
        "properties": event.properties,
        "value": event.value,
        "amount": event.amount,
    }


def _rollup_values(key: RollupKey, totals: Totals) -> dict[str, Any]:
    return {
        "tenant_id": key.tenant_id,
        "event_type": key.name,
        "bucket_start": key.bucket_start,
        "outlet_id": key.outlet_id or NO_OUTLET,
        "dimension": key.dimension,
        "count": totals.count,
        "value_sum": totals.value_sum,
        "amount_sum": totals.amount_sum,
        "confidence_sum": totals.confidence_sum,
    }


def _key(event: m.AnalyticsEvent) -> tuple[uuid.UUID, str]:
    """What makes an event a repeat: its id, within its tenant."""
    return event.tenant_id, event.event_id


def _first_of_each(events: list[m.AnalyticsEvent]) -> list[m.AnalyticsEvent]:
    """The batch without repeats (the first one wins)."""
    return list({_key(event): event for event in reversed(events)}.values())[::-1]


class SqlAlchemyEventStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new(self, events: list[m.AnalyticsEvent]) -> list[m.AnalyticsEvent]:
        events = _first_of_each(events)
        if not events:
            return []
        statement = (
            insert(EventRow)
            .values([_event_values(event) for event in events])
            .on_conflict_do_nothing(index_elements=["tenant_id", "event_id"])
            .returning(EventRow.tenant_id, EventRow.event_id)
        )
        stored = {tuple(row) for row in await self._session.execute(statement)}
        return [event for event in events if _key(event) in stored]

    async def add_to_rollups(self, sums: list[tuple[RollupKey, Totals]]) -> None:
        if not sums:
            return
        statement = insert(EventRollupRow).values([_rollup_values(*item) for item in sums])
        added = statement.excluded
        table = EventRollupRow.__table__.c
        await self._session.execute(
            statement.on_conflict_do_update(
                constraint="pk_event_rollups",
                set_={name: table[name] + added[name] for name in q.SUMMED},
            )
        )

    async def _rows(self, sql: str, params: dict[str, Any]) -> list[Any]:
        return list((await self._session.execute(text(sql), params)).all())

    async def volume(self, window: m.Window) -> list[m.VolumePoint]:
        counts = {row[0]: row[1:] for row in await self._rows(*q.volume(window))}
        active = dict(await self._rows(*q.conversations_per_bucket(window)))
        return [
            m.VolumePoint(bucket, *map(int, counts.get(bucket, (0, 0))), active.get(bucket, 0))
            for bucket in sorted(counts.keys() | active.keys())
        ]

    async def conversations(self, window: m.Window, event_name: str) -> int:
        return (await self._rows(*q.conversations(window, event_name)))[0][0]

    async def rollup_counts(self, window: m.Window, event_name: str) -> dict[str, Totals]:
        rows = await self._rows(*q.rollup_totals(window, event_name, "dimension"))
        return {row.key: q.totals(row) for row in rows}

    async def bucket_totals(self, window: m.Window, event_name: str) -> dict[Any, Totals]:
        rows = await self._rows(*q.rollup_totals(window, event_name, q.bucket("bucket_start")))
        return {row.key: q.totals(row) for row in rows}

    async def latency(self, window: m.Window) -> tuple[list[m.LatencyPoint], m.LatencyPoint]:
        # An empty window still has its grand-total row, of count 0 and no percentiles.
        rows = [row for row in await self._rows(*q.latency(window)) if row.count]
        points = [q.latency_point(row) for row in rows]
        overall = next((p for p in points if p.bucket_start is None), q.NO_LATENCY)
        return [p for p in points if p.bucket_start is not None], overall

    async def funnel(self, window: m.Window, intent: str, stages: list[str]) -> list[int]:
        return list((await self._rows(*q.funnel(window, intent, stages)))[0])

    async def top_products(self, window: m.Window, limit: int) -> list[m.Ranked]:
        rows = await self._rows(*q.top_products(window, limit))
        return [m.Ranked(row.name, int(row.count)) for row in rows]


class SqlAlchemyAnalyticsUnitOfWork(SqlAlchemyUnitOfWork):
    events: SqlAlchemyEventStore

    def attach(self, session: AsyncSession) -> None:
        self.events = SqlAlchemyEventStore(session)
