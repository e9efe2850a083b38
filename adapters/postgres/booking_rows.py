"""Rows of the booking schema <-> booking entities; minutes of the day <-> SQL times."""

from datetime import time
from typing import Any

from core.booking.model import Booking, BookingStatus, ResourceStatus, ResourceType
from core.booking.times import MIDNIGHT
from core.booking.venue import Period, Resource

from .models.booking import BookingRow, OpeningHoursRow, ResourceRow
from .table import writable


def to_time(minutes: int) -> time:
    """Midnight at the end of the day is the day's last instant: SQL ranges stay in the date."""
    return time.max if minutes >= MIDNIGHT else time(minutes // 60, minutes % 60)


def to_minutes(value: time) -> int:
    return MIDNIGHT if value == time.max else value.hour * 60 + value.minute


def resource(row: ResourceRow) -> Resource:
    return Resource(
        id=row.id,
        tenant_id=row.tenant_id,
        outlet_id=row.outlet_id,
        name=row.name,
        type=ResourceType(row.type),
        capacity=row.capacity,
        hourly_rate=row.hourly_rate,
        status=ResourceStatus(row.status),
        description=row.description,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def booking(row: BookingRow) -> Booking:
    return Booking(
        id=row.id,
        tenant_id=row.tenant_id,
        outlet_id=row.outlet_id,
        resource_id=row.resource_id,
        conversation_id=row.conversation_id,
        customer_phone=row.customer_phone,
        customer_name=row.customer_name or "",
        party_size=row.party_size,
        booking_date=row.booking_date,
        start=to_minutes(row.start_time),
        end=to_minutes(row.end_time),
        status=BookingStatus(row.status),
        total_price=row.total_price,
        booking_number=row.booking_number or "",
        notes=row.notes,
        cancel_reason=row.cancel_reason,
        confirmed_at=row.confirmed_at,
        cancelled_at=row.cancelled_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def booking_values(entity: Booking) -> dict[str, Any]:
    values = writable(entity)
    values["start_time"] = to_time(values.pop("start"))
    values["end_time"] = to_time(values.pop("end"))
    return values


def period(row: OpeningHoursRow) -> Period:
    return Period(row.weekday, to_minutes(row.opens_at), to_minutes(row.closes_at))


def period_values(entity: Period) -> dict[str, Any]:
    return {
        "weekday": entity.weekday,
        "opens_at": to_time(entity.opens),
        "closes_at": to_time(entity.closes),
    }
