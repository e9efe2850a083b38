"""The payment sweeper: cancels orders left unpaid too long and gives their stock back."""

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from core.shared.errors import FailedPrecondition
from core.shared.periodic import RunAlone, alone, every
from core.shared.scope import across_tenants, acting_for

from .order_handlers import cancel_order, expired_orders
from .ports import Clock, Notifier, OrderUnitOfWork

log = logging.getLogger(__name__)

BATCH = 100
CALLER = "payment-sweeper"
# Every order replica runs a sweeper; passes hold this key, so one runs at a time.
ALONE = "orders.payment-sweeper"


class PaymentSweeper:
    """Each pass cancels what is overdue. With `alone`, a replica whose pass finds another's
    running skips it, so a pass runs once, not once per replica; even without it, the order's
    row lock and its state decide who cancels, and a second sweeper sees it cancelled."""

    def __init__(
        self,
        unit_of_work: Callable[[], OrderUnitOfWork],
        notifier: Notifier | None,
        clock: Clock,
        timeout: timedelta,
        poll_seconds: float,
        *,
        alone: RunAlone | None = None,
    ) -> None:
        self._uow = unit_of_work
        self._notifier = notifier
        self._now = clock
        self._timeout = timeout
        self._poll = poll_seconds
        self._alone = alone

    async def sweep(self) -> int:
        """One pass (none while another replica's runs); the number of orders cancelled."""
        return await alone(self._alone, ALONE, CALLER, self._sweep)

    async def _sweep(self) -> int:
        cancelled = 0
        with across_tenants(CALLER):  # overdue orders of every tenant
            overdue = await expired_orders(self._uow(), self._now(), self._timeout, BATCH)
        for ref in overdue:
            try:
                with acting_for(ref.tenant_id, CALLER):  # and each cancelled for its own tenant
                    await cancel_order(ref, self._uow(), self._notifier, self._now)
            except FailedPrecondition:
                continue  # paid or cancelled since we looked
            cancelled += 1
        if cancelled:
            log.info("cancelled %d unpaid orders", cancelled)
        return cancelled

    async def run(self, stopping: asyncio.Event) -> None:
        """Sweep every poll interval until `stopping` is set."""
        await every(self._poll, stopping, self.sweep, "payment sweep")
