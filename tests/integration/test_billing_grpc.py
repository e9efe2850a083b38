"""BillingService over a real grpc.aio server and PostgreSQL: mapping, status codes, and the
usage relay that feeds it from messaging."""

import uuid

import grpc
import pytest
from crm.billing.v1 import billing_pb2 as pb
from crm.common.v1 import common_pb2

from adapters.grpc.usage_reporter import GrpcUsageReporter
from core.billing.plans import SEED_TIERS
from core.messaging.relay import UsageRelay
from core.messaging.usage import MESSAGES_IN, MESSAGES_OUT, UsageEntry
from core.shared.scope import across_tenants

from .grpc_support import expect

CODE = grpc.StatusCode
SERVICE = "crm.billing.v1.BillingService"


@pytest.fixture
async def served(serve_billing):
    """(stub, address) of BillingService over the test database, tiers seeded."""
    return await serve_billing(SEED_TIERS)


@pytest.fixture
def stub(served):
    return served[0]


async def subscribe(stub, tenant: str, tier: str = "starter") -> pb.Subscription:
    request = pb.CreateSubscriptionRequest(tenant_id=tenant, tier=tier)
    return (await stub.CreateSubscription(request)).subscription


async def test_subscription_life_and_tenant_scoping(stub):
    tenant, other = str(uuid.uuid4()), str(uuid.uuid4())
    tiers = (await stub.ListTiers(pb.ListTiersRequest())).tiers
    assert [t.name for t in tiers] == ["free", "starter", "pro", "enterprise"]
    sub = await subscribe(stub, tenant)
    assert (sub.status, sub.message_quota, sub.monthly_price.amount) == (2, 2000, "29.00")
    await expect(CODE.FAILED_PRECONDITION, subscribe(stub, tenant, "pro"), "active subscription")
    await expect(
        CODE.NOT_FOUND,
        stub.GetSubscription(pb.GetSubscriptionRequest(tenant_id=other, subscription_id=sub.id)),
    )
    await expect(
        CODE.NOT_FOUND, stub.GetActiveSubscription(pb.GetActiveSubscriptionRequest(tenant_id=other))
    )


async def test_change_tier_then_cancel(stub):
    tenant = str(uuid.uuid4())
    sub = await subscribe(stub, tenant)
    changed = await stub.ChangeTier(
        pb.ChangeTierRequest(tenant_id=tenant, subscription_id=sub.id, tier="pro")
    )
    assert changed.previous_subscription.status == pb.SUBSCRIPTION_STATUS_EXPIRED
    active = (
        await stub.GetActiveSubscription(pb.GetActiveSubscriptionRequest(tenant_id=tenant))
    ).subscription
    assert (active.id, active.tier) == (changed.subscription.id, "pro")
    listed = await stub.ListSubscriptions(pb.ListSubscriptionsRequest(tenant_id=tenant))
    assert [s.tier for s in listed.subscriptions] == ["pro", "starter"]
    cancel = pb.CancelSubscriptionRequest(
        tenant_id=tenant, subscription_id=active.id, reason="moving"
    )
    assert (
        await stub.CancelSubscription(cancel)
    ).subscription.status == pb.SUBSCRIPTION_STATUS_CANCELLED


async def test_bad_input_names_the_field(stub):
    tenant = str(uuid.uuid4())
    await expect(CODE.INVALID_ARGUMENT, subscribe(stub, "nope"), "tenant_id")
    await expect(CODE.INVALID_ARGUMENT, subscribe(stub, tenant, ""), "tier")
    await expect(CODE.NOT_FOUND, subscribe(stub, tenant, "platinum"), "tier")


async def test_bad_usage_and_money_name_the_field(stub):
    tenant = str(uuid.uuid4())
    usage = pb.RecordUsageRequest(tenant_id=tenant, count=1, idempotency_key="k")
    await expect(CODE.INVALID_ARGUMENT, stub.RecordUsage(usage), "usage_type")
    usage.usage_type = pb.USAGE_TYPE_MESSAGES_IN
    usage.count = 0
    await expect(CODE.INVALID_ARGUMENT, stub.RecordUsage(usage), "count")
    deposit = pb.Deposit(tenant_id=tenant, amount=common_pb2.Money(amount="-5"))
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.CreateDeposit(pb.CreateDepositRequest(deposit=deposit)),
        "deposit.amount",
    )
    await expect(
        CODE.INVALID_ARGUMENT,
        stub.GetUsage(pb.GetUsageRequest(tenant_id=tenant, period_date="May")),
        "period_date",
    )


async def test_quota_deposit_and_statement(stub):
    tenant = str(uuid.uuid4())
    await subscribe(stub, tenant, "free")
    check = pb.CheckQuotaRequest(tenant_id=tenant, usage_type=pb.USAGE_TYPE_MESSAGES_IN, amount=501)
    refused = await stub.CheckQuota(check)
    assert (refused.allowed, refused.quota, refused.remaining) == (False, 500, 500)
    assert "starter tier lifts it" in refused.reason
    deposit = pb.Deposit(tenant_id=tenant, amount=common_pb2.Money(amount="12.50", currency="EUR"))
    created = await stub.CreateDeposit(pb.CreateDepositRequest(deposit=deposit, request_id="r1"))
    assert created.total_balance.amount == "12.50"
    await expect(
        CODE.NOT_FOUND,
        stub.GetDeposit(
            pb.GetDepositRequest(tenant_id=str(uuid.uuid4()), deposit_id=created.deposit.id)
        ),
    )


async def test_ledger_and_statement(stub):
    tenant = str(uuid.uuid4())
    await subscribe(stub, tenant, "free")
    deposit = pb.Deposit(tenant_id=tenant, amount=common_pb2.Money(amount="12.50", currency="EUR"))
    await stub.CreateDeposit(pb.CreateDepositRequest(deposit=deposit, request_id="r1"))
    await stub.CreateDeposit(pb.CreateDepositRequest(deposit=deposit, request_id="r1"))  # retried
    ledger = await stub.ListLedgerEntries(pb.ListLedgerEntriesRequest(tenant_id=tenant))
    assert [(e.kind, e.amount.amount) for e in ledger.entries] == [("top_up", "12.50")]
    statement = (await stub.GetStatement(pb.GetStatementRequest(tenant_id=tenant))).statement
    assert (statement.tier, statement.total.amount, statement.amount_due.amount) == (
        "free",
        "0.00",
        "0.00",
    )


async def test_the_relay_hands_pending_usage_to_billing_and_forgets_it(served, messaging_uow):
    stub, address = served
    tenant = uuid.uuid4()
    used = [UsageEntry(tenant, MESSAGES_IN, f"w{n}") for n in range(1_200)]
    used.append(UsageEntry(tenant, MESSAGES_OUT, "out:1"))
    billing = GrpcUsageReporter(address)
    relay = UsageRelay(messaging_uow, billing, batch=500)
    try:
        with across_tenants("test"):
            async with messaging_uow() as uow:
                await uow.usage.add(used)
                await uow.commit()
        assert [await relay.relay_once() for _ in range(4)] == [500, 500, 201, 0]
        await billing.report(used[:10])  # a batch sent again (a relay killed before deleting)
    finally:
        await billing.aclose()
    usage = await stub.GetUsage(pb.GetUsageRequest(tenant_id=str(tenant)))
    counted = {u.usage_type: u.used for u in usage.usage}
    assert (counted[pb.USAGE_TYPE_MESSAGES_IN], counted[pb.USAGE_TYPE_MESSAGES_OUT]) == (1_200, 1)
