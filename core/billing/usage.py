"""Use cases of metered usage: record (idempotent, batched), read, check quotas and limits."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from core.shared.errors import FailedPrecondition, InvalidInput

from . import commands as c
from .alerts import deposit_short, quota_alerts
from .limits import decide_limit
from .model import (
    Alert,
    LedgerEntry,
    LedgerKind,
    Period,
    Tier,
    UsageEvent,
    UsageRecord,
    UsageType,
)
from .plans import cheapest_lifting
from .ports import BillingUnitOfWork, Clock, CounterChange
from .quota import QuotaDecision, decide, overage_charge, quota_of

log = logging.getLogger(__name__)


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


async def _charge_overage(
    uow: BillingUnitOfWork, change: CounterChange, tier: Tier
) -> Alert | None:
    """Debit the deposit for messages past the quota; what it cannot cover stays due, and the
    owner is told."""
    cost = overage_charge(change.before, change.after, tier.message_quota, tier.overage_rate)
    if cost <= 0:
        return None
    key = f"overage:{change.tenant_id}:{change.period.start}:{change.after}"
    entry = LedgerEntry(change.tenant_id, LedgerKind.OVERAGE, -cost, change.period.start, key)
    if await uow.deposits.debit(entry):
        return None
    balance = await uow.deposits.balance(change.tenant_id)
    return deposit_short(change.tenant_id, change.period, cost, balance)


async def _messages_counted(uow: BillingUnitOfWork, change: CounterChange) -> list[Alert]:
    """Charge what the move of the message counter costs; the alerts it gives rise to."""
    live = await uow.subscriptions.live(change.tenant_id)
    if live is None:
        return []
    short = await _charge_overage(uow, change, live.tier)
    return [*quota_alerts(change, live.tier), *([short] if short else [])]


async def record_usage(events: Sequence[UsageEvent], uow: BillingUnitOfWork) -> Recorded:
    """Count each event once, in one transaction; overage is debited as it accrues, and each
    alert is stored once per tenant, period and kind, then logged."""
    events = [_checked(event) for event in events]
    raised: list[Alert] = []
    async with uow:
        changes, duplicates = await uow.usage.record(events)
        for change in changes:
            if change.usage_type is UsageType.MESSAGES_IN:
                for alert in await _messages_counted(uow, change):
                    if await uow.alerts.add(alert):
                        raised.append(alert)
        await uow.commit()
    for alert in raised:
        log.warning("billing alert for tenant %s: %s", alert.tenant_id, alert.message)
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


async def check_limit(cmd: c.CheckLimit, uow: BillingUnitOfWork) -> QuotaDecision:
    """May the tenant hold `needed` of a plan limit? The asking service counted its rows."""
    if cmd.needed <= 0:
        raise InvalidInput("needed", "must be positive: what the tenant would hold afterwards")
    async with uow:
        live = await uow.subscriptions.live(cmd.tenant_id)
        offered = await uow.tiers.list()
    if live is None:
        raise FailedPrecondition(
            f"tenant {cmd.tenant_id} has no active subscription, whose tier sets its limits;"
            " start one first"
        )
    return decide_limit(live.tier, offered, cmd.limit, cmd.needed)
