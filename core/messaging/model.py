"""What arrives from and goes out to WhatsApp, independent of the wire format."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class InboundType(StrEnum):
    TEXT = "text"
    BUTTON_REPLY = "button_reply"  # interactive reply button tapped
    LIST_REPLY = "list_reply"  # interactive list row chosen
    BUTTON = "button"  # quick-reply button of a template
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"
    STICKER = "sticker"
    LOCATION = "location"
    CONTACTS = "contacts"
    REACTION = "reaction"
    ORDER = "order"
    UNSUPPORTED = "unsupported"
    EDIT = "edit"  # the customer edited an earlier message (WhatsApp Business app numbers)
    REVOKE = "revoke"  # the customer deleted an earlier message for everyone


# Types whose meaning the bot can read as text; the others get a polite reply.
ACTIONABLE = frozenset(
    {InboundType.TEXT, InboundType.BUTTON_REPLY, InboundType.LIST_REPLY, InboundType.BUTTON}
)


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One customer message from a webhook, as the business number received it."""

    whatsapp_message_id: str
    phone_number_id: str  # the business number (outlet) it was sent to
    customer_phone: str  # wa_id, digits only as WhatsApp sends it
    type: InboundType
    sent_at: datetime
    customer_name: str = ""
    text: str = ""  # text body, caption, or the title of the chosen button/row
    reply_id: str = ""  # id of the chosen button or list row
    context_message_id: str = ""  # the message this one replies to, if any
    payload: dict[str, Any] = field(default_factory=dict)  # the message object as received

    @property
    def actionable(self) -> bool:
        return self.type in ACTIONABLE and bool(self.text or self.reply_id)


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    PLAYED = "played"
    FAILED = "failed"


# Later states never go back to earlier ones, whatever order the webhooks arrive in.
DELIVERY_RANK = {
    DeliveryStatus.QUEUED: 0,
    DeliveryStatus.SENT: 1,
    DeliveryStatus.DELIVERED: 2,
    DeliveryStatus.READ: 3,
    DeliveryStatus.PLAYED: 4,
    DeliveryStatus.FAILED: 5,
}


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A delivery status of a message we sent."""

    whatsapp_message_id: str
    phone_number_id: str
    recipient_phone: str
    status: DeliveryStatus
    at: datetime
    errors: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RejectedMessage:
    """A message of a batch that breaks the contract; kept with the reason, never worked.

    `key` is the message's own id when that is usable, else a digest of what arrived, so a
    redelivered batch stores the rejection once."""

    key: str
    phone_number_id: str
    customer_phone: str
    reason: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class TemplateReview:
    """Meta's word on a template of a business account (message_template_status_update):
    approved, rejected, paused, disabled... as the registry names it."""

    business_account_id: str
    name: str
    language: str
    status: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class WebhookBatch:
    """Everything one webhook delivery carried (up to 1,000 updates)."""

    messages: list[InboundMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    rejected: list[RejectedMessage] = field(default_factory=list)
    reviews: list[TemplateReview] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReplyOption:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class OutboundContent:
    """A reply as the bot means it; the Cloud API adapter fits it to WhatsApp's limits."""

    text: str
    options: tuple[ReplyOption, ...] = ()
    list_button: str = "Choose"  # label of the button that opens a list
    reply_to: str = ""  # whatsapp_message_id this replies to


@dataclass(frozen=True, slots=True)
class WindowState:
    """Whether the customer wrote within 24 hours, so the business may write freely, and the
    language the bot last spoke with them in (empty when unknown)."""

    open: bool
    language: str = ""


@dataclass(frozen=True, slots=True)
class SendResult:
    whatsapp_message_id: str


class SendFailure(Exception):
    """The Cloud API refused a send. `retryable` says whether trying later may succeed."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        code: int | None = None,
        retry_after: float | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code
        self.retry_after = retry_after
        self.details = details or {}


# -- what one Cloud API send carries, after fitting a reply to WhatsApp's limits ----------


@dataclass(frozen=True, slots=True)
class TextPiece:
    body: str  # at most 4,096 characters


@dataclass(frozen=True, slots=True)
class ButtonsPiece:
    body: str  # at most 1,024 characters
    buttons: tuple[ReplyOption, ...]  # 1-3, titles at most 20 characters


@dataclass(frozen=True, slots=True)
class ListPiece:
    body: str  # at most 4,096 characters
    button: str  # at most 20 characters
    rows: tuple[ReplyOption, ...]  # 1-10, titles at most 24, descriptions at most 72


@dataclass(frozen=True, slots=True)
class TemplatePiece:
    """An approved template, filled: what a business may start outside the 24-hour window."""

    name: str
    language: str
    category: str  # marketing, utility, authentication: what Meta prices it as
    parameters: tuple[str, ...]  # the body's {{1}}, {{2}}, ... in order
    button_payloads: tuple[str, ...]  # returned when the customer taps a quick reply
    text: str  # the body as the customer reads it, for the record


Piece = TextPiece | ButtonsPiece | ListPiece | TemplatePiece
