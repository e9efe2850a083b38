"""Warnings for a tenant's owner: 80% and 100% of the message quota, a deposit that falls short.

Each is worked out where billing learns of it (a usage counter moving, a debit refused) and
stored once per tenant, period and kind, so a redelivered batch or a second replica adds nothing.
"""

import uuid
from decimal import Decimal

from core.shared.paging import Page, PageQuery

from .model import Alert, AlertKind, Period, Tier
from .ports import BillingUnitOfWork, CounterChange

THRESHOLDS = ((80, AlertKind.QUOTA_80), (100, AlertKind.QUOTA_100))


def _text(kind: AlertKind, tier: Tier) -> str:
    quota = tier.message_quota
    if kind is AlertKind.QUOTA_80:
        return f"80% of this period's message quota of {quota} is used ({tier.name} tier)"
    if tier.overage_rate:
        return (
            f"the message quota of {quota} is used up; each further message costs "
            f"{tier.overage_rate} from the deposit"
        )
    return (
        f"the message quota of {quota} is used up and the {tier.name} tier has no overage: "
        "the bot hands conversations to staff until the next period or an upgrade"
    )


def quota_alerts(change: CounterChange, tier: Tier) -> list[Alert]:
    """The thresholds of the message quota this move of the counter crossed."""
    quota = tier.message_quota
    if not quota:
        return []
    return [
        Alert(change.tenant_id, kind, change.period.start, _text(kind, tier))
        for percent, kind in THRESHOLDS
        if change.before * 100 < percent * quota <= change.after * 100
    ]


def deposit_short(tenant_id: uuid.UUID, period: Period, cost: Decimal, balance: Decimal) -> Alert:
    return Alert(
        tenant_id,
        AlertKind.DEPOSIT_SHORT,
        period.start,
        f"the deposit balance {balance} cannot pay {cost} of overage: the bot hands "
        "conversations to staff until the deposit is topped up",
    )


async def list_alerts(tenant_id: uuid.UUID, page: PageQuery, uow: BillingUnitOfWork) -> Page[Alert]:
    async with uow:
        return await uow.alerts.list(tenant_id, page)
