"""Postgres repositories of tiers and subscriptions, and the billing context's unit of work."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.billing.commands import ListSubscriptions
from core.billing.model import LIVE, Period, Subscription, SubscriptionStatus, Tier
from core.shared.paging import Page

from .billing_deposits import SqlAlchemyDepositRepository
from .billing_statements import SqlAlchemyAlertRepository, SqlAlchemyStatementRepository
from .billing_usage import SqlAlchemyUsageRepository
from .models.billing import SubscriptionRow, TierRow
from .paging import Keyset
from .table import Table
from .unit_of_work import SqlAlchemyUnitOfWork

_NEWEST_FIRST = Keyset(SubscriptionRow.created_at, SubscriptionRow.id, lambda r: r.created_at, True)
_LIMITS = ("message_quota", "outlet_limit", "knowledge_base_limit", "storage_limit_mb")
_PRICES = ("monthly_price", "overage_rate")
_TIER_FIELDS = ("name", "display_name", "description", "available", *_LIMITS, *_PRICES)


def _tier(row: TierRow) -> Tier:
    return Tier(**{name: getattr(row, name) for name in _TIER_FIELDS})


def _subscription(row: SubscriptionRow) -> Subscription:
    tier = Tier(row.tier, **{name: getattr(row, name) for name in (*_LIMITS, *_PRICES)})
    return Subscription(
        tenant_id=row.tenant_id,
        tier=tier,
        started_at=row.started_at,
        current_period=Period(row.current_period_start, row.current_period_end),
        status=SubscriptionStatus(row.status),
        **{n: getattr(row, n) for n in ("id", "ended_at", "cancel_at_period_end", "cancel_reason")},
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _values(sub: Subscription) -> dict[str, Any]:
    return {
        **{name: getattr(sub.tier, name) for name in (*_LIMITS, *_PRICES)},
        **{n: getattr(sub, n) for n in ("id", "tenant_id", "started_at", "ended_at")},
        **{n: getattr(sub, n) for n in ("cancel_at_period_end", "cancel_reason")},
        "tier": sub.tier.name,
        "status": sub.status.value,
        "current_period_start": sub.current_period.start,
        "current_period_end": sub.current_period.end,
    }


class SqlAlchemyTierRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list(self, include_unavailable: bool = False) -> list[Tier]:
        statement = select(TierRow).order_by(TierRow.monthly_price, TierRow.name)
        if not include_unavailable:
            statement = statement.where(TierRow.available)
        return [_tier(row) for row in await self._session.scalars(statement)]

    async def get(self, name: str) -> Tier | None:
        row = await self._session.scalar(select(TierRow).where(TierRow.name == name))
        return _tier(row) if row else None

    async def put(self, tier: Tier) -> None:
        values = {name: getattr(tier, name) for name in _TIER_FIELDS}
        statement = insert(TierRow).values(**values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["name"], set_={**values, "updated_at": func.now()}
            )
        )


class SqlAlchemySubscriptionRepository(Table[Subscription]):
    """Every read and write is scoped by tenant; one active row per tenant is the index's rule."""

    row = SubscriptionRow
    to_entity = staticmethod(_subscription)
    to_values = staticmethod(_values)
    immutable = ("id", "tenant_id")

    async def add(self, subscription: Subscription) -> Subscription | None:
        statement = (
            insert(SubscriptionRow)
            .values(**_values(subscription))
            .on_conflict_do_nothing(
                index_elements=["tenant_id"], index_where=text("status = 'active'")
            )
            .returning(SubscriptionRow)
        )
        row = await self._session.scalar(statement)
        return _subscription(row) if row else None

    async def get(
        self, tenant_id: uuid.UUID, subscription_id: uuid.UUID, *, for_update: bool = False
    ) -> Subscription | None:
        row = SubscriptionRow
        statement = select(row).where(row.tenant_id == tenant_id, row.id == subscription_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        found = await self._session.scalar(statement)
        return _subscription(found) if found else None

    async def live(self, tenant_id: uuid.UUID) -> Subscription | None:
        row = SubscriptionRow
        return await self._one(
            row.id
            == select(row.id)
            .where(row.tenant_id == tenant_id, row.status.in_([s.value for s in LIVE]))
            .order_by(row.started_at.desc())
            .limit(1)
            .scalar_subquery()
        )

    async def list(self, query: ListSubscriptions) -> Page[Subscription]:
        where = [SubscriptionRow.tenant_id == query.tenant_id]
        if query.status:
            where.append(SubscriptionRow.status == query.status.value)
        return await self._page(query.page, *where, order=_NEWEST_FIRST)

    async def held_in(self, tenant_id: uuid.UUID, period: Period) -> list[Subscription]:
        row = SubscriptionRow
        rows = await self._session.scalars(
            select(row).where(
                row.tenant_id == tenant_id,
                func.date(row.started_at) <= period.end,
                (row.ended_at.is_(None)) | (func.date(row.ended_at) >= period.start),
            )
        )
        return [_subscription(found) for found in rows]


class SqlAlchemyBillingUnitOfWork(SqlAlchemyUnitOfWork):
    tiers: SqlAlchemyTierRepository
    subscriptions: SqlAlchemySubscriptionRepository
    usage: SqlAlchemyUsageRepository
    deposits: SqlAlchemyDepositRepository
    statements: SqlAlchemyStatementRepository
    alerts: SqlAlchemyAlertRepository

    def attach(self, session: AsyncSession) -> None:
        self.tiers = SqlAlchemyTierRepository(session)
        self.subscriptions = SqlAlchemySubscriptionRepository(session)
        self.usage = SqlAlchemyUsageRepository(session)
        self.deposits = SqlAlchemyDepositRepository(session)
        self.statements = SqlAlchemyStatementRepository(session)
        self.alerts = SqlAlchemyAlertRepository(session)
