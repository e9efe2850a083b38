"""A period's statement in exact decimal arithmetic: base price, overage, deposit used."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .model import CENT, Period, Subscription, SubscriptionStatus, Tier
from .quota import overage_cost, overage_count


@dataclass(frozen=True, slots=True)
class StatementLine:
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Statement:
    """Computed live while its period is open; stored, with id and closed_at, once closed."""

    tenant_id: uuid.UUID
    period: Period
    tier: str
    lines: tuple[StatementLine, ...]
    deposit_used: Decimal
    id: uuid.UUID | None = None
    closed_at: datetime | None = None

    @property
    def base_price(self) -> Decimal:
        """The subscription line's amount (the first line), 0 without a subscription."""
        return self.lines[0].amount if self.lines else Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def amount_due(self) -> Decimal:
        return self.total - self.deposit_used


def _held_in(subscription: Subscription, period: Period) -> bool:
    started = subscription.started_at.date() <= period.end
    ended = subscription.ended_at
    return started and (ended is None or ended.date() >= period.start)


def _overage_lines(tier: Tier, messages_in: int) -> list[StatementLine]:
    over = overage_count(messages_in, tier.message_quota)
    if not over:
        return []
    cost = overage_cost(over, tier.overage_rate)
    return [
        StatementLine(
            f"messages over the quota of {tier.message_quota}", over, tier.overage_rate, cost
        )
    ]


def statement_of(
    tenant_id: uuid.UUID,
    period: Period,
    subscriptions: list[Subscription],
    messages_in: int,
    deposit_used: Decimal,
) -> Statement:
    """Base: the dearest paid tier held in the period; overage at the latest one's quota and rate."""
    held = [s for s in subscriptions if _held_in(s, period)]
    if not held:
        return Statement(tenant_id, period, "", (), deposit_used)
    paid = [s for s in held if s.status is not SubscriptionStatus.TRIALING]
    billed = max(paid or held, key=lambda s: s.tier.monthly_price).tier
    price = billed.monthly_price if paid else Decimal("0.00")
    base = StatementLine(f"{billed.name} subscription", 1, price, price.quantize(CENT))
    latest = max(held, key=lambda s: s.started_at).tier
    lines = (base, *_overage_lines(latest, messages_in))
    return Statement(tenant_id, period, billed.name, lines, deposit_used)
