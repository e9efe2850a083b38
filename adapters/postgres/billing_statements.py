"""Postgres statements of closed periods and owner alerts, each written once by its unique key."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select, union
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.billing.model import Alert, AlertKind, Period
from core.billing.statement import Statement, StatementLine
from core.shared.paging import Page, PageQuery

from .models.billing import (
    AlertRow,
    StatementLineRow,
    StatementRow,
    SubscriptionRow,
    UsageRecordRow,
)
from .paging import Keyset, paginate, split_page
from .table import Table

_NEWEST_PERIOD_FIRST = Keyset(
    StatementRow.period_start, StatementRow.id, lambda r: r.period_start, True
)
_NEWEST_ALERT_FIRST = Keyset(AlertRow.created_at, AlertRow.id, lambda r: r.created_at, True)


def _statement_values(statement: Statement) -> dict[str, Any]:
    return {
        "id": statement.id,
        "tenant_id": statement.tenant_id,
        "period_start": statement.period.start,
        "period_end": statement.period.end,
        "tier": statement.tier,
        "base_price": statement.base_price,
        "total": statement.total,
        "deposit_used": statement.deposit_used,
        "closed_at": statement.closed_at,
    }


def _line_values(statement: Statement, position: int, line: StatementLine) -> dict[str, Any]:
    return {
        "tenant_id": statement.tenant_id,
        "statement_id": statement.id,
        "position": position,
        "description": line.description,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "amount": line.amount,
    }


def _statement(row: StatementRow, lines: Sequence[StatementLineRow]) -> Statement:
    return Statement(
        tenant_id=row.tenant_id,
        period=Period(row.period_start, row.period_end),
        tier=row.tier,
        lines=tuple(
            StatementLine(line.description, line.quantity, line.unit_price, line.amount)
            for line in lines
        ),
        deposit_used=row.deposit_used,
        id=row.id,
        closed_at=row.closed_at,
    )


def _alert(row: AlertRow) -> Alert:
    fields = ("id", "tenant_id", "period_start", "message", "created_at")
    return Alert(kind=AlertKind(row.kind), **{name: getattr(row, name) for name in fields})


class SqlAlchemyStatementRepository:
    """Every read is scoped by tenant; only `unclosed` spans tenants (the close job's listing)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, statement: Statement) -> bool:
        stored = await self._session.scalar(
            insert(StatementRow)
            .values(**_statement_values(statement))
            .on_conflict_do_nothing(constraint="uq_statements_tenant_period")
            .returning(StatementRow.id)
        )
        if stored is None:
            return False
        if statement.lines:
            lines = [_line_values(statement, n, line) for n, line in enumerate(statement.lines)]
            await self._session.execute(insert(StatementLineRow).values(lines))
        return True

    async def _with_lines(self, rows: Sequence[StatementRow]) -> list[Statement]:
        lines: dict[uuid.UUID, list[StatementLineRow]] = defaultdict(list)
        if rows:
            found = await self._session.scalars(
                select(StatementLineRow)
                .where(StatementLineRow.statement_id.in_([row.id for row in rows]))
                .order_by(StatementLineRow.position)
            )
            for line in found:
                lines[line.statement_id].append(line)
        return [_statement(row, lines[row.id]) for row in rows]

    async def get(self, tenant_id: uuid.UUID, period: Period) -> Statement | None:
        row = await self._session.scalar(
            select(StatementRow).where(
                StatementRow.tenant_id == tenant_id, StatementRow.period_start == period.start
            )
        )
        return (await self._with_lines([row]))[0] if row else None

    async def list(self, tenant_id: uuid.UUID, page: PageQuery) -> Page[Statement]:
        statement = select(StatementRow).where(StatementRow.tenant_id == tenant_id)
        statement = paginate(statement, StatementRow, page, _NEWEST_PERIOD_FIRST)
        rows, token = split_page(
            (await self._session.scalars(statement)).all(), page, _NEWEST_PERIOD_FIRST
        )
        return Page(await self._with_lines(rows), token)

    async def unclosed(self, period: Period) -> list[uuid.UUID]:
        sub = SubscriptionRow
        held = select(sub.tenant_id).where(
            func.date(sub.started_at) <= period.end,
            or_(sub.ended_at.is_(None), func.date(sub.ended_at) >= period.start),
        )
        used = select(UsageRecordRow.tenant_id).where(UsageRecordRow.period_start == period.start)
        closed = select(StatementRow.tenant_id).where(StatementRow.period_start == period.start)
        candidates = union(held, used).subquery()
        rows = await self._session.scalars(
            select(candidates.c.tenant_id)
            .where(candidates.c.tenant_id.not_in(closed))
            .order_by(candidates.c.tenant_id)
        )
        return list(rows)


class SqlAlchemyAlertRepository(Table[Alert]):
    row = AlertRow
    to_entity = staticmethod(_alert)

    async def add(self, alert: Alert) -> bool:
        values = {
            "id": alert.id,
            "tenant_id": alert.tenant_id,
            "period_start": alert.period_start,
            "kind": alert.kind.value,
            "message": alert.message,
        }
        stored = await self._session.scalar(
            insert(AlertRow)
            .values(**values)
            .on_conflict_do_nothing(constraint="uq_alerts_tenant_period_kind")
            .returning(AlertRow.id)
        )
        return stored is not None

    async def list(self, tenant_id: uuid.UUID, page: PageQuery) -> Page[Alert]:
        return await self._page(page, AlertRow.tenant_id == tenant_id, order=_NEWEST_ALERT_FIRST)
