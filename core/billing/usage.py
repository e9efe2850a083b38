"""Use cases of metered usage: record (idempotent, batched), read, check the quota."""

from collections.abc import Sequence
from dataclasses import dataclass

from core.shared.errors import InvalidInput

from . import commands as c
from .model import LedgerEntry, LedgerKind, Period, Tier, UsageEvent, UsageRecord, UsageType
from .plans import cheapest_lifting
from .ports import BillingUnitOfWork, Clock, CounterChange
from .quota import QuotaDecision, decide, overage_charge, quota_of


@dataclass(frozen=True, slots=True)
class Recorded:
    counted: int
    duplicates: int


def _checked(event: UsageEvent) -> UsageEvent:
    if event.count <= 0:
        raise InvalidInput("count", "must be positive")
    if not event.idempotency_key.strip() or len(event.idempotency_key) > 200:
        raise InvalidInput("idempotency_key", "is required, at most 200 characters")
    return event


async def _charge_overage(uow: BillingUnitOfWork, change: CounterChange) -> None:
    """Debit the deposit for messages past the quota; what it cannot cover stays due."""
    live = await uow.subscriptions.live(change.tenant_id)
    if live is None:
        return
    tier = live.tier
    cost = overage_charge(change.before, change.after, tier.message_quota, tier.overage_rate)
    if cost > 0:
        key = f"overage:{change.tenant_id}:{change.period.start}:{change.after}"
        entry = LedgerEntry(change.tenant_id, LedgerKind.OVERAGE, -cost, change.period.start, key)
        await uow.deposits.debit(entry)


async def record_usage(events: Sequence[UsageEvent], uow: BillingUnitOfWork) -> Recorded:
    """Count each event once, in one transaction; overage is debited as it accrues."""
    events = [_checked(event) for event in events]
    async with uow:
        changes, duplicates = await uow.usage.record(events)
        for change in changes:
            if change.usage_type is UsageType.MESSAGES_IN:
                await _charge_overage(uow, change)
        await uow.commit()
    return Recorded(len(events) - duplicates, duplicates)


@dataclass(frozen=True, slots=True)
class UsageReport:
    period: Period
    records: list[UsageRecord]  # one per usage type, zero where nothing was used
    tier: Tier | None  # of the live subscription, whose quotas apply


async def usage_report(query: c.PeriodQuery, uow: BillingUnitOfWork, now: Clock) -> UsageReport:
    period = Period.of(query.day or now().date())
    async with uow:
        found = {r.usage_type: r for r in await uow.usage.records(query.tenant_id, period)}
        live = await uow.subscriptions.live(query.tenant_id)
    records = [found.get(t) or UsageRecord(query.tenant_id, t, 0, period) for t in UsageType]
    return UsageReport(period, records, live.tier if live else None)


def _used(records: list[UsageRecord], usage_type: UsageType) -> int:
    return next((r.count for r in records if r.usage_type is usage_type), 0)


async def check_quota(cmd: c.CheckQuota, uow: BillingUnitOfWork, now: Clock) -> QuotaDecision:
    if cmd.amount < 0:
        raise InvalidInput("amount", "must not be negative")
    amount = cmd.amount or 1
    async with uow:
        live = await uow.subscriptions.live(cmd.tenant_id)
        used = _used(
            await uow.usage.records(cmd.tenant_id, Period.of(now().date())), cmd.usage_type
        )
        balance = await uow.deposits.balance(cmd.tenant_id)
        tiers = await uow.tiers.list()
    upgrade = cheapest_lifting(tiers, used + amount, lambda t: quota_of(t, cmd.usage_type))
    return decide(live, cmd.usage_type, used, amount, balance, upgrade)
