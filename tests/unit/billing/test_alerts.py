"""Owner alerts: which thresholds of the message quota a move of the counter crosses."""

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

from core.billing.alerts import deposit_short, quota_alerts
from core.billing.model import AlertKind, Period, UsageType
from core.billing.plans import SEED_TIERS
from core.billing.ports import CounterChange

FREE, STARTER, PRO, _ = SEED_TIERS  # STARTER: 2000 messages, 0.03 over
TENANT = uuid.uuid4()
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def kinds(before: int, after: int, tier=STARTER) -> list[AlertKind]:
    change = CounterChange(TENANT, UsageType.MESSAGES_IN, NOVEMBER, before, after)
    return [alert.kind for alert in quota_alerts(change, tier)]


def test_reaching_exactly_80_and_100_percent_crosses_each_once():
    assert kinds(1_598, 1_599) == []
    assert kinds(1_599, 1_600) == [AlertKind.QUOTA_80]
    assert kinds(1_600, 1_601) == []
    assert kinds(1_999, 2_000) == [AlertKind.QUOTA_100]
    assert kinds(2_000, 2_500) == []


def test_one_batch_can_cross_both():
    assert kinds(10, 2_010) == [AlertKind.QUOTA_80, AlertKind.QUOTA_100]


def test_an_unlimited_quota_never_alerts():
    assert kinds(0, 10**9, replace(PRO, message_quota=0)) == []


def test_the_texts_tell_the_owner_what_happens_next():
    change = CounterChange(TENANT, UsageType.MESSAGES_IN, NOVEMBER, 0, 500)
    (free_100,) = [a for a in quota_alerts(change, FREE) if a.kind is AlertKind.QUOTA_100]
    assert "free tier has no overage" in free_100.message
    starter = CounterChange(TENANT, UsageType.MESSAGES_IN, NOVEMBER, 1_999, 2_000)
    assert "costs 0.03 from the deposit" in quota_alerts(starter, STARTER)[0].message
    short = deposit_short(TENANT, NOVEMBER, Decimal("0.03"), Decimal("0.01"))
    assert (short.kind, short.period_start) == (AlertKind.DEPOSIT_SHORT, NOVEMBER.start)
    assert "balance 0.01 cannot pay 0.03" in short.message
