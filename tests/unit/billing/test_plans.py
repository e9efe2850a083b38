"""Tier change rules: at once both ways, history kept; cancel now or at the period's end."""

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from core.billing.model import Period, SubscriptionStatus
from core.billing.plans import SEED_TIERS, cancel, change, start
from core.shared.errors import FailedPrecondition

FREE, STARTER, PRO, ENTERPRISE = SEED_TIERS
NOW = datetime(2026, 11, 15, 9, tzinfo=UTC)
LATER = datetime(2026, 11, 20, 9, tzinfo=UTC)


def test_an_upgrade_ends_the_old_subscription_and_starts_the_new_tier_now():
    current = start(uuid.uuid4(), STARTER, NOW)
    ended, successor = change(current, PRO, LATER)
    assert (ended.status, ended.ended_at) == (SubscriptionStatus.EXPIRED, LATER)
    assert (successor.tier, successor.started_at, successor.status) == (
        PRO,
        LATER,
        SubscriptionStatus.ACTIVE,
    )
    assert successor.current_period == Period(date(2026, 11, 1), date(2026, 11, 30))


def test_a_downgrade_also_takes_effect_at_once_and_a_trial_stays_a_trial():
    current = start(uuid.uuid4(), ENTERPRISE, NOW, trial=True)
    _, successor = change(current, FREE, LATER)
    assert (successor.tier, successor.status) == (FREE, SubscriptionStatus.TRIALING)


def test_changing_to_the_same_tier_or_a_withdrawn_one_is_refused():
    current = start(uuid.uuid4(), STARTER, NOW)
    with pytest.raises(FailedPrecondition, match="starter tier already"):
        change(current, STARTER, LATER)
    with pytest.raises(FailedPrecondition, match="no longer offered"):
        change(current, replace(PRO, available=False), LATER)


def test_an_ended_subscription_cannot_change_or_cancel():
    ended, _ = change(start(uuid.uuid4(), STARTER, NOW), PRO, LATER)
    with pytest.raises(FailedPrecondition, match="expired"):
        change(ended, ENTERPRISE, LATER)
    with pytest.raises(FailedPrecondition, match="expired"):
        cancel(ended, LATER, "", at_period_end=False)


def test_cancel_at_period_end_keeps_service_until_the_month_is_over():
    kept = cancel(start(uuid.uuid4(), PRO, NOW), LATER, "closing", at_period_end=True)
    assert (kept.status, kept.cancel_at_period_end) == (SubscriptionStatus.ACTIVE, True)
    assert not kept.lapsed(date(2026, 11, 30))
    assert kept.lapsed(date(2026, 12, 1))
    now = cancel(start(uuid.uuid4(), PRO, NOW), LATER, "closing", at_period_end=False)
    assert (now.status, now.ended_at, now.cancel_reason) == (
        SubscriptionStatus.CANCELLED,
        LATER,
        "closing",
    )
