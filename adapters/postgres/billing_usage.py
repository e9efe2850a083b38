"""Postgres usage metering: events once per idempotency key, counters per tenant and period."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.billing.model import Period, UsageEvent, UsageRecord, UsageType
from core.billing.ports import CounterChange

from .models.billing import UsageEventRow, UsageRecordRow

# Rows per INSERT: well below the driver's 32767 bind parameters.
CHUNK = 2_000
Group = tuple[uuid.UUID, UsageType, Period]


def _event_values(event: UsageEvent) -> dict[str, Any]:
    return {
        "tenant_id": event.tenant_id,
        "outlet_id": event.outlet_id,
        "usage_type": event.usage_type.value,
        "quantity": event.count,
        "idempotency_key": event.idempotency_key,
        "occurred_at": event.occurred_at,
    }


def _record(row: UsageRecordRow) -> UsageRecord:
    return UsageRecord(
        tenant_id=row.tenant_id,
        usage_type=UsageType(row.usage_type),
        count=row.count,
        period=Period(row.period_start, row.period_end),
        id=row.id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlAlchemyUsageRepository:
    """Counters move only by events inserted now, so a redelivered event changes nothing."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _new_events(self, events: Sequence[UsageEvent]) -> list[Any]:
        """The events not seen before, inserted; repeats (here or earlier) are skipped."""
        fresh: list[Any] = []
        for at in range(0, len(events), CHUNK):
            values = [_event_values(event) for event in events[at : at + CHUNK]]
            statement = (
                insert(UsageEventRow)
                .values(values)
                .on_conflict_do_nothing(index_elements=["tenant_id", "idempotency_key"])
                .returning(UsageEventRow.tenant_id, UsageEventRow.usage_type)
                .returning(UsageEventRow.quantity, UsageEventRow.occurred_at)
            )
            fresh.extend(await self._session.execute(statement))
        return fresh

    async def _bump(self, group: Group, amount: int) -> CounterChange:
        tenant_id, usage_type, period = group
        level = usage_type is UsageType.STORAGE_MB  # a level: the latest value counts
        statement = insert(UsageRecordRow).values(
            tenant_id=tenant_id,
            usage_type=usage_type.value,
            count=amount,
            period_start=period.start,
            period_end=period.end,
        )
        count = statement.excluded.count if level else UsageRecordRow.count + amount
        after = await self._session.scalar(
            statement.on_conflict_do_update(
                constraint="uq_usage_records_tenant_type_period",
                set_={"count": count, "updated_at": func.now()},
            ).returning(UsageRecordRow.count)
        )
        return CounterChange(
            tenant_id, usage_type, period, after if level else after - amount, after
        )

    async def record(self, events: Sequence[UsageEvent]) -> tuple[list[CounterChange], int]:
        totals: dict[Group, int] = defaultdict(int)
        fresh = await self._new_events(events)
        for tenant_id, usage_type, quantity, occurred_at in sorted(fresh, key=lambda r: r[3]):
            kind = UsageType(usage_type)
            group = (tenant_id, kind, Period.of(occurred_at.astimezone(UTC).date()))
            totals[group] = quantity if kind is UsageType.STORAGE_MB else totals[group] + quantity
        # A fixed order of counter updates: concurrent batches cannot deadlock on them.
        ordered = sorted(
            totals.items(), key=lambda item: (str(item[0][0]), item[0][1], item[0][2].start)
        )
        changes = [await self._bump(group, amount) for group, amount in ordered]
        return changes, len(events) - len(fresh)

    async def records(self, tenant_id: uuid.UUID, period: Period) -> list[UsageRecord]:
        rows = await self._session.scalars(
            select(UsageRecordRow)
            .where(
                UsageRecordRow.tenant_id == tenant_id, UsageRecordRow.period_start == period.start
            )
            .order_by(UsageRecordRow.usage_type)
        )
        return [_record(row) for row in rows]
