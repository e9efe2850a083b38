"""The media customers send (schema `messaging`): bytes downloaded from the Cloud API, or why not."""

import uuid

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAt, UuidPk
from .messaging import SCHEMA


class MediaRow(Base):
    """One photo, document, audio or video of a customer; refused ones keep the reason only."""

    __tablename__ = "media"
    __table_args__ = (
        UniqueConstraint("tenant_id", "media_id", name="uq_media_tenant_id_media_id"),
        CheckConstraint("(content IS NULL) <> (refusal IS NULL)", name="content_or_refusal"),
        # Staff reading an inbox item find its media by the message's wamid.
        Index("ix_media_whatsapp_message_id", "whatsapp_message_id"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    # The unique rule's index (tenant first) serves the row-level security policy.
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    # The Cloud API's media id, as the webhook named it.
    media_id: Mapped[str] = mapped_column(String(128))
    whatsapp_message_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(20))  # image, audio, video, document, sticker
    mime_type: Mapped[str] = mapped_column(String(255), server_default="")
    size_bytes: Mapped[int] = mapped_column(BigInteger, server_default="0")
    sha256: Mapped[str] = mapped_column(String(64), server_default="")
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Why there are no bytes: over the size limit, or gone from the Cloud API.
    refusal: Mapped[str | None] = mapped_column(Text)
    transcript: Mapped[str | None] = mapped_column(Text)  # a voice note, as speech-to-text heard it
    created_at: Mapped[CreatedAt]
