"""Tables of the orchestrator (schema `orchestrator`): dialogue state when Redis is absent."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAt, TenantId, UpdatedAt

SCHEMA = "orchestrator"


class DialogueStateRow(Base):
    __tablename__ = "dialogue_states"
    __table_args__ = ({"schema": SCHEMA},)

    # conversation.conversations.id (another service): one state per conversation.
    conversation_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    tenant_id: Mapped[TenantId]
    state: Mapped[dict[str, Any]] = mapped_column(JSONB)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
