"""Requests to the billing context, parsed from the wire but not yet validated."""

import uuid
from dataclasses import dataclass
from datetime import date

from core.shared.paging import PageQuery

from .limits import PlanLimit
from .model import DepositStatus, SubscriptionStatus, UsageType


@dataclass(frozen=True)
class CreateSubscription:
    tenant_id: uuid.UUID
    tier: str
    trial: bool = False


@dataclass(frozen=True)
class SubscriptionRef:
    tenant_id: uuid.UUID
    subscription_id: uuid.UUID


@dataclass(frozen=True)
class ChangeTier:
    tenant_id: uuid.UUID
    subscription_id: uuid.UUID
    tier: str


@dataclass(frozen=True)
class CancelSubscription:
    tenant_id: uuid.UUID
    subscription_id: uuid.UUID
    reason: str = ""
    at_period_end: bool = False


@dataclass(frozen=True)
class ListSubscriptions:
    tenant_id: uuid.UUID
    page: PageQuery
    status: SubscriptionStatus | None = None


@dataclass(frozen=True)
class CheckQuota:
    tenant_id: uuid.UUID
    usage_type: UsageType
    amount: int = 1


@dataclass(frozen=True)
class CheckLimit:
    tenant_id: uuid.UUID
    limit: PlanLimit
    needed: int  # what the tenant would hold after the change


@dataclass(frozen=True)
class PeriodQuery:
    """A tenant's billing period containing `day` (None: today)."""

    tenant_id: uuid.UUID
    day: date | None = None


@dataclass(frozen=True)
class CreateDeposit:
    tenant_id: uuid.UUID
    amount: str
    reference: str = ""
    note: str = ""
    request_id: str = ""  # a retry with the same id returns the first deposit


@dataclass(frozen=True)
class ListDeposits:
    tenant_id: uuid.UUID
    page: PageQuery
    status: DepositStatus | None = None
