"""Tables of the messaging service (schema `messaging`): WhatsApp inbox and outbox, and the
usage waiting for billing."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from core.messaging.model import DeliveryStatus, InboundType
from core.messaging.templates import TemplateCategory, TemplateStatus
from core.messaging.usage import USAGE_TYPES

from .base import Base, CreatedAt, UpdatedAt, UuidPk, one_of, same_tenant, tenant_key

SCHEMA = "messaging"

INBOX_STATUSES: tuple[str, ...] = ("pending", "processing", "done", "failed", "dead", "rejected")
INBOUND_MESSAGE_TYPES: tuple[str, ...] = tuple(t.value for t in InboundType)
OUTBOX_STATUSES: tuple[str, ...] = tuple(s.value for s in DeliveryStatus)


class InboxItemRow(Base):
    """An inbound WhatsApp message, stored once (redeliveries change nothing) and then worked."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        same_tenant(
            "inbox_items", "reply_outbound_message_id", f"{SCHEMA}.outbox_messages", "SET NULL"
        ),
        one_of("status", INBOX_STATUSES),
        one_of("message_type", INBOUND_MESSAGE_TYPES),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        # The worker's queue: due items by status and time.
        Index("ix_inbox_items_status_next_attempt_at", "status", "next_attempt_at"),
        # In arrival order per conversation.
        Index("ix_inbox_items_conversation_key_arrival_seq", "conversation_key", "arrival_seq"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    # Arrival order; a webhook's batch shares one received_at, so time alone can't order it.
    arrival_seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    # Resolved from phone_number_id by the worker; NULL until then.
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    outlet_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # Unique across tenants: Meta's wamids are platform-wide, and a redelivery is recognised
    # here before its tenant is known.
    whatsapp_message_id: Mapped[str] = mapped_column(String(128), unique=True)
    phone_number_id: Mapped[str] = mapped_column(String(64))
    customer_phone: Mapped[str] = mapped_column(String(32))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    message_type: Mapped[str] = mapped_column(String(20), server_default=INBOUND_MESSAGE_TYPES[0])
    # The text, or the title of the button / list row chosen.
    body: Mapped[str] = mapped_column("text", Text, server_default="")
    interactive_reply_id: Mapped[str | None] = mapped_column(String(200))
    # The wamid this message replies to (WhatsApp "context").
    context_message_id: Mapped[str | None] = mapped_column(String(128))
    # The WhatsApp timestamp of the message.
    message_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # phone_number_id + customer phone: items with one key are handled one at a time, in order.
    conversation_key: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(20), server_default=INBOX_STATUSES[0])
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reply_outbound_message_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # The customer's reaction to this message (an emoji); NULL when none or taken back.
    reaction: Mapped[str | None] = mapped_column(String(32))
    # The text as first sent, kept when the customer edited it; and when they edited or deleted it.
    original_text: Mapped[str | None] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class OutboxMessageRow(Base):
    """A reply to send through the Cloud API, retried on 429/5xx, then tracked by status."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        tenant_key("outbox_messages"),
        one_of("status", OUTBOX_STATUSES),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        # Delivery-status webhooks find the message by its WhatsApp id.
        Index(
            "uq_outbox_messages_whatsapp_message_id",
            "whatsapp_message_id",
            unique=True,
            postgresql_where=text("whatsapp_message_id IS NOT NULL"),
        ),
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
        # A retried SendMessage is queued once; keys are the tenant's own (NULLs never collide).
        UniqueConstraint(
            "tenant_id", "idempotency_key", name="uq_outbox_messages_tenant_id_idempotency_key"
        ),
        # In order per recipient: a long reply's pieces go out one after another.
        Index(
            "ix_outbox_messages_phone_number_id_to_phone_seq", "phone_number_id", "to_phone", "seq"
        ),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    outlet_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    # conversation.conversations.id (another service), when the reply belongs to one.
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # The phone_number_id to send from (the outlet's number).
    phone_number_id: Mapped[str] = mapped_column(String(64))
    to_phone: Mapped[str] = mapped_column(String(32))
    # The inbound wamid this replies to, if any.
    reply_to_message_id: Mapped[str | None] = mapped_column(String(128))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Set once the Cloud API accepted the message.
    whatsapp_message_id: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(20), server_default=OUTBOX_STATUSES[0])
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The customer's reaction to this message (an emoji); NULL when none or taken back.
    reaction: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class UsagePendingRow(Base):
    """A use not yet handed to billing, stored in the transaction of the work that used it and
    deleted by the relay once billing took it (the transactional outbox of usage)."""

    __tablename__ = "usage_pending"
    __table_args__ = (
        one_of("usage_type", USAGE_TYPES),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        # A message worked twice stores its usage once.
        UniqueConstraint(
            "tenant_id",
            "usage_type",
            "idempotency_key",
            name="uq_usage_pending_tenant_id_usage_type_idempotency_key",
        ),
        # The relay sends the oldest first.
        Index("ix_usage_pending_occurred_at", "occurred_at"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    # The unique rule's index (tenant first) serves the row-level security policy.
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    outlet_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    usage_type: Mapped[str] = mapped_column(String(32))
    # What billing deduplicates on within the tenant: the wamid, or `out:<outbox id>`.
    idempotency_key: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, server_default="1")
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class OptOutRow(Base):
    """A customer who wrote STOP to a tenant's number: the business starts nothing with them."""

    __tablename__ = "opt_outs"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id", "customer_phone", name="uq_opt_outs_tenant_id_customer_phone"
        ),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    # The unique rule's index (tenant first) serves the row-level security policy.
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    customer_phone: Mapped[str] = mapped_column(String(32))  # digits, as WhatsApp sends them
    opted_out_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    refused_sends: Mapped[int] = mapped_column(BigInteger, server_default="0")


class MessageTemplateRow(Base):
    """A WhatsApp template of one of the tenant's business accounts, in one language, as the
    Cloud API last reported it: what may be sent outside the customer's 24-hour window."""

    __tablename__ = "message_templates"
    __table_args__ = (
        one_of("category", tuple(c.value for c in TemplateCategory)),
        one_of("status", tuple(s.value for s in TemplateStatus)),
        UniqueConstraint(
            "tenant_id",
            "business_account_id",
            "name",
            "language",
            name="uq_message_templates_tenant_account_name_language",
        ),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    # The unique rule's index (tenant first) serves the row-level security policy.
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    business_account_id: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(64), server_default="")
    name: Mapped[str] = mapped_column(String(512))
    language: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    header: Mapped[str] = mapped_column(String(60), server_default="")
    body: Mapped[str] = mapped_column(Text)
    footer: Mapped[str] = mapped_column(String(60), server_default="")
    quick_replies: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    rejected_reason: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
