"""The booking and its life cycle; the kinds and states the booking context speaks of."""

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from core.shared.errors import FailedPrecondition


class ResourceType(StrEnum):
    TABLE = "table"
    COURT = "court"
    ROOM = "room"
    OTHER = "other"


class ResourceStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    MAINTENANCE = "maintenance"


class BookingStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"


# Bookings that hold their slot (the database's no-overlap rule covers exactly these).
ACTIVE = frozenset({BookingStatus.PENDING, BookingStatus.CONFIRMED})

# A table is booked for a meal; courts and rooms by the hour.
DEFAULT_MINUTES = {ResourceType.TABLE: 120}
DEFAULT_OTHER_MINUTES = 60


def default_minutes(kind: ResourceType | None) -> int:
    return DEFAULT_MINUTES.get(kind or ResourceType.TABLE, DEFAULT_OTHER_MINUTES)


def utcnow() -> datetime:
    return datetime.now(UTC)


_CHANGEABLE = frozenset({BookingStatus.PENDING, BookingStatus.CONFIRMED})
_CONFIRMED = frozenset({BookingStatus.CONFIRMED})


@dataclass(frozen=True, slots=True)
class Booking:
    """A resource held for [start, end) minutes of one local date."""

    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    resource_id: uuid.UUID
    customer_phone: str
    booking_date: date
    start: int
    end: int
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    conversation_id: uuid.UUID | None = None
    customer_name: str = ""
    party_size: int = 1
    status: BookingStatus = BookingStatus.PENDING
    total_price: Decimal = Decimal("0")
    booking_number: str = ""
    notes: str = ""
    cancel_reason: str = ""
    confirmed_at: datetime | None = None
    cancelled_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def _to(self, action: str, allowed: frozenset, **changes: Any) -> "Booking":
        if self.status not in allowed:
            raise FailedPrecondition(
                f"booking {self.booking_number} is {self.status.value}; cannot {action} it"
            )
        return replace(self, **changes)

    def confirmed(self, now: datetime) -> "Booking":
        allowed = frozenset({BookingStatus.PENDING})
        return self._to("confirm", allowed, status=BookingStatus.CONFIRMED, confirmed_at=now)

    def cancelled(self, reason: str, now: datetime) -> "Booking":
        changes = {"cancel_reason": reason, "cancelled_at": now}
        return self._to("cancel", _CHANGEABLE, status=BookingStatus.CANCELLED, **changes)

    def completed(self) -> "Booking":
        return self._to("complete", _CONFIRMED, status=BookingStatus.COMPLETED)

    def no_show(self) -> "Booking":
        return self._to("mark as no-show", _CONFIRMED, status=BookingStatus.NO_SHOW)

    def movable(self) -> "Booking":
        """Itself, if it may still be moved."""
        return self._to("reschedule", _CHANGEABLE)

    def moved(
        self, day: date, start: int, end: int, resource_id: uuid.UUID, price: Decimal
    ) -> "Booking":
        changes = {"booking_date": day, "start": start, "end": end, "total_price": price}
        return self._to("reschedule", _CHANGEABLE, resource_id=resource_id, **changes)
