"""Booking context entities <-> crm.booking.v1 messages."""

from decimal import Decimal, InvalidOperation
from typing import Any

from crm.booking.v1 import booking_pb2 as pb
from crm.common.v1 import common_pb2

from core.booking import commands as c
from core.booking.availability import Slot
from core.booking.model import Booking, ResourceStatus, ResourceType
from core.booking.times import hhmm, optional_minutes, parse_day, parse_minutes
from core.booking.venue import OpeningHours, Period, Resource
from core.shared.errors import InvalidInput
from core.shared.ids import parse_id

from .convert import enum_to_domain, enum_to_proto, money_message, optional_id, timestamp


def amount(message: common_pb2.Money, field: str) -> Decimal:
    try:
        return Decimal(message.amount or "0")
    except InvalidOperation:
        raise InvalidInput(field, f"{message.amount!r} is not a decimal amount") from None


def resource_message(resource: Resource) -> pb.Resource:
    return pb.Resource(
        id=str(resource.id),
        tenant_id=str(resource.tenant_id),
        outlet_id=str(resource.outlet_id),
        name=resource.name,
        type=enum_to_proto(resource.type, pb.ResourceType),
        capacity=resource.capacity,
        hourly_rate=money_message(resource.hourly_rate),
        status=enum_to_proto(resource.status, pb.ResourceStatus),
        description=resource.description,
        create_time=timestamp(resource.created_at),
        update_time=timestamp(resource.updated_at),
    )


# How each writable field of a Resource is read from the message (create and update).
RESOURCE_READERS: dict[str, Any] = {
    "name": lambda m: m.name,
    "type": lambda m: enum_to_domain(m, "type", ResourceType),
    "capacity": lambda m: m.capacity,
    "hourly_rate": lambda m: amount(m.hourly_rate, "resource.hourly_rate"),
    "status": lambda m: enum_to_domain(m, "status", ResourceStatus),
    "description": lambda m: m.description,
}


def resource_fields(message: pb.Resource) -> dict[str, Any]:
    """A create's fields: unset capacity and status take the defaults."""
    fields = {name: read(message) for name, read in RESOURCE_READERS.items()}
    if not message.capacity:
        fields.pop("capacity")
    return fields


def hours_message(hours: OpeningHours, timezone: str = "") -> pb.OpeningHours:
    return pb.OpeningHours(
        tenant_id=str(hours.tenant_id),
        outlet_id=str(hours.outlet_id),
        periods=[
            pb.OpeningPeriod(
                weekday=p.weekday + 1, open_time=hhmm(p.opens), close_time=hhmm(p.closes)
            )
            for p in hours.periods
        ],
        closed_dates=[day.isoformat() for day in hours.closed_dates],
        timezone=timezone,
        update_time=timestamp(hours.updated_at),
    )


def hours_command(message: pb.OpeningHours) -> c.SetOpeningHours:
    periods = []
    for period in message.periods:
        if not 1 <= period.weekday <= 7:
            raise InvalidInput("opening_hours.periods.weekday", "must name a day of the week")
        opens = parse_minutes(period.open_time, "opening_hours.periods.open_time")
        closes = parse_minutes(period.close_time, "opening_hours.periods.close_time")
        periods.append(Period(period.weekday - 1, opens, closes))
    return c.SetOpeningHours(
        tenant_id=parse_id(message.tenant_id, "opening_hours.tenant_id"),
        outlet_id=parse_id(message.outlet_id, "opening_hours.outlet_id"),
        periods=tuple(periods),
        closed_dates=tuple(
            parse_day(d, "opening_hours.closed_dates") for d in message.closed_dates
        ),
    )


def booking_message(booking: Booking) -> pb.Booking:
    return pb.Booking(
        id=str(booking.id),
        tenant_id=str(booking.tenant_id),
        outlet_id=str(booking.outlet_id),
        resource_id=str(booking.resource_id),
        conversation_id=str(booking.conversation_id or ""),
        customer_phone=booking.customer_phone,
        customer_name=booking.customer_name,
        party_size=booking.party_size,
        booking_date=booking.booking_date.isoformat(),
        start_time=hhmm(booking.start),
        end_time=hhmm(booking.end),
        status=enum_to_proto(booking.status, pb.BookingStatus),
        total_price=money_message(booking.total_price),
        booking_number=booking.booking_number,
        notes=booking.notes,
        cancel_reason=booking.cancel_reason,
        confirm_time=timestamp(booking.confirmed_at),
        cancel_time=timestamp(booking.cancelled_at),
        create_time=timestamp(booking.created_at),
        update_time=timestamp(booking.updated_at),
    )


def create_command(message: pb.Booking) -> c.CreateBooking:
    return c.CreateBooking(
        tenant_id=parse_id(message.tenant_id, "booking.tenant_id"),
        outlet_id=parse_id(message.outlet_id, "booking.outlet_id"),
        customer_phone=message.customer_phone,
        booking_date=parse_day(message.booking_date, "booking.booking_date"),
        start=parse_minutes(message.start_time, "booking.start_time"),
        end=optional_minutes(message.end_time, "booking.end_time"),
        resource_id=optional_id(message.resource_id, "booking.resource_id"),
        party_size=message.party_size,
        customer_name=message.customer_name,
        conversation_id=optional_id(message.conversation_id, "booking.conversation_id"),
        notes=message.notes,
    )


def slot_message(slot: Slot) -> pb.Slot:
    return pb.Slot(
        resource_id=str(slot.resource.id),
        resource_name=slot.resource.name,
        resource_type=enum_to_proto(slot.resource.type, pb.ResourceType),
        capacity=slot.resource.capacity,
        date=slot.day.isoformat(),
        start_time=hhmm(slot.start),
        end_time=hhmm(slot.end),
        price=money_message(slot.price),
    )
