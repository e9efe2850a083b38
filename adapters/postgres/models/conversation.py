"""Tables of the conversation service (schema `conversation`): conversations, messages."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from .base import (
    Base,
    CreatedAt,
    PendingFacts,
    TenantId,
    UpdatedAt,
    UuidPk,
    one_of,
    same_tenant,
    tenant_key,
)

SCHEMA = "conversation"

# "archived": closed and hidden from default lists (crm.conversation.v1.ConversationStatus).
CONVERSATION_STATUSES: tuple[str, ...] = ("open", "closed", "archived")
SENDER_TYPES: tuple[str, ...] = ("customer", "bot", "agent", "system")
MESSAGE_TYPES: tuple[str, ...] = (
    "text",
    "interactive",
    "image",
    "audio",
    "video",
    "document",
    "location",
    "template",
    "other",
)


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        tenant_key("conversations"),
        one_of("status", CONVERSATION_STATUSES),
        # At most one open conversation per (tenant, outlet, customer phone): find-or-create
        # target. The tenant is in it so another tenant's conversations never collide.
        Index(
            "uq_conversations_tenant_id_outlet_id_customer_phone_open",
            "tenant_id",
            "outlet_id",
            "customer_phone",
            unique=True,
            postgresql_where=text("status = 'open'"),
        ),
        CheckConstraint("message_count >= 0", name="message_count_non_negative"),
        Index("ix_conversations_tenant_id_last_message_at", "tenant_id", "last_message_at"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    # tenant.outlets.id (another service): a plain UUID, checked with the tenant service.
    outlet_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    customer_phone: Mapped[str] = mapped_column(String(32))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    # The language the bot last answered in: what the business starts later speaks it.
    language: Mapped[str] = mapped_column(String(16), server_default="")
    status: Mapped[str] = mapped_column(String(20), server_default=CONVERSATION_STATUSES[0])
    handoff_requested: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # tenant.users.id (another service).
    handoff_agent_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    handoff_reason: Mapped[str | None] = mapped_column(Text)
    handoff_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_message_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last inbound message: WhatsApp's 24-hour customer service window runs from it.
    last_customer_message_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    message_count: Mapped[int] = mapped_column(Integer, server_default="0")
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB, server_default="{}")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class MessageRow(Base):
    __tablename__ = "messages"
    __table_args__ = (
        same_tenant("messages", "conversation_id", f"{SCHEMA}.conversations", "CASCADE"),
        one_of("sender_type", SENDER_TYPES),
        one_of("message_type", MESSAGE_TYPES),
        # Idempotent append: a WhatsApp message is stored once per tenant; bot/system messages
        # have none. Per tenant, so whether another tenant holds an id is never observable.
        Index(
            "uq_messages_tenant_id_whatsapp_message_id",
            "tenant_id",
            "whatsapp_message_id",
            unique=True,
            postgresql_where=text("whatsapp_message_id IS NOT NULL"),
        ),
        Index("ix_messages_conversation_id_timestamp", "conversation_id", "timestamp"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    sender_type: Mapped[str] = mapped_column(String(20))
    sender_id: Mapped[str | None] = mapped_column(String(128))
    message_type: Mapped[str] = mapped_column(String(20), server_default=MESSAGE_TYPES[0])
    content: Mapped[str] = mapped_column(Text, server_default="")
    language: Mapped[str] = mapped_column(String(16), server_default="")  # en, es, id; "" unknown
    whatsapp_message_id: Mapped[str | None] = mapped_column(String(128))
    timestamp: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # `metadata` is reserved on declarative classes: the attribute differs, the column doesn't.
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONB, server_default="{}")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class PendingFactRow(PendingFacts, Base):
    """Facts for analytics not yet relayed (core.shared.facts)."""

    schema = SCHEMA
