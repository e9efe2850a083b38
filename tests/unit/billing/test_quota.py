"""Quota edges: at the quota, one over, overage with and without a deposit to pay it."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from core.billing.model import Tier, UsageType
from core.billing.plans import SEED_TIERS, cheapest_lifting, start
from core.billing.quota import UNLIMITED, decide, overage_charge, quota_of

NOW = datetime(2026, 11, 15, tzinfo=UTC)
STARTER = SEED_TIERS[1]  # 2000 messages, 0.03 per message over
MESSAGES = UsageType.MESSAGES_IN
NOTHING = Decimal("0.00")


def sub(tier: Tier = STARTER):
    return start(uuid.uuid4(), tier, NOW)


def test_the_last_message_within_the_quota_is_allowed_free():
    decision = decide(sub(), MESSAGES, 1_999, 1, NOTHING)
    assert (decision.allowed, decision.overage, decision.remaining) == (True, False, 1)


def test_one_over_with_a_deposit_is_paid_overage():
    decision = decide(sub(), MESSAGES, 2_000, 1, Decimal("0.03"))
    assert (decision.allowed, decision.overage, decision.remaining) == (True, True, 0)
    assert "0.03 charged to the deposit" in decision.reason


def test_one_over_without_balance_is_refused_naming_the_limit_and_the_lifting_tier():
    upgrade = cheapest_lifting(list(SEED_TIERS), 2_001, lambda t: t.message_quota)
    decision = decide(sub(), MESSAGES, 2_000, 1, Decimal("0.02"), upgrade)
    assert (decision.allowed, decision.overage) == (False, False)
    assert "quota of 2000 exceeded" in decision.reason
    assert "cannot cover 0.03" in decision.reason
    assert "the pro tier lifts it" in decision.reason


def test_a_batch_crossing_the_quota_pays_only_the_part_over_it():
    assert overage_charge(1_990, 2_010, 2_000, Decimal("0.03")) == Decimal("0.30")
    decision = decide(sub(), MESSAGES, 1_990, 20, Decimal("0.29"))
    assert not decision.allowed


def test_no_overage_rate_is_a_hard_stop():
    decision = decide(sub(SEED_TIERS[0]), MESSAGES, 500, 1, Decimal("100.00"))
    assert not decision.allowed and "no overage" in decision.reason


def test_storage_never_goes_over_and_tokens_are_unlimited():
    assert not decide(sub(), UsageType.STORAGE_MB, 500, 1, Decimal("9.99")).allowed
    tokens = decide(sub(), UsageType.LLM_TOKENS, 10**9, 1, NOTHING)
    assert (tokens.allowed, tokens.remaining, quota_of(STARTER, UsageType.LLM_TOKENS)) == (
        True,
        UNLIMITED,
        0,
    )


def test_without_a_subscription_nothing_is_allowed():
    assert decide(None, MESSAGES, 0, 1, Decimal("50.00")).reason == "no active subscription"
