"""The tiers on offer and the subscription rules: start, change tier, cancel.

A tier change takes effect at once, both ways: the old subscription is EXPIRED and a new
one starts with the new tier's limits, in the same calendar-month period (usage so far
counts against the new quota). The month is billed at the dearest tier held in it, so an
upgrade is charged in full at once and a downgrade lowers the price from the next month.
"""

import uuid
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from core.shared.errors import FailedPrecondition

from .model import Period, Subscription, SubscriptionStatus, Tier

SEED_TIERS: tuple[Tier, ...] = (
    Tier("free", 500, 1, 1, 100, Decimal("0.00"), Decimal("0.00"), "Free"),
    Tier("starter", 2_000, 1, 2, 500, Decimal("29.00"), Decimal("0.03"), "Starter"),
    Tier("pro", 10_000, 5, 10, 5_000, Decimal("99.00"), Decimal("0.02"), "Pro"),
    Tier("enterprise", 100_000, 0, 0, 50_000, Decimal("499.00"), Decimal("0.01"), "Enterprise"),
)


def start(tenant_id: uuid.UUID, tier: Tier, now: datetime, trial: bool = False) -> Subscription:
    if not tier.available:
        raise FailedPrecondition(f"tier {tier.name} is no longer offered")
    status = SubscriptionStatus.TRIALING if trial else SubscriptionStatus.ACTIVE
    return Subscription(tenant_id, tier, now, Period.of(now.date()), status)


def change(current: Subscription, tier: Tier, now: datetime) -> tuple[Subscription, Subscription]:
    """(the current one, now EXPIRED; its successor on `tier`, starting now)."""
    if tier.name == current.tier.name:
        raise FailedPrecondition(f"the subscription is on the {tier.name} tier already")
    ended = current.ended(SubscriptionStatus.EXPIRED, now, f"changed to {tier.name}")
    successor = replace(start(current.tenant_id, tier, now), status=current.status)
    return ended, successor


def cancel(current: Subscription, now: datetime, reason: str, at_period_end: bool) -> Subscription:
    """Ended now, or kept usable until its period ends (then it lapses to CANCELLED)."""
    if not at_period_end:
        return current.ended(SubscriptionStatus.CANCELLED, now, reason)
    period = Period.of(now.date())
    return replace(
        current.live(), cancel_at_period_end=True, cancel_reason=reason, current_period=period
    )


def cheapest_lifting(tiers: list[Tier], needed: int, limit_of) -> Tier | None:
    """The cheapest tier on offer whose limit (0: unlimited) covers `needed`."""
    fitting = [t for t in tiers if t.available and (not limit_of(t) or limit_of(t) >= needed)]
    return min(fitting, key=lambda t: t.monthly_price, default=None)
