"""Postgres deposits and their ledger: top-ups, and overage debits that never overdraw."""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from core.billing.commands import ListDeposits
from core.billing.model import Deposit, DepositStatus, LedgerEntry, LedgerKind, Period
from core.shared.paging import Page, PageQuery

from .models.billing import DepositLedgerRow, DepositRow
from .paging import Keyset
from .table import Table, writable

_NEWEST_FIRST = Keyset(
    DepositLedgerRow.created_at, DepositLedgerRow.id, lambda r: r.created_at, True
)
ZERO = Decimal("0.00")


def _deposit(row: DepositRow) -> Deposit:
    fields = (
        "id",
        "tenant_id",
        "amount",
        "balance",
        "reference",
        "note",
        "created_at",
        "updated_at",
    )
    return Deposit(
        status=DepositStatus(row.status), **{name: getattr(row, name) for name in fields}
    )


def _entry(row: DepositLedgerRow) -> LedgerEntry:
    fields = ("id", "tenant_id", "deposit_id", "amount", "period_start", "idempotency_key")
    return LedgerEntry(
        kind=LedgerKind(row.kind), created_at=row.created_at, **{n: getattr(row, n) for n in fields}
    )


def _entry_values(entry: LedgerEntry) -> dict[str, Any]:
    fields = ("id", "tenant_id", "deposit_id", "amount", "period_start", "idempotency_key")
    return {"kind": entry.kind.value, **{name: getattr(entry, name) for name in fields}}


def _deposit_values(deposit: Deposit) -> dict[str, Any]:
    return {**writable(deposit), "status": deposit.status.value}


class _LedgerTable(Table[LedgerEntry]):
    row = DepositLedgerRow
    to_entity = staticmethod(_entry)


class SqlAlchemyDepositRepository(Table[Deposit]):
    """Debits lock the tenant's deposits with balance, oldest first, until commit."""

    row = DepositRow
    to_entity = staticmethod(_deposit)
    to_values = staticmethod(_deposit_values)

    async def add(self, deposit: Deposit, entry: LedgerEntry) -> Deposit | None:
        stored = await super().add(deposit)
        written = await self._session.scalar(
            insert(DepositLedgerRow)
            .values(**_entry_values(entry))
            .on_conflict_do_nothing(index_elements=["tenant_id", "idempotency_key"])
            .returning(DepositLedgerRow.id)
        )
        if written is None:  # a retried request: undo the duplicate top-up
            await self._session.execute(delete(DepositRow).where(DepositRow.id == deposit.id))
            return None
        return stored

    async def by_key(self, tenant_id: uuid.UUID, key: str) -> Deposit | None:
        entry = select(DepositLedgerRow.deposit_id).where(
            DepositLedgerRow.tenant_id == tenant_id, DepositLedgerRow.idempotency_key == key
        )
        return await self._one(
            DepositRow.tenant_id == tenant_id, DepositRow.id == entry.scalar_subquery()
        )

    async def get(self, tenant_id: uuid.UUID, deposit_id: uuid.UUID) -> Deposit | None:
        return await self._one(DepositRow.tenant_id == tenant_id, DepositRow.id == deposit_id)

    async def list(self, query: ListDeposits) -> Page[Deposit]:
        where = [DepositRow.tenant_id == query.tenant_id]
        if query.status:
            where.append(DepositRow.status == query.status.value)
        return await self._page(query.page, *where)

    async def balance(self, tenant_id: uuid.UUID) -> Decimal:
        total = select(func.coalesce(func.sum(DepositRow.balance), ZERO))
        return await self._session.scalar(total.where(DepositRow.tenant_id == tenant_id))

    async def _draw(self, row: DepositRow, amount: Decimal) -> None:
        left = row.balance - amount
        status = DepositStatus.ACTIVE if left else DepositStatus.EXHAUSTED
        await self._session.execute(
            update(DepositRow)
            .where(DepositRow.id == row.id)
            .values(balance=left, status=status.value)
        )

    async def _locked(self, tenant_id: uuid.UUID) -> list[DepositRow]:
        """The tenant's deposits with money left, oldest first, locked until commit."""
        rows = await self._session.scalars(
            select(DepositRow)
            .where(DepositRow.tenant_id == tenant_id, DepositRow.balance > 0)
            .order_by(DepositRow.created_at, DepositRow.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(rows)

    async def debit(self, entry: LedgerEntry) -> bool:
        wanted = -entry.amount
        rows = await self._locked(entry.tenant_id)
        if sum((row.balance for row in rows), ZERO) < wanted:
            return False
        for number, row in enumerate(rows):
            if not wanted:
                break
            taken = min(row.balance, wanted)
            await self._draw(row, taken)
            key = entry.idempotency_key + (f"#{number}" if number else "")
            part = replace(
                entry, id=uuid.uuid4(), amount=-taken, deposit_id=row.id, idempotency_key=key
            )
            await self._session.execute(insert(DepositLedgerRow).values(**_entry_values(part)))
            wanted -= taken
        return True

    async def ledger(self, tenant_id: uuid.UUID, page: PageQuery) -> Page[LedgerEntry]:
        return await _LedgerTable(self._session)._page(
            page, DepositLedgerRow.tenant_id == tenant_id, order=_NEWEST_FIRST
        )

    async def debited_in(self, tenant_id: uuid.UUID, period: Period) -> Decimal:
        row = DepositLedgerRow
        total = select(func.coalesce(-func.sum(row.amount), ZERO)).where(
            row.tenant_id == tenant_id,
            row.kind == LedgerKind.OVERAGE.value,
            row.period_start == period.start,
        )
        return await self._session.scalar(total)
