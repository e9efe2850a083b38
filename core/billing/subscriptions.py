"""Use cases of tiers and subscriptions; each runs inside one unit of work."""

import uuid
from collections.abc import Sequence

from core.shared.errors import FailedPrecondition, NotFound
from core.shared.paging import Page

from . import commands as c
from . import plans
from .model import Subscription, SubscriptionStatus, Tier
from .ports import BillingUnitOfWork, Clock


async def list_tiers(include_unavailable: bool, uow: BillingUnitOfWork) -> list[Tier]:
    async with uow:
        return await uow.tiers.list(include_unavailable)


async def _tier(uow: BillingUnitOfWork, name: str) -> Tier:
    tier = await uow.tiers.get(name.strip())
    if tier is None:
        raise NotFound("tier", name)
    return tier


async def get_tier(name: str, uow: BillingUnitOfWork) -> Tier:
    async with uow:
        return await _tier(uow, name)


async def _subscription(
    uow: BillingUnitOfWork, ref: c.SubscriptionRef, lock: bool = False
) -> Subscription:
    found = await uow.subscriptions.get(ref.tenant_id, ref.subscription_id, for_update=lock)
    if found is None:
        raise NotFound("subscription", ref.subscription_id)
    return found


async def get_subscription(ref: c.SubscriptionRef, uow: BillingUnitOfWork) -> Subscription:
    async with uow:
        return await _subscription(uow, ref)


async def create_subscription(
    cmd: c.CreateSubscription, uow: BillingUnitOfWork, now: Clock
) -> Subscription:
    async with uow:
        fresh = plans.start(cmd.tenant_id, await _tier(uow, cmd.tier), now(), cmd.trial)
        stored = await uow.subscriptions.add(fresh)
        if stored is None:
            raise FailedPrecondition(f"tenant {cmd.tenant_id} has an active subscription already")
        await uow.commit()
    return stored


async def active_subscription(
    tenant_id: uuid.UUID, uow: BillingUnitOfWork, now: Clock
) -> Subscription:
    """The live subscription; one cancelled at a period end that has passed lapses now."""
    async with uow:
        live = await uow.subscriptions.live(tenant_id)
        if live and live.lapsed(now().date()):
            await uow.subscriptions.update(live.ended(SubscriptionStatus.CANCELLED, now()))
            await uow.commit()
            live = None
    if live is None:
        raise NotFound("active subscription of tenant", tenant_id)
    return live


async def change_tier(
    cmd: c.ChangeTier, uow: BillingUnitOfWork, now: Clock
) -> tuple[Subscription, Subscription]:
    """(the new subscription, the one it replaced); see `plans` for when it takes effect."""
    ref = c.SubscriptionRef(cmd.tenant_id, cmd.subscription_id)
    async with uow:
        current = await _subscription(uow, ref, lock=True)
        ended, successor = plans.change(current, await _tier(uow, cmd.tier), now())
        ended = await uow.subscriptions.update(ended)
        successor = await uow.subscriptions.add(successor)
        await uow.commit()
    assert successor is not None  # the predecessor's end freed the tenant's active slot
    return successor, ended


async def cancel_subscription(
    cmd: c.CancelSubscription, uow: BillingUnitOfWork, now: Clock
) -> Subscription:
    ref = c.SubscriptionRef(cmd.tenant_id, cmd.subscription_id)
    async with uow:
        current = await _subscription(uow, ref, lock=True)
        reason = cmd.reason.strip()[:500]
        cancelled = await uow.subscriptions.update(
            plans.cancel(current, now(), reason, cmd.at_period_end)
        )
        await uow.commit()
    return cancelled


async def list_subscriptions(
    cmd: c.ListSubscriptions, uow: BillingUnitOfWork
) -> Page[Subscription]:
    async with uow:
        return await uow.subscriptions.list(cmd)


async def put_tiers(tiers: Sequence[Tier], uow: BillingUnitOfWork) -> None:
    """Offer these tiers (an operator's or the seed's); existing ones of a name are replaced."""
    async with uow:
        for tier in tiers:
            await uow.tiers.put(tier)
        await uow.commit()
