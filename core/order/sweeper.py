"""The payment sweeper: cancels orders left unpaid too long and gives their stock back."""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from core.shared.errors import FailedPrecondition
from core.shared.scope import across_tenants, acting_for

from .order_handlers import cancel_order, expired_orders
from .ports import Clock, Notifier, OrderUnitOfWork

log = logging.getLogger(__name__)

BATCH = 100
CALLER = "payment-sweeper"


class PaymentSweeper:
    """Each pass cancels what is overdue; several replicas may sweep at once (the order's
    row lock and its state decide who cancels, the others see it cancelled and move on)."""

    def __init__(
        self,
        unit_of_work: Callable[[], OrderUnitOfWork],
        notifier: Notifier | None,
        clock: Clock,
        timeout: timedelta,
        poll_seconds: float,
    ) -> None:
        self._uow = unit_of_work
        self._notifier = notifier
        self._now = clock
        self._timeout = timeout
        self._poll = poll_seconds

    async def sweep(self) -> int:
        """One pass; the number of orders cancelled."""
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
        while not stopping.is_set():
            try:
                await self.sweep()
            except Exception:  # a database hiccup must not end the sweeper; next pass retries
                log.warning("payment sweep failed; trying again next pass", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), self._poll)
