"""Facts for analytics, stored with the change they record.

A booking confirmed or an order paid is told to analytics by a row written in the transaction
that confirmed or paid it (a transactional outbox), relayed afterwards (core.shared.
outbox_relay): a change rolled back tells nothing, a change committed is told even if the
process dies next, and analytics counts a fact's id once across retries and replicas.
"""

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any, Protocol

from .outbox_relay import OutboxRelay

# Facts a relay sends a call: the most IngestEvents takes.
RELAY_BATCH = 500


@dataclass(frozen=True, slots=True)
class Fact:
    tenant_id: uuid.UUID
    name: str  # an analytics event type, e.g. "order.paid" (core.analytics.model)
    outlet_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None  # the chat that produced it, when one did
    properties: Mapping[str, Any] = field(default_factory=dict)
    amount: Decimal | None = None  # in the business's currency
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime | None = None  # the store's clock when written


class FactOutbox(Protocol):
    async def add(self, facts: Sequence[Fact]) -> None:
        """Kept in the unit of work's transaction: committed with the change, or not at all."""
        ...

    async def claim(self, limit: int) -> list[Fact]: ...

    async def remove(self, ids: Sequence[uuid.UUID]) -> None: ...


class FactSink(Protocol):
    async def send(self, facts: list[Fact]) -> None:
        """Delivered, or Unavailable raised (the relay keeps them and tries again)."""
        ...


def relay_of(name: str, uow: Callable[[], Any], sink: FactSink) -> OutboxRelay[Fact]:
    """The relay of a unit of work's `facts` outbox to `sink`."""
    return OutboxRelay(name, uow, attrgetter("facts"), sink.send, batch=RELAY_BATCH)
