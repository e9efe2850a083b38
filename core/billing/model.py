"""Tiers, subscriptions, usage counters, deposits, ledger entries and alerts: plain values."""

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from core.shared.errors import FailedPrecondition

CENT = Decimal("0.01")


class SubscriptionStatus(StrEnum):
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class UsageType(StrEnum):
    MESSAGES_IN = "messages_in"
    MESSAGES_OUT = "messages_out"
    LLM_TOKENS = "llm_tokens"
    STORAGE_MB = "storage_mb"
    # Messages the business started outside the 24-hour window, by template category.
    TEMPLATE_MARKETING = "template_marketing"
    TEMPLATE_UTILITY = "template_utility"
    TEMPLATE_AUTHENTICATION = "template_authentication"


class DepositStatus(StrEnum):
    ACTIVE = "active"
    EXHAUSTED = "exhausted"
    REFUNDED = "refunded"


LIVE = (SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)


@dataclass(frozen=True, slots=True)
class Period:
    """A billing period: one calendar month (UTC), both ends inclusive."""

    start: date
    end: date

    @classmethod
    def of(cls, day: date) -> "Period":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return cls(start, following - timedelta(days=1))


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    message_quota: int  # 0: unlimited, as for every limit below
    outlet_limit: int
    knowledge_base_limit: int
    storage_limit_mb: int
    monthly_price: Decimal
    overage_rate: Decimal  # per message over the quota; 0: hard stop at the quota
    display_name: str = ""
    description: str = ""
    available: bool = True


@dataclass(frozen=True, slots=True)
class Subscription:
    """A tenant's plan; the tier's limits and prices are copied in at start."""

    tenant_id: uuid.UUID
    tier: Tier
    started_at: datetime
    current_period: Period
    status: SubscriptionStatus = SubscriptionStatus.ACTIVE
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    ended_at: datetime | None = None
    cancel_at_period_end: bool = False
    cancel_reason: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def live(self) -> "Subscription":
        if self.status not in LIVE:
            raise FailedPrecondition(f"subscription {self.id} is {self.status.value}")
        return self

    def ended(self, status: SubscriptionStatus, now: datetime, reason: str = "") -> "Subscription":
        return replace(self.live(), status=status, ended_at=now, cancel_reason=reason)

    def lapsed(self, today: date) -> bool:
        """Cancelled at period end, and that end has passed."""
        return self.cancel_at_period_end and today > self.current_period.end


@dataclass(frozen=True, slots=True)
class UsageEvent:
    """One metered use; its key makes a redelivery a no-op."""

    tenant_id: uuid.UUID
    usage_type: UsageType
    count: int
    idempotency_key: str
    occurred_at: datetime
    outlet_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class UsageRecord:
    tenant_id: uuid.UUID
    usage_type: UsageType
    count: int
    period: Period
    id: uuid.UUID | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Deposit:
    tenant_id: uuid.UUID
    amount: Decimal
    balance: Decimal
    status: DepositStatus = DepositStatus.ACTIVE
    reference: str = ""
    note: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
    updated_at: datetime | None = None


class LedgerKind(StrEnum):
    TOP_UP = "top_up"
    OVERAGE = "overage"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A movement of prepaid money: top-ups positive, debits negative."""

    tenant_id: uuid.UUID
    kind: LedgerKind
    amount: Decimal
    period_start: date
    idempotency_key: str
    deposit_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None


class AlertKind(StrEnum):
    QUOTA_80 = "quota_80"
    QUOTA_100 = "quota_100"
    DEPOSIT_SHORT = "deposit_short"


@dataclass(frozen=True, slots=True)
class Alert:
    """A warning for the tenant's owner; at most one per tenant, period and kind."""

    tenant_id: uuid.UUID
    kind: AlertKind
    period_start: date
    message: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    created_at: datetime | None = None
