"""What the billing use cases need from the outside world."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol, Self

from core.shared.paging import Page, PageQuery

from .commands import ListDeposits, ListSubscriptions
from .model import (
    Alert,
    Deposit,
    LedgerEntry,
    Period,
    Subscription,
    Tier,
    UsageEvent,
    UsageRecord,
    UsageType,
)
from .statement import Statement

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class CounterChange:
    """What one batch did to one usage counter."""

    tenant_id: uuid.UUID
    usage_type: UsageType
    period: Period
    before: int
    after: int


class TierRepository(Protocol):
    async def list(self, include_unavailable: bool = False) -> list[Tier]:
        """Cheapest first."""
        ...

    async def get(self, name: str) -> Tier | None: ...
    async def put(self, tier: Tier) -> None:
        """Insert the tier, or overwrite the one of that name."""
        ...


class SubscriptionRepository(Protocol):
    async def add(self, subscription: Subscription) -> Subscription | None:
        """Store it; None when the tenant has an active one already (the database decides)."""
        ...

    async def get(
        self, tenant_id: uuid.UUID, subscription_id: uuid.UUID, *, for_update: bool = False
    ) -> Subscription | None: ...
    async def live(self, tenant_id: uuid.UUID) -> Subscription | None:
        """The tenant's trialing, active or past-due subscription, the newest."""
        ...

    async def update(self, subscription: Subscription) -> Subscription: ...
    async def list(self, query: ListSubscriptions) -> Page[Subscription]:
        """Newest first."""
        ...

    async def held_in(self, tenant_id: uuid.UUID, period: Period) -> list[Subscription]: ...


class UsageRepository(Protocol):
    async def record(self, events: Sequence[UsageEvent]) -> tuple[list[CounterChange], int]:
        """Count each event once per idempotency key of its tenant; the counters moved, and the
        repeats."""
        ...

    async def records(self, tenant_id: uuid.UUID, period: Period) -> list[UsageRecord]: ...


class DepositRepository(Protocol):
    async def add(self, deposit: Deposit, entry: LedgerEntry) -> Deposit | None:
        """Store a top-up with its ledger entry; None when the tenant used the entry's key before."""
        ...

    async def by_key(self, tenant_id: uuid.UUID, key: str) -> Deposit | None: ...
    async def get(self, tenant_id: uuid.UUID, deposit_id: uuid.UUID) -> Deposit | None: ...
    async def list(self, query: ListDeposits) -> Page[Deposit]: ...
    async def balance(self, tenant_id: uuid.UUID) -> Decimal: ...
    async def debit(self, entry: LedgerEntry) -> bool:
        """Take -entry.amount from the oldest balances, all or nothing; never below zero,
        exact under concurrent debits. False when the balance cannot cover it."""
        ...

    async def ledger(self, tenant_id: uuid.UUID, page: PageQuery) -> Page[LedgerEntry]: ...
    async def debited_in(self, tenant_id: uuid.UUID, period: Period) -> Decimal:
        """Overage paid from deposits in the period (a positive amount)."""
        ...


class StatementRepository(Protocol):
    async def add(self, statement: Statement) -> bool:
        """Store it with its lines unless the tenant's period has one; True when stored now."""
        ...

    async def get(self, tenant_id: uuid.UUID, period: Period) -> Statement | None: ...
    async def list(self, tenant_id: uuid.UUID, page: PageQuery) -> Page[Statement]:
        """Newest period first."""
        ...

    async def unclosed(self, period: Period) -> list[uuid.UUID]:
        """Tenants with a subscription or usage in the period and no statement for it yet."""
        ...


class AlertRepository(Protocol):
    async def add(self, alert: Alert) -> bool:
        """Store it unless the tenant has this kind for the period; True when stored now."""
        ...

    async def list(self, tenant_id: uuid.UUID, page: PageQuery) -> Page[Alert]:
        """Newest first."""
        ...


class BillingUnitOfWork(Protocol):
    """One transaction over the billing context's repositories."""

    tiers: TierRepository
    subscriptions: SubscriptionRepository
    usage: UsageRepository
    deposits: DepositRepository
    statements: StatementRepository
    alerts: AlertRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...
