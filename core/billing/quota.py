"""Quota decisions and overage arithmetic: pure functions of a subscription and its usage."""

from dataclasses import dataclass
from decimal import Decimal

from .model import CENT, Subscription, Tier, UsageType

UNLIMITED = -1


@dataclass(frozen=True, slots=True)
class QuotaDecision:
    allowed: bool
    remaining: int  # left within the quota before this amount; UNLIMITED when no quota
    used: int
    quota: int  # 0: unlimited
    overage: bool = False
    reason: str = ""
    tier: str = ""  # of the live subscription
    upgrade_tier: str = ""  # when refused: the cheapest tier that would allow it

    @property
    def exhausted(self) -> bool:
        """Refused by a quota the plan has (not for want of a plan): used up and unpaid."""
        return not self.allowed and self.quota > 0


def quota_of(tier: Tier, usage_type: UsageType) -> int:
    """The period's limit of a usage type (0: unlimited); only messages in and storage bind."""
    if usage_type is UsageType.MESSAGES_IN:
        return tier.message_quota
    if usage_type is UsageType.STORAGE_MB:
        return tier.storage_limit_mb
    return 0


def overage_count(used: int, quota: int) -> int:
    return max(used - quota, 0) if quota else 0


def overage_cost(count: int, rate: Decimal) -> Decimal:
    return (count * rate).quantize(CENT)


def overage_charge(before: int, after: int, quota: int, rate: Decimal) -> Decimal:
    """What moving the counter from `before` to `after` adds to the period's overage cost.

    The difference of the rounded cumulative costs, so the debits of a period add up to
    exactly the statement's overage line, however the messages were batched.
    """
    return overage_cost(overage_count(after, quota), rate) - overage_cost(
        overage_count(before, quota), rate
    )


def lifting(upgrade: Tier | None) -> str:
    """The end of a refusal: what the tenant can do about it."""
    return f"; the {upgrade.name} tier lifts it" if upgrade else "; no tier on offer lifts it"


def _over(tier: Tier, usage_type: UsageType, used: int, amount: int, balance: Decimal):
    """(allowed, reason) for an amount that goes past the quota."""
    quota = quota_of(tier, usage_type)
    if usage_type is not UsageType.MESSAGES_IN:
        return False, f"{usage_type.value} limit of {quota} reached on the {tier.name} tier"
    if not tier.overage_rate:
        return False, f"message quota of {quota} reached; the {tier.name} tier has no overage"
    cost = overage_charge(used, used + amount, quota, tier.overage_rate)
    if balance >= cost:
        return True, f"over the message quota of {quota}: {cost} charged to the deposit"
    return (
        False,
        f"message quota of {quota} exceeded and the deposit balance {balance} cannot cover {cost}",
    )


def decide(
    subscription: Subscription | None,
    usage_type: UsageType,
    used: int,
    amount: int,
    balance: Decimal,
    upgrade: Tier | None = None,
) -> QuotaDecision:
    """May the tenant use `amount` more now? Over quota is paid overage while the deposit covers it."""
    if subscription is None:
        return QuotaDecision(False, 0, used, 0, reason="no active subscription")
    tier = subscription.tier.name
    quota = quota_of(subscription.tier, usage_type)
    if not quota:
        return QuotaDecision(True, UNLIMITED, used, 0, tier=tier)
    remaining = max(quota - used, 0)
    if used + amount <= quota:
        return QuotaDecision(True, remaining, used, quota, tier=tier)
    allowed, reason = _over(subscription.tier, usage_type, used, amount, balance)
    if allowed:
        return QuotaDecision(True, remaining, used, quota, overage=True, reason=reason, tier=tier)
    lift = upgrade.name if upgrade else ""
    reason += lifting(upgrade)
    return QuotaDecision(False, remaining, used, quota, reason=reason, tier=tier, upgrade_tier=lift)
