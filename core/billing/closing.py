"""Statements: computed live while a period is open, stored once it is closed.

Every billing replica runs a PeriodCloser. A tenant's statement is inserted once: the unique
(tenant, period start) lets the first insert win and makes every other one a no-op, so a period
closes once however many replicas (or operators) close it at the same moment.
"""

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from core.shared import scope
from core.shared.errors import FailedPrecondition
from core.shared.paging import Page, PageQuery
from core.shared.periodic import every

from . import commands as c
from .model import Period, UsageType
from .ports import BillingUnitOfWork, Clock
from .statement import Statement, statement_of

log = logging.getLogger(__name__)

CALLER = "billing-period-close"
# A period's last messages may still sit in a meter's buffer (or be retrying) when it ends.
GRACE = timedelta(hours=1)


async def _computed(uow: BillingUnitOfWork, tenant_id: uuid.UUID, period: Period) -> Statement:
    held = await uow.subscriptions.held_in(tenant_id, period)
    records = await uow.usage.records(tenant_id, period)
    used = await uow.deposits.debited_in(tenant_id, period)
    messages = next((r.count for r in records if r.usage_type is UsageType.MESSAGES_IN), 0)
    return statement_of(tenant_id, period, held, messages, used)


async def statement(query: c.PeriodQuery, uow: BillingUnitOfWork, now: Clock) -> Statement:
    """The stored statement of a closed period; otherwise computed now (closed_at None)."""
    period = Period.of(query.day or now().date())
    async with uow:
        stored = await uow.statements.get(query.tenant_id, period)
        return stored or await _computed(uow, query.tenant_id, period)


async def list_statements(
    tenant_id: uuid.UUID, page: PageQuery, uow: BillingUnitOfWork
) -> Page[Statement]:
    async with uow:
        return await uow.statements.list(tenant_id, page)


def previous_period(today: date) -> Period:
    return Period.of(Period.of(today).start - timedelta(days=1))


async def _close_tenant(
    tenant_id: uuid.UUID, period: Period, uow: BillingUnitOfWork, now: Clock
) -> bool:
    """Store the tenant's statement unless it has one; each tenant in its own transaction."""
    with scope.acting_for(tenant_id, CALLER):
        async with uow:
            computed = await _computed(uow, tenant_id, period)
            stored = await uow.statements.add(replace(computed, id=uuid.uuid4(), closed_at=now()))
            await uow.commit()
    return stored


async def close_period(day: date | None, uow: BillingUnitOfWork, now: Clock) -> tuple[Period, int]:
    """Close the period containing `day` (None: the previous one) for every tenant that had a
    subscription or usage in it; (the period, statements stored now)."""
    today = now().date()
    period = Period.of(day) if day else previous_period(today)
    if period.end >= today:
        raise FailedPrecondition(
            f"the period {period.start} to {period.end} has not ended;"
            f" it can be closed from {period.end + timedelta(days=1)}"
        )
    with scope.across_tenants(CALLER):
        async with uow:
            tenants = await uow.statements.unclosed(period)
    closed = sum([await _close_tenant(tenant_id, period, uow, now) for tenant_id in tenants])
    if closed:
        log.info("closed the period from %s: %d statements", period.start, closed)
    return period, closed


class PeriodCloser:
    """Closes the previous period once it has ended (and GRACE has passed); later passes of
    the month find every tenant closed and store nothing."""

    def __init__(
        self,
        unit_of_work: Callable[[], BillingUnitOfWork],
        clock: Clock,
        poll_seconds: float = 300.0,
        grace: timedelta = GRACE,
    ) -> None:
        self._uow = unit_of_work
        self._now = clock
        self._poll = poll_seconds
        self._grace = grace

    async def close_due(self) -> int:
        """One pass; the number of statements stored."""
        due = previous_period((self._now() - self._grace).date())
        return (await close_period(due.start, self._uow(), self._now))[1]

    async def run(self, stopping: asyncio.Event) -> None:
        """A pass every poll interval until `stopping` is set."""
        await every(self._poll, stopping, self.close_due, "period close")
