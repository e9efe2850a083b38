"""The message path's allowance against a real BillingService: cached per tenant, refreshed in
the background, and open whenever billing cannot say no."""

import asyncio
import uuid
from decimal import Decimal

import pytest

from adapters.grpc.billing_client import GrpcBotAllowance
from core.billing import commands, deposits, subscriptions, usage
from core.billing.model import Tier, UsageEvent, UsageType
from core.conversation.model import utcnow

# One message included, then 0.15 each from the deposit.
ONE = Tier("one", 1, 1, 1, 10, Decimal("1.00"), Decimal("0.15"))


@pytest.fixture
def uow(billing_uow):
    return billing_uow


@pytest.fixture
async def address(serve_billing) -> str:
    _, address = await serve_billing([ONE])
    return address


@pytest.fixture
async def allowance_at():
    opened: list[GrpcBotAllowance] = []

    def open_one(address: str, refresh_seconds: float = 5.0) -> GrpcBotAllowance:
        opened.append(GrpcBotAllowance(address, refresh_seconds))
        return opened[-1]

    yield open_one
    for allowance in opened:
        await allowance.aclose()


async def used_up(uow) -> uuid.UUID:
    """A tenant on ONE whose included message is used and who has no deposit."""
    tenant = uuid.uuid4()
    await subscriptions.create_subscription(
        commands.CreateSubscription(tenant, "one"), uow(), utcnow
    )
    event = UsageEvent(tenant, UsageType.MESSAGES_IN, 1, f"msg_in:{tenant}", utcnow())
    await usage.record_usage([event], uow())
    return tenant


async def test_a_used_up_unpaid_plan_stops_the_bot_and_a_top_up_restarts_it(
    uow, address, allowance_at
):
    tenant = await used_up(uow)
    allowance = allowance_at(address, refresh_seconds=0)
    assert await allowance.may_answer(tenant) is False
    await deposits.create_deposit(commands.CreateDeposit(tenant, "0.15"), uow(), utcnow)
    # Each call answers at once from what it knows and refreshes behind; the top-up shows soon.
    for _ in range(200):
        if await allowance.may_answer(tenant):
            break
        await asyncio.sleep(0.01)
    assert await allowance.may_answer(tenant) is True


async def test_an_answer_is_kept_between_refreshes(uow, address, allowance_at):
    tenant = await used_up(uow)
    allowance = allowance_at(address, refresh_seconds=3600)
    assert await allowance.may_answer(tenant) is False
    await deposits.create_deposit(commands.CreateDeposit(tenant, "5.00"), uow(), utcnow)
    assert await allowance.may_answer(tenant) is False  # no billing call per message


async def test_quota_left_and_no_subscription_both_answer(uow, address, allowance_at):
    fresh = uuid.uuid4()
    await subscriptions.create_subscription(
        commands.CreateSubscription(fresh, "one"), uow(), utcnow
    )
    allowance = allowance_at(address)
    assert await allowance.may_answer(fresh) is True
    assert await allowance.may_answer(uuid.uuid4()) is True  # nothing used up without a plan


async def test_billing_down_fails_open(allowance_at):
    assert await allowance_at("127.0.0.1:1").may_answer(uuid.uuid4()) is True
