"""Plan limits at creation: at the limit, one over, unlimited, and what the refusal says."""

import uuid

import pytest

from core.billing.limits import (
    MEBIBYTE,
    PlanLimit,
    QuotaExceeded,
    decide_limit,
    ensure_room,
    megabytes,
)
from core.billing.plans import SEED_TIERS

FREE, STARTER, PRO, ENTERPRISE = SEED_TIERS
OFFERED = list(SEED_TIERS)


def test_the_last_outlet_within_the_limit_is_allowed():
    decision = decide_limit(STARTER, OFFERED, PlanLimit.OUTLETS, 1)
    assert (decision.allowed, decision.remaining, decision.tier) == (True, 0, "starter")


def test_one_outlet_over_names_the_limit_the_tier_and_the_tier_that_lifts_it():
    decision = decide_limit(STARTER, OFFERED, PlanLimit.OUTLETS, 2)
    assert (decision.allowed, decision.quota, decision.upgrade_tier) == (False, 1, "pro")
    assert decision.reason == "outlet limit of 1 reached on the starter tier; the pro tier lifts it"


def test_knowledge_bases_and_storage_say_what_they_count():
    kb = decide_limit(PRO, OFFERED, PlanLimit.KNOWLEDGE_BASES, 11)
    assert kb.reason == (
        "knowledge base limit of 10 reached on the pro tier; the enterprise tier lifts it"
    )
    storage = decide_limit(FREE, OFFERED, PlanLimit.STORAGE_MB, 501)
    assert storage.reason == (
        "storage limit of 100 MB on the free tier cannot hold 501 MB; the pro tier lifts it"
    )


def test_an_unlimited_tier_allows_anything_and_a_need_no_tier_meets_says_so():
    assert decide_limit(ENTERPRISE, OFFERED, PlanLimit.OUTLETS, 10_000).allowed
    beyond = decide_limit(ENTERPRISE, OFFERED, PlanLimit.STORAGE_MB, 50_001)
    assert (beyond.upgrade_tier, beyond.reason.endswith("no tier on offer lifts it")) == ("", True)


def test_storage_counts_whole_megabytes_rounded_up():
    assert [megabytes(n) for n in (0, 1, MEBIBYTE, MEBIBYTE + 1)] == [0, 1, 1, 2]


class FixedLimits:
    def __init__(self, tier) -> None:
        self.tier = tier
        self.asked: list[tuple[PlanLimit, int]] = []

    async def check(self, tenant_id, limit, needed):
        self.asked.append((limit, needed))
        return decide_limit(self.tier, OFFERED, limit, needed)


async def test_ensure_room_refuses_with_billings_reason_and_skips_without_limits():
    limits = FixedLimits(FREE)
    await ensure_room(limits, uuid.uuid4(), PlanLimit.KNOWLEDGE_BASES, 1)
    with pytest.raises(QuotaExceeded, match="knowledge base limit of 1 reached on the free"):
        await ensure_room(limits, uuid.uuid4(), PlanLimit.KNOWLEDGE_BASES, 2)
    assert limits.asked == [(PlanLimit.KNOWLEDGE_BASES, 1), (PlanLimit.KNOWLEDGE_BASES, 2)]
    await ensure_room(None, uuid.uuid4(), PlanLimit.OUTLETS, 99)
