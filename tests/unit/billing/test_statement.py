"""Statements to the cent: base price of the dearest tier held, overage, deposit used."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from core.billing.model import Period
from core.billing.plans import SEED_TIERS, change, start
from core.billing.quota import overage_charge
from core.billing.statement import statement_of

FREE, STARTER, PRO, ENTERPRISE = SEED_TIERS
TENANT = uuid.uuid4()
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
NOW = datetime(2026, 11, 3, tzinfo=UTC)


def test_base_price_plus_overage_less_the_deposit_used():
    sub = start(TENANT, STARTER, NOW)
    statement = statement_of(TENANT, NOVEMBER, [sub], 2_347, Decimal("6.00"))
    assert [(line.quantity, line.amount) for line in statement.lines] == [
        (1, Decimal("29.00")),
        (347, Decimal("10.41")),
    ]
    assert (statement.total, statement.amount_due) == (Decimal("39.41"), Decimal("33.41"))


def test_within_the_quota_only_the_base_price_is_due():
    statement = statement_of(TENANT, NOVEMBER, [start(TENANT, PRO, NOW)], 10_000, Decimal("0.00"))
    assert (len(statement.lines), statement.total) == (1, Decimal("99.00"))


def test_an_upgraded_month_is_billed_at_the_dearer_tier_with_the_new_quota():
    old, new = change(start(TENANT, STARTER, NOW), PRO, datetime(2026, 11, 20, tzinfo=UTC))
    statement = statement_of(TENANT, NOVEMBER, [old, new], 10_001, Decimal("0.00"))
    assert statement.tier == "pro"
    assert [line.amount for line in statement.lines] == [Decimal("99.00"), Decimal("0.02")]


def test_a_subscription_ended_before_the_period_is_not_billed():
    old, new = change(
        start(TENANT, ENTERPRISE, datetime(2026, 10, 2, tzinfo=UTC)),
        FREE,
        datetime(2026, 10, 30, tzinfo=UTC),
    )
    statement = statement_of(TENANT, NOVEMBER, [old, new], 0, Decimal("0.00"))
    assert (statement.tier, statement.total) == ("free", Decimal("0.00"))


def test_debits_per_message_add_up_to_the_overage_line():
    debits = sum(overage_charge(n, n + 1, 2_000, Decimal("0.03")) for n in range(1_990, 2_015))
    line = statement_of(TENANT, NOVEMBER, [start(TENANT, STARTER, NOW)], 2_015, debits).lines[1]
    assert debits == line.amount == Decimal("0.45")
