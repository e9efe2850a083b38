"""Tables of the knowledge service (schema `knowledge`): knowledge bases, documents."""

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAt, TenantId, UpdatedAt, UuidPk, one_of, same_tenant, tenant_key

SCHEMA = "knowledge"

KNOWLEDGE_BASE_STATUSES: tuple[str, ...] = ("active", "inactive")
PROCESSING_STATUSES: tuple[str, ...] = ("pending", "processing", "ready", "failed")
# Formats the ingest pipeline understands; informative, not a CHECK (new formats need no migration).
DOCUMENT_FILE_TYPES: tuple[str, ...] = ("txt", "md", "html", "pdf", "docx")


class KnowledgeBaseRow(Base):
    __tablename__ = "knowledge_bases"
    __table_args__ = (
        tenant_key("knowledge_bases"),
        one_of("status", KNOWLEDGE_BASE_STATUSES),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    # tenant.outlets.id (another service); NULL = shared by every outlet of the tenant.
    outlet_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[str] = mapped_column(String(20), server_default=KNOWLEDGE_BASE_STATUSES[0])
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (
        same_tenant("documents", "knowledge_base_id", f"{SCHEMA}.knowledge_bases", "CASCADE"),
        one_of("processing_status", PROCESSING_STATUSES),
        CheckConstraint("file_size_bytes >= 0", name="file_size_bytes_non_negative"),
        CheckConstraint("chunk_count >= 0", name="chunk_count_non_negative"),
        # An identical re-upload to the same knowledge base is rejected.
        UniqueConstraint(
            "knowledge_base_id", "sha256", name="uq_documents_knowledge_base_id_sha256"
        ),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    knowledge_base_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        index=True,
    )
    tenant_id: Mapped[TenantId]
    filename: Mapped[str] = mapped_column(String(255))
    file_type: Mapped[str] = mapped_column(String(20))
    content_type: Mapped[str] = mapped_column(String(255), server_default="")
    file_size_bytes: Mapped[int] = mapped_column(BigInteger, server_default="0")
    storage_path: Mapped[str] = mapped_column(Text, server_default="")
    processing_status: Mapped[str] = mapped_column(
        String(20), server_default=PROCESSING_STATUSES[0]
    )
    failure_reason: Mapped[str | None] = mapped_column(Text)
    chunk_count: Mapped[int] = mapped_column(Integer, server_default="0")
    # Hex SHA-256 of the content.
    sha256: Mapped[str] = mapped_column(String(64))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
