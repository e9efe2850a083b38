"""Plan limits on what a tenant holds: outlets, knowledge bases, stored megabytes.

Billing knows the limits; the service that holds the rows counts them (under a lock, so two
creates cannot both see room for one more) and asks billing whether one more fits.
"""

import uuid
from enum import StrEnum
from typing import Protocol

from core.shared.errors import DomainError

from .model import Tier
from .plans import cheapest_lifting
from .quota import UNLIMITED, QuotaDecision, lifting

MEBIBYTE = 1024 * 1024


class PlanLimit(StrEnum):
    OUTLETS = "outlets"
    KNOWLEDGE_BASES = "knowledge_bases"
    STORAGE_MB = "storage_mb"


_TIER_FIELD = {
    PlanLimit.OUTLETS: "outlet_limit",
    PlanLimit.KNOWLEDGE_BASES: "knowledge_base_limit",
    PlanLimit.STORAGE_MB: "storage_limit_mb",
}


class QuotaExceeded(DomainError):
    """A plan limit would be passed; the message names it, the tier and the tier that lifts it."""


def limit_of(tier: Tier, limit: PlanLimit) -> int:
    """The tier's cap (0: unlimited)."""
    return getattr(tier, _TIER_FIELD[limit])


def megabytes(size_bytes: int) -> int:
    """Stored bytes as the whole megabytes a storage limit counts (rounded up)."""
    return -(-size_bytes // MEBIBYTE)


def _refusal(limit: PlanLimit, cap: int, tier: str, needed: int) -> str:
    if limit is PlanLimit.STORAGE_MB:
        return f"storage limit of {cap} MB on the {tier} tier cannot hold {needed} MB"
    noun = "outlet" if limit is PlanLimit.OUTLETS else "knowledge base"
    return f"{noun} limit of {cap} reached on the {tier} tier"


def decide_limit(tier: Tier, offered: list[Tier], limit: PlanLimit, needed: int) -> QuotaDecision:
    """May a tenant on `tier` hold `needed` (e.g. its outlets + 1)?"""
    cap = limit_of(tier, limit)
    if not cap or needed <= cap:
        left = cap - needed if cap else UNLIMITED
        return QuotaDecision(True, left, needed, cap, tier=tier.name)
    upgrade = cheapest_lifting(offered, needed, lambda t: limit_of(t, limit))
    return QuotaDecision(
        False,
        0,
        needed,
        cap,
        reason=_refusal(limit, cap, tier.name, needed) + lifting(upgrade),
        tier=tier.name,
        upgrade_tier=upgrade.name if upgrade else "",
    )


class PlanLimits(Protocol):
    """Billing as a creating service sees it."""

    async def check(self, tenant_id: uuid.UUID, limit: PlanLimit, needed: int) -> QuotaDecision:
        """Billing's answer. Raises Unavailable when billing cannot be asked (nothing may be
        created unchecked) and FailedPrecondition when the tenant has no active subscription."""
        ...


async def ensure_room(
    limits: PlanLimits | None, tenant_id: uuid.UUID, limit: PlanLimit, needed: int
) -> None:
    """Refuse a create past the plan's limit. None (seeding, tools run by the operator):
    not checked; every service wires billing in."""
    if limits is None:
        return
    decision = await limits.check(tenant_id, limit, needed)
    if not decision.allowed:
        raise QuotaExceeded(decision.reason)
