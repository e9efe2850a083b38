"""How the booking agent words dates, times, slots and bookings for a customer."""

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .availability import Slot
    from .model import Booking


def clock(minutes: int) -> str:
    """12-hour time as people say it: "7 PM", "7:30 PM", "12 AM" for midnight."""
    hour, minute = divmod(minutes % (24 * 60), 60)
    suffix = "AM" if hour < 12 else "PM"
    shown = hour % 12 or 12
    return f"{shown}:{minute:02d} {suffix}" if minute else f"{shown} {suffix}"


def day_name(day: date) -> str:
    return day.strftime("%a %d %b").replace(" 0", " ")


def when(day: date, start: int) -> str:
    return f"{day_name(day)} at {clock(start)}"


def slot_title(slot: "Slot", today: date) -> str:
    """A short option title (WhatsApp buttons take 20 characters): "7:30 PM" or "Sat 7:30 PM"."""
    if slot.day == today:
        return clock(slot.start)
    return f"{slot.day.strftime('%a')} {clock(slot.start)}"


def slot_list(slots: Iterable["Slot"]) -> str:
    return ", ".join(f"{slot.resource.name} {when(slot.day, slot.start)}" for slot in slots)


def booking_line(booking: "Booking", resource_name: str) -> str:
    people = "person" if booking.party_size == 1 else "people"
    where = f"{resource_name}, " if resource_name else ""
    return (
        f"{booking.booking_number}: {where}{when(booking.booking_date, booking.start)}, "
        f"{booking.party_size} {people}"
    )
