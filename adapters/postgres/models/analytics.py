"""Tables of the analytics service (schema `analytics`): the event log."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, Numeric, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAt, UpdatedAt, UuidPk

SCHEMA = "analytics"


class EventRow(Base):
    """One fact from any service (message received, intent, booking confirmed, order paid...)."""

    __tablename__ = "events"
    __table_args__ = (
        # Chosen by the producer: a re-sent event is stored once (idempotent ingest). Per
        # tenant, so one tenant's ids never refuse or reveal another's.
        UniqueConstraint("tenant_id", "event_id", name="uq_events_tenant_id_event_id"),
        Index("ix_events_tenant_id_occurred_at", "tenant_id", "occurred_at"),
        Index(
            "ix_events_tenant_id_event_type_occurred_at", "tenant_id", "event_type", "occurred_at"
        ),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    event_id: Mapped[str] = mapped_column(String(128))
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    # tenant.outlets.id / conversation.conversations.id (other services), when relevant.
    outlet_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    event_type: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(32), server_default="")
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    properties: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    # The measure the dashboards sum or average (revenue, latency ms, ...), when there is one.
    value: Mapped[Decimal | None] = mapped_column(Numeric)
    # Money attached to the event (order paid, booking confirmed), when there is some.
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


# The outlet key of a tenant-level rollup: a primary key column cannot hold NULL.
NO_OUTLET = uuid.UUID(int=0)


class EventRollupRow(Base):
    """Hourly sums of the additive figures, kept on ingest so dashboards skip the raw log."""

    __tablename__ = "event_rollups"
    __table_args__ = ({"schema": SCHEMA},)

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    bucket_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    outlet_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    # The intent of a routed message, the question left unanswered, else "".
    dimension: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)
    value_sum: Mapped[Decimal] = mapped_column(Numeric)
    amount_sum: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    confidence_sum: Mapped[Decimal] = mapped_column(Numeric)
