"""Tables of the booking service (schema `booking`): resources, bookings, opening hours,
closed dates."""

import uuid
from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import UUID, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import (
    Base,
    CreatedAt,
    Money,
    PendingFacts,
    TenantId,
    UpdatedAt,
    UuidPk,
    one_of,
    same_tenant,
    tenant_key,
)

SCHEMA = "booking"

RESOURCE_TYPES: tuple[str, ...] = ("table", "court", "room", "other")
RESOURCE_STATUSES: tuple[str, ...] = ("active", "inactive", "maintenance")
BOOKING_STATUSES: tuple[str, ...] = ("pending", "confirmed", "cancelled", "completed", "no_show")
# Bookings that hold their slot: only these take part in the no-overlap rule.
ACTIVE_BOOKING_STATUSES: tuple[str, ...] = ("pending", "confirmed")

# The slot a booking occupies, half-open [start, end): back-to-back bookings do not overlap.
BOOKING_SLOT_SQL = "tsrange(booking_date + start_time, booking_date + end_time)"
_ACTIVE_SQL = "status IN ({})".format(", ".join(f"'{s}'" for s in ACTIVE_BOOKING_STATUSES))


class ResourceRow(Base):
    __tablename__ = "resources"
    __table_args__ = (
        tenant_key("resources"),
        one_of("type", RESOURCE_TYPES),
        one_of("status", RESOURCE_STATUSES),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("hourly_rate >= 0", name="hourly_rate_non_negative"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    # tenant.outlets.id (another service).
    outlet_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))
    capacity: Mapped[int] = mapped_column(Integer, server_default="1")
    hourly_rate: Mapped[Money] = mapped_column(server_default="0")
    status: Mapped[str] = mapped_column(String(20), server_default=RESOURCE_STATUSES[0])
    description: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class BookingRow(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        same_tenant("bookings", "resource_id", f"{SCHEMA}.resources", "RESTRICT"),
        one_of("status", BOOKING_STATUSES),
        CheckConstraint("end_time > start_time", name="end_after_start"),
        CheckConstraint("party_size > 0", name="party_size_positive"),
        CheckConstraint("total_price >= 0", name="total_price_non_negative"),
        UniqueConstraint(
            "tenant_id", "booking_number", name="uq_bookings_tenant_id_booking_number"
        ),
        # No double booking: two active bookings of one resource never overlap in time.
        ExcludeConstraint(
            ("resource_id", "="),
            (text(BOOKING_SLOT_SQL), "&&"),
            name="ex_bookings_resource_id_no_overlap",
            using="gist",
            where=text(_ACTIVE_SQL),
        ),
        Index("ix_bookings_resource_id_booking_date", "resource_id", "booking_date"),
        Index("ix_bookings_outlet_id_booking_date", "outlet_id", "booking_date"),
        # The reminder sweeper's scan: confirmed bookings not yet reminded, by date.
        Index(
            "ix_bookings_awaiting_reminder",
            "booking_date",
            postgresql_where=text("status = 'confirmed' AND reminded_at IS NULL"),
        ),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    # tenant.outlets.id (another service).
    outlet_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    resource_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    # conversation.conversations.id (another service).
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    customer_phone: Mapped[str] = mapped_column(String(32))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    party_size: Mapped[int] = mapped_column(Integer, server_default="1")
    booking_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)
    # A booking ending at midnight ends at time.max, so the range stays inside its date.
    end_time: Mapped[time] = mapped_column(Time)
    status: Mapped[str] = mapped_column(String(20), server_default=BOOKING_STATUSES[0])
    total_price: Mapped[Money] = mapped_column(server_default="0")
    # Human-facing reference ("#123"); set by the service, unique per tenant.
    booking_number: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    cancel_reason: Mapped[str] = mapped_column(Text, server_default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the customer was reminded on WhatsApp (core.booking.reminders); NULL until then.
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class OpeningHoursRow(Base):
    __tablename__ = "opening_hours"
    __table_args__ = (
        # Several periods a day (split shifts); a period is known by its day and opening. The
        # tenant is part of the key: another tenant's rows never collide with this tenant's.
        UniqueConstraint(
            "tenant_id",
            "outlet_id",
            "weekday",
            "opens_at",
            name="uq_opening_hours_tenant_id_outlet_id_weekday_opens_at",
        ),
        # 0 = Monday ... 6 = Sunday, as date.weekday() (the proto's Weekday counts 1-7).
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opens"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    # tenant.outlets.id (another service); queried through the unique (tenant_id, outlet_id, ...).
    outlet_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    opens_at: Mapped[time] = mapped_column(Time)
    # Midnight closing ("24:00") is stored as time.max, the last instant of the day.
    closes_at: Mapped[time] = mapped_column(Time)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class ClosedDateRow(Base):
    """A date an outlet is closed all day (a holiday), whatever its weekly hours say."""

    __tablename__ = "closed_dates"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id",
            "outlet_id",
            "closed_on",
            name="uq_closed_dates_tenant_id_outlet_id_closed_on",
        ),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    # tenant.outlets.id (another service).
    outlet_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    closed_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[CreatedAt]


class PendingFactRow(PendingFacts, Base):
    """Facts for analytics not yet relayed (core.shared.facts)."""

    schema = SCHEMA
