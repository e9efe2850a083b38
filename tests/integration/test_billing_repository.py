"""Billing over real PostgreSQL: one active subscription, idempotent usage, exact debits."""

import asyncio
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from adapters.postgres.billing_repository import SqlAlchemyBillingUnitOfWork
from adapters.postgres.database import session_factory
from core.billing import closing, deposits, subscriptions, usage
from core.billing import commands as c
from core.billing.model import LedgerEntry, LedgerKind, Period, Tier, UsageEvent, UsageType
from core.billing.plans import SEED_TIERS
from core.shared.errors import FailedPrecondition
from core.shared.paging import PageQuery

NOW = datetime(2026, 11, 15, 12, tzinfo=UTC)
TINY = Tier("tiny", 1, 1, 1, 10, Decimal("5.00"), Decimal("0.15"))


def now() -> datetime:
    return NOW


@pytest.fixture
async def uow(db):
    sessions = session_factory(db)
    factory = lambda: SqlAlchemyBillingUnitOfWork(sessions)  # noqa: E731
    async with factory() as unit:
        for tier in (*SEED_TIERS, TINY):
            await unit.tiers.put(tier)
        await unit.commit()
    return factory


def message(tenant: uuid.UUID, key: str) -> UsageEvent:
    return UsageEvent(tenant, UsageType.MESSAGES_IN, 1, f"msg_in:{key}", NOW)


async def test_one_active_subscription_is_the_databases_rule(uow, db):
    tenant = uuid.uuid4()
    first = await subscriptions.create_subscription(c.CreateSubscription(tenant, "pro"), uow(), now)
    with pytest.raises(FailedPrecondition, match="active subscription already"):
        await subscriptions.create_subscription(c.CreateSubscription(tenant, "starter"), uow(), now)
    with pytest.raises(IntegrityError, match="uq_subscriptions_tenant_id_active"):
        async with db.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO billing.subscriptions (tenant_id, tier, status, message_quota,"
                    " outlet_limit, knowledge_base_limit, storage_limit_mb, monthly_price,"
                    " overage_rate) VALUES (:t, 'pro', 'active', 1, 1, 1, 1, 1, 1)"
                ),
                {"t": tenant},
            )
    ref = c.ChangeTier(tenant, first.id, "enterprise")
    new, old = await subscriptions.change_tier(ref, uow(), now)
    assert (new.tier.name, old.status.value, old.ended_at) == ("enterprise", "expired", NOW)
    assert (await subscriptions.active_subscription(tenant, uow(), now)).id == new.id


async def test_a_redelivered_event_is_counted_once(uow):
    tenant = uuid.uuid4()
    batch = [message(tenant, "a"), message(tenant, "b"), message(tenant, "a")]
    assert await usage.record_usage(batch, uow()) == usage.Recorded(2, 1)
    assert await usage.record_usage([message(tenant, "b")], uow()) == usage.Recorded(0, 1)
    report = await usage.usage_report(c.PeriodQuery(tenant), uow(), now)
    assert report.period == Period.of(NOW.date())
    counted = {r.usage_type: r.count for r in report.records}
    assert counted == {kind: 2 if kind is UsageType.MESSAGES_IN else 0 for kind in UsageType}


async def test_concurrent_overage_debits_leave_an_exact_balance(uow):
    tenant = uuid.uuid4()
    await subscriptions.create_subscription(c.CreateSubscription(tenant, "tiny"), uow(), now)
    await deposits.create_deposit(c.CreateDeposit(tenant, "10.00"), uow(), now)
    # 100 messages at once: one within the quota, 99 over it at 0.15 -> 66 paid, 0.10 left.
    await asyncio.gather(
        *(usage.record_usage([message(tenant, str(n))], uow()) for n in range(100))
    )
    assert await deposits.balance(tenant, uow()) == Decimal("0.10")
    statement = await closing.statement(c.PeriodQuery(tenant), uow(), now)
    assert statement.deposit_used == Decimal("9.90")
    assert [line.amount for line in statement.lines] == [Decimal("5.00"), Decimal("14.85")]
    assert (statement.total, statement.amount_due) == (Decimal("19.85"), Decimal("9.95"))


async def test_debits_never_overdraw_across_deposits(uow):
    tenant = uuid.uuid4()
    for amount in ("1.00", "2.00"):
        await deposits.create_deposit(c.CreateDeposit(tenant, amount), uow(), now)

    async def debit(n: int) -> bool:
        entry = LedgerEntry(tenant, LedgerKind.OVERAGE, Decimal("-0.07"), NOW.date(), f"k{n}")
        async with uow() as unit:
            done = await unit.deposits.debit(entry)
            await unit.commit()
        return done

    results = await asyncio.gather(*(debit(n) for n in range(100)))
    assert results.count(True) == 42
    assert await deposits.balance(tenant, uow()) == Decimal("0.06")


async def test_a_retried_top_up_is_stored_once(uow):
    tenant = uuid.uuid4()
    command = c.CreateDeposit(tenant, "25.50", reference="bank-1", request_id="req-1")
    first, _ = await deposits.create_deposit(command, uow(), now)
    again, total = await deposits.create_deposit(command, uow(), now)
    assert (again.id, total) == (first.id, Decimal("25.50"))
    entries = await deposits.ledger(tenant, PageQuery(), uow())
    assert [(e.kind.value, e.amount) for e in entries.items] == [("top_up", Decimal("25.50"))]
