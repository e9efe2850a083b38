"""Period close and owner alerts over real PostgreSQL, as the services' role under row-level
security: one statement per tenant and period however many close at once, to the cent; one
alert per tenant, period and kind however many batches cross a threshold together."""

import asyncio
import logging
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import grpc
import pytest
from crm.billing.v1 import billing_pb2 as pb
from sqlalchemy import text

from adapters.postgres.billing_repository import SqlAlchemyBillingUnitOfWork
from adapters.postgres.database import ScopedSessions, session_factory
from core.billing import closing, commands, deposits, subscriptions, usage
from core.billing.alerts import list_alerts
from core.billing.model import AlertKind, Period, Tier, UsageEvent, UsageType
from core.billing.plans import SEED_TIERS
from core.shared.paging import PageQuery
from core.shared.scope import acting_for
from tests.fakes import FakeClock

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
IN_OCTOBER = datetime(2026, 10, 3, 9, tzinfo=UTC)
CLOSING_TIME = datetime(2026, 11, 1, 2, tzinfo=UTC)
# One message included, 0.15 each after: small numbers that still need exact rounding.
TINY = Tier("tiny", 1, 1, 1, 10, Decimal("5.00"), Decimal("0.15"))
TEN = Tier("ten", 10, 1, 1, 10, Decimal("9.00"), Decimal("0.15"))


@pytest.fixture
async def uow(db, engine_as):
    """Units of work as the billing service has them: crm_billing (crm_billing_platform for
    work across tenants), held to the policies."""
    owner = session_factory(db)
    async with SqlAlchemyBillingUnitOfWork(owner) as unit:
        for tier in (*SEED_TIERS, TINY, TEN):
            await unit.tiers.put(tier)
        await unit.commit()
    sessions = ScopedSessions(engine_as("crm_billing"), engine_as("crm_billing_platform"))
    return lambda: SqlAlchemyBillingUnitOfWork(sessions)


async def customer(uow, tier: str, deposit: str = "", at: datetime = IN_OCTOBER) -> uuid.UUID:
    tenant = uuid.uuid4()
    with acting_for(tenant):
        command = commands.CreateSubscription(tenant, tier)
        await subscriptions.create_subscription(command, uow(), FakeClock(at))
        if deposit:
            await deposits.create_deposit(
                commands.CreateDeposit(tenant, deposit), uow(), FakeClock(at)
            )
    return tenant


async def messages(uow, tenant: uuid.UUID, count: int, one_by_one: bool = True) -> None:
    """`count` customer messages in October, each its own batch (so each is debited alone)."""
    events = [
        UsageEvent(tenant, UsageType.MESSAGES_IN, 1, f"msg_in:{uuid.uuid4()}", IN_OCTOBER)
        for _ in range(count)
    ]
    with acting_for(tenant):
        batches = [[event] for event in events] if one_by_one else [events]
        await asyncio.gather(*(usage.record_usage(batch, uow()) for batch in batches))


async def stored_statements(db) -> list[tuple]:
    async with db.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT s.tenant_id, s.tier, s.base_price, s.total, s.deposit_used,"
                " count(l.id) FROM billing.statements s"
                " LEFT JOIN billing.statement_lines l ON l.statement_id = s.id"
                " WHERE s.period_start = :start GROUP BY s.id"
            ),
            {"start": OCTOBER.start},
        )
        return sorted(rows, key=lambda row: row[1])


async def test_two_closers_at_once_store_one_statement_per_tenant_to_the_cent(uow, db):
    small = await customer(uow, "tiny", deposit="1.00")
    big = await customer(uow, "pro")
    await customer(uow, "pro", at=CLOSING_TIME)  # subscribed after October: nothing to close
    await messages(uow, small, 10)  # 9 over: 1.35; the deposit pays six of them (0.90)
    await messages(uow, big, 3, one_by_one=False)

    runs = await asyncio.gather(
        *(closing.close_period(None, uow(), FakeClock(CLOSING_TIME)) for _ in "ab")
    )
    assert [period for period, _ in runs] == [OCTOBER, OCTOBER]
    assert sum(closed for _, closed in runs) == 2
    assert await stored_statements(db) == [
        (big, "pro", Decimal("99.00"), Decimal("99.00"), Decimal("0.00"), 1),
        (small, "tiny", Decimal("5.00"), Decimal("6.35"), Decimal("0.90"), 2),
    ]
    again = await closing.close_period(date(2026, 10, 20), uow(), FakeClock(CLOSING_TIME))
    assert again == (OCTOBER, 0)

    with acting_for(small):
        read = await closing.statement(
            commands.PeriodQuery(small, date(2026, 10, 9)), uow(), FakeClock(CLOSING_TIME)
        )
    assert (read.closed_at, read.amount_due) == (CLOSING_TIME, Decimal("5.45"))
    assert [(line.quantity, line.unit_price, line.amount) for line in read.lines] == [
        (1, Decimal("5.00"), Decimal("5.00")),
        (9, Decimal("0.15"), Decimal("1.35")),
    ]


async def test_the_closer_waits_out_the_grace_then_closes_once(uow, db):
    await customer(uow, "pro")
    clock = FakeClock(datetime(2026, 11, 1, 0, 30, tzinfo=UTC))
    closer = closing.PeriodCloser(uow, clock)
    assert await closer.close_due() == 0  # late usage of October may still be arriving
    clock.now = datetime(2026, 11, 1, 1, 30, tzinfo=UTC)
    assert (await closer.close_due(), await closer.close_due()) == (1, 0)
    assert len(await stored_statements(db)) == 1


@pytest.fixture
async def stub(uow, serve_billing):
    """BillingService as tests serve it: without the access interceptor that would set each
    call's scope, so over the owner's connection."""
    stub, _ = await serve_billing([], FakeClock(CLOSING_TIME))
    return stub


async def test_statements_over_grpc_stored_once_closed_live_while_open(uow, stub):
    tenant = await customer(uow, "tiny")
    await messages(uow, tenant, 3)
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await stub.ClosePeriod(pb.ClosePeriodRequest(period_date="2026-11-20"))
    assert failed.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "has not ended; it can be closed from 2026-12-01" in failed.value.details()

    live = (
        await stub.GetStatement(
            pb.GetStatementRequest(tenant_id=str(tenant), period_date="2026-10-05")
        )
    ).statement
    assert (live.id, live.HasField("close_time"), live.amount_due.amount) == ("", False, "5.30")

    closed = await stub.ClosePeriod(pb.ClosePeriodRequest())
    assert (closed.period_start, closed.period_end, closed.closed) == (
        "2026-10-01",
        "2026-10-31",
        1,
    )
    stored = (
        await stub.GetStatement(
            pb.GetStatementRequest(tenant_id=str(tenant), period_date="2026-10-05")
        )
    ).statement
    assert stored.id and stored.close_time.ToDatetime(tzinfo=UTC) == CLOSING_TIME
    assert [(line.quantity, line.amount.amount) for line in stored.lines] == [
        (1, "5.00"),
        (2, "0.30"),
    ]
    assert (stored.total.amount, stored.deposit_used.amount, stored.amount_due.amount) == (
        "5.30",
        "0.00",
        "5.30",
    )
    listed = await stub.ListStatements(pb.ListStatementsRequest(tenant_id=str(tenant)))
    assert [s.period_start for s in listed.statements] == ["2026-10-01"]
    other = await stub.ListStatements(pb.ListStatementsRequest(tenant_id=str(uuid.uuid4())))
    assert list(other.statements) == []


async def test_each_alert_once_per_tenant_period_and_kind_and_logged(uow, stub, caplog):
    tenant = await customer(uow, "ten", deposit="0.30")  # ten included, then two paid ones
    with caplog.at_level(logging.WARNING, logger="core.billing.usage"):
        await messages(uow, tenant, 20)  # concurrent batches cross every threshold at once
        await messages(uow, tenant, 5)
    listed = await stub.ListAlerts(pb.ListAlertsRequest(tenant_id=str(tenant)))
    assert sorted(a.kind for a in listed.alerts) == [
        pb.ALERT_KIND_QUOTA_80,
        pb.ALERT_KIND_QUOTA_100,
        pb.ALERT_KIND_DEPOSIT_SHORT,
    ]
    assert {a.period_start for a in listed.alerts} == {"2026-10-01"}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 3 and all(str(tenant) in w for w in warnings)
    with acting_for(tenant):
        assert await deposits.balance(tenant, uow()) == Decimal("0.00")


async def test_alerts_come_in_the_order_they_were_raised(uow):
    tenant = await customer(uow, "ten")
    for count in (8, 2, 1):  # 80%, 100%, then an overage nothing pays for
        await messages(uow, tenant, count, one_by_one=False)
    with acting_for(tenant):
        page = await list_alerts(tenant, PageQuery(size=2), uow())
        rest = await list_alerts(tenant, PageQuery(size=2, token=page.next_token), uow())
    assert [a.kind for a in [*page.items, *rest.items]] == [
        AlertKind.DEPOSIT_SHORT,
        AlertKind.QUOTA_100,
        AlertKind.QUOTA_80,
    ]
    assert "cannot pay 0.15 of overage" in page.items[0].message


async def test_statements_page_newest_period_first(uow, stub):
    tenant = await customer(uow, "pro", at=datetime(2026, 9, 3, tzinfo=UTC))
    for closing_day in (date(2026, 10, 2), date(2026, 11, 2)):
        clock = FakeClock(datetime.combine(closing_day, datetime.min.time(), UTC))
        await closing.close_period(None, uow(), clock)
    request = pb.ListStatementsRequest(tenant_id=str(tenant), page={"page_size": 1})
    first = await stub.ListStatements(request)
    request.page.page_token = first.page.next_page_token
    second = await stub.ListStatements(request)
    assert [s.period_start for s in (*first.statements, *second.statements)] == [
        "2026-10-01",
        "2026-09-01",
    ]
    assert second.page.next_page_token == ""
