"""The inbox and outbox as the core sees them: items of work and their states."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .model import DeliveryStatus, InboundMessage, Piece


class ProcessingStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"
    DEAD = "dead"
    REJECTED = "rejected"  # malformed at intake; kept with the reason, never worked


@dataclass(frozen=True, slots=True)
class OutletRef:
    """Who a business number belongs to."""

    tenant_id: uuid.UUID
    outlet_id: uuid.UUID


@dataclass(slots=True)
class InboxItem:
    id: uuid.UUID
    message: InboundMessage
    status: ProcessingStatus
    attempts: int
    tenant_id: uuid.UUID | None = None
    outlet_id: uuid.UUID | None = None
    last_error: str = ""
    next_attempt_at: datetime | None = None
    received_at: datetime | None = None
    processed_at: datetime | None = None
    # What the customer changed since: their reaction, the text before an edit, a deletion.
    reaction: str = ""
    original_text: str = ""
    edited_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def conversation_key(self) -> str:
        return conversation_key(self.message.phone_number_id, self.message.customer_phone)


def conversation_key(phone_number_id: str, customer_phone: str) -> str:
    """Messages with one key are handled one at a time, in arrival order."""
    return f"{phone_number_id}:{customer_phone}"


@dataclass(slots=True)
class OutboxMessage:
    id: uuid.UUID
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    phone_number_id: str
    to_phone: str
    piece: Piece
    status: DeliveryStatus = DeliveryStatus.QUEUED
    conversation_id: uuid.UUID | None = None
    reply_to_message_id: str = ""
    idempotency_key: str = ""
    whatsapp_message_id: str = ""
    attempts: int = 0
    error: dict[str, Any] = field(default_factory=dict)
    next_attempt_at: datetime | None = None
    created_at: datetime | None = None
    reaction: str = ""  # the customer's reaction to it
