"""What analytics hears of a booking's life, read off the change: created, confirmed,
cancelled, no-show, completed, rescheduled (core.shared.facts)."""

from typing import Any

from core.shared.facts import Fact

from .model import Booking, BookingStatus

CREATED, RESCHEDULED = "booking.created", "booking.rescheduled"
REACHED = {
    BookingStatus.CONFIRMED: "booking.confirmed",
    BookingStatus.CANCELLED: "booking.cancelled",
    BookingStatus.NO_SHOW: "booking.no_show",
    BookingStatus.COMPLETED: "booking.completed",
}
NAMES = frozenset({CREATED, RESCHEDULED, *REACHED.values()})


def booking_facts(before: Booking | None, after: Booking) -> list[Fact]:
    """The facts of `before` becoming `after` (None before: just made)."""
    names = [CREATED] if before is None else []
    if (before is None or before.status != after.status) and after.status in REACHED:
        names.append(REACHED[after.status])
    if before is not None and _place(before) != _place(after):
        names.append(RESCHEDULED)
    return [
        Fact(
            after.tenant_id,
            name,
            outlet_id=after.outlet_id,
            conversation_id=after.conversation_id,
            properties=_properties(after, before if name == RESCHEDULED else None),
            amount=after.total_price,
        )
        for name in names
    ]


def _place(booking: Booking) -> tuple:
    return booking.booking_date, booking.start, booking.end, booking.resource_id


def _properties(booking: Booking, moved_from: Booking | None) -> dict[str, Any]:
    said = {
        "booking_id": str(booking.id),
        "booking_number": booking.booking_number,
        "party_size": booking.party_size,
        "date": booking.booking_date.isoformat(),
        "start_minute": booking.start,
        "resource_id": str(booking.resource_id),
        "channel": "chat" if booking.conversation_id else "staff",
    }
    if booking.cancel_reason:
        said["reason"] = booking.cancel_reason[:200]
    if moved_from is not None:
        said |= {"from_date": moved_from.booking_date.isoformat(), "from_minute": moved_from.start}
    return said
