"""Conversations, their messages, human handoff and WhatsApp's 24-hour service window."""

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from core.shared.errors import FailedPrecondition, InvalidInput
from core.shared.validation import optional_text, required_text, valid_phone

# After the customer's last message a business may send free-form messages for 24 hours;
# after that only approved templates (WhatsApp Business Platform policy).
SERVICE_WINDOW = timedelta(hours=24)

_DIGITS = re.compile(r"^\d+$")


class ConversationStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"  # closed and hidden from default lists


class SenderType(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


class MessageType(StrEnum):
    TEXT = "text"
    INTERACTIVE = "interactive"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"
    LOCATION = "location"
    TEMPLATE = "template"
    OTHER = "other"


def utcnow() -> datetime:
    return datetime.now(UTC)


def customer_phone(value: str, field_name: str = "customer_phone") -> str:
    """E.164; WhatsApp's digits-only wa_id gets its "+", so both name one customer."""
    value = required_text(value, field_name, 32)
    return valid_phone(f"+{value}" if _DIGITS.match(value) else value, field_name)


def _later(current: datetime | None, candidate: datetime) -> datetime:
    # Webhooks arrive out of order; a late old message must not move the clock back.
    return candidate if current is None or candidate > current else current


@dataclass(frozen=True, slots=True)
class Message:
    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    sender_type: SenderType
    timestamp: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    sender_id: str = ""
    message_type: MessageType = MessageType.TEXT
    content: str = ""
    whatsapp_message_id: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    language: str = ""  # of the content (en, es, id), when the writer knew it
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    customer_phone: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    customer_name: str = ""
    language: str = ""  # the bot last answered in it; what the business starts speaks it
    status: ConversationStatus = ConversationStatus.OPEN
    handoff_requested: bool = False
    handoff_agent_id: uuid.UUID | None = None
    handoff_reason: str = ""
    handoff_at: datetime | None = None
    last_message_at: datetime | None = None
    last_customer_message_at: datetime | None = None
    message_count: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    closed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status is ConversationStatus.OPEN

    @property
    def window_expires_at(self) -> datetime | None:
        if self.last_customer_message_at is None:
            return None
        return self.last_customer_message_at + SERVICE_WINDOW

    def window_open(self, now: datetime) -> bool:
        """Whether free-form messages may be sent to the customer at `now`."""
        expires = self.window_expires_at
        return expires is not None and now < expires

    def _require_open(self) -> None:
        if not self.is_open:
            raise FailedPrecondition(f"conversation {self.id} is {self.status.value}")

    def recording(self, message: Message) -> "Conversation":
        """The conversation once `message` has landed in it."""
        self._require_open()
        customer_at = self.last_customer_message_at
        if message.sender_type is SenderType.CUSTOMER:
            customer_at = _later(customer_at, message.timestamp)
        spoken = message.sender_type is SenderType.BOT and message.language
        return replace(
            self,
            language=message.language if spoken else self.language,
            last_message_at=_later(self.last_message_at, message.timestamp),
            last_customer_message_at=customer_at,
            message_count=self.message_count + 1,
        )

    def handed_off(self, reason: str, now: datetime) -> "Conversation":
        """A human is asked for; asking again only refreshes the reason."""
        self._require_open()
        if self.handoff_requested:
            return replace(self, handoff_reason=reason or self.handoff_reason)
        return replace(self, handoff_requested=True, handoff_reason=reason, handoff_at=now)

    def assigned(self, agent_id: uuid.UUID) -> "Conversation":
        self._require_open()
        if not self.handoff_requested:
            raise FailedPrecondition(f"conversation {self.id} has no active handoff")
        return replace(self, handoff_agent_id=agent_id)

    def released(self) -> "Conversation":
        """The bot answers again."""
        return replace(
            self, handoff_requested=False, handoff_agent_id=None, handoff_reason="", handoff_at=None
        )

    def closed(self, archive: bool, now: datetime) -> "Conversation":
        """Closed (or archived); an archived conversation stays archived."""
        if self.status is ConversationStatus.ARCHIVED:
            return self
        status = ConversationStatus.ARCHIVED if archive else ConversationStatus.CLOSED
        return replace(self.released(), status=status, closed_at=self.closed_at or now)


def _metadata(value: Any, field_name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(field_name, "must be an object")
    return dict(value)


# What UpdateConversation may change, and the rule each value must pass.
CONVERSATION_FIELDS = {
    "customer_name": optional_text(200),
    "metadata": _metadata,
}
MESSAGE_FIELDS = {
    "sender_id": optional_text(128),
    "language": optional_text(16),
    "whatsapp_message_id": optional_text(128),
    "metadata": _metadata,
}
