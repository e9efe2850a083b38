"""Usage on its way to billing, kept in messaging's own database until billing has it.

The work that uses something (an inbox item completed, a reply sent) stores its usage in the
transaction that records the work, so the two commit or vanish together; the relay
(core/messaging/relay.py) then hands it to billing.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from .model import Piece, TemplatePiece
from .templates import TemplateCategory

# Usage types as billing names them (the messaging context meters, billing prices). A
# template send is its own type per category: Meta prices business-initiated messages so.
MESSAGES_IN, MESSAGES_OUT = "messages_in", "messages_out"
TEMPLATE_USAGE = {category: f"template_{category.value}" for category in TemplateCategory}
USAGE_TYPES: tuple[str, ...] = (MESSAGES_IN, MESSAGES_OUT, *TEMPLATE_USAGE.values())


def usage_of(piece: Piece) -> str:
    """What sending this piece counts as."""
    if isinstance(piece, TemplatePiece):
        return TEMPLATE_USAGE[TemplateCategory(piece.category)]
    return MESSAGES_OUT


@dataclass(frozen=True, slots=True)
class UsageEntry:
    """One use to report; its key is what billing deduplicates on within the tenant."""

    tenant_id: uuid.UUID
    usage_type: str
    idempotency_key: str
    quantity: int = 1
    outlet_id: uuid.UUID | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime | None = None  # the storing transaction's time, once stored
