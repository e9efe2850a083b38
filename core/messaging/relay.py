"""The relay of usage to billing (core.shared.outbox_relay): billing counts a (tenant, key)
once, so usage is neither lost nor doubled."""

from collections.abc import Callable

from core.shared.backoff import Backoff
from core.shared.outbox_relay import OutboxRelay

from .ports import MessagingUnitOfWork, UsageReporter

# Whom the relay's work is done by: its batches mix tenants.
RELAY = "usage-relay"


class UsageRelay(OutboxRelay):
    """Sends pending usage to billing, `batch` rows a pass, and forgets what billing took."""

    def __init__(
        self,
        uow: Callable[[], MessagingUnitOfWork],
        billing: UsageReporter,
        batch: int = 1_000,
        poll_seconds: float = 1.0,
        backoff: Backoff | None = None,
    ) -> None:
        super().__init__(
            RELAY, uow, lambda unit: unit.usage, billing.report, batch, poll_seconds, backoff
        )
