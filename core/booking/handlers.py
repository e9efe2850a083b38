"""Use cases of bookings: availability, create, the life-cycle steps, reschedule, listings."""

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta

from core.shared.errors import DomainError, InvalidInput, NotFound
from core.shared.paging import Page
from core.shared.validation import optional_text, required_text, valid_phone

from . import commands as c
from .availability import Slot
from .errors import BookingNumberTaken, SlotTaken
from .facts import booking_facts
from .model import Booking, BookingStatus
from .placing import Placement, alternatives, day_of, place
from .ports import BookingUnitOfWork, Clock

# Short numbers read well on WhatsApp; after repeated collisions draw from a wider range.
NUMBER_ATTEMPTS = 6


def booking_number(attempt: int) -> str:
    digits = 4 if attempt < 3 else 6
    return f"B-{10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1))}"


def _checked(cmd: c.CreateBooking) -> c.CreateBooking:
    if cmd.party_size < 1:
        raise InvalidInput("party_size", "must be at least 1")
    phone = required_text(cmd.customer_phone, "customer_phone", 32)
    return replace(
        cmd,
        customer_phone=valid_phone(phone, "customer_phone"),
        customer_name=optional_text(200)(cmd.customer_name.strip(), "customer_name"),
        notes=optional_text(2000)(cmd.notes, "notes"),
    )


def _fresh(cmd: c.CreateBooking, slot: Slot, number: str, now: Clock) -> Booking:
    confirmed = {"status": BookingStatus.CONFIRMED, "confirmed_at": now()} if cmd.confirmed else {}
    return Booking(
        tenant_id=cmd.tenant_id,
        outlet_id=cmd.outlet_id,
        resource_id=slot.resource.id,
        customer_phone=cmd.customer_phone,
        customer_name=cmd.customer_name,
        booking_date=slot.day,
        start=slot.start,
        end=slot.end,
        conversation_id=cmd.conversation_id,
        party_size=cmd.party_size,
        total_price=slot.price,
        booking_number=number,
        notes=cmd.notes,
        **confirmed,
    )


async def _create(
    cmd: c.CreateBooking, where: Placement, number: str, uow: BookingUnitOfWork, now: Clock
) -> Booking:
    async with uow:
        day = await day_of(uow, cmd.tenant_id, cmd.outlet_id, cmd.booking_date)
        slot = await place(uow, where, day)
        booking = await uow.bookings.add(_fresh(cmd, slot, number, now))
        await uow.facts.add(booking_facts(None, booking))
        await uow.commit()
    return booking


async def _saved(uow: BookingUnitOfWork, before: Booking, after: Booking) -> Booking:
    """The change stored, with the facts analytics hears of it, in the same transaction."""
    saved = await uow.bookings.update(after)
    await uow.facts.add(booking_facts(before, saved))
    return saved


# How far ahead a booking may be made: far enough for any real plan, and never a date
# (9999-12-31 is stored as 'infinity') that escapes the calendar's own rules.
HORIZON = timedelta(days=366)


def bookable(day: date, today: date) -> None:
    """A booking's date lies between today and the horizon."""
    if day < today:
        raise InvalidInput("booking_date", f"{day} has passed (today is {today})")
    if day > today + HORIZON:
        raise InvalidInput("booking_date", f"must be within {HORIZON.days} days of today")


async def create_booking(
    cmd: c.CreateBooking, uow: BookingUnitOfWork, now: Clock, today: date | None = None
) -> Booking:
    """Book a slot; losing it to someone else is SlotTaken with the nearest alternatives.

    `today` is the outlet's own date (the clock's, when the caller has no outlet's zone)."""
    cmd = _checked(cmd)
    bookable(cmd.booking_date, today or now().date())
    where = Placement(
        cmd.tenant_id, cmd.outlet_id, cmd.booking_date, cmd.start, cmd.end,
        cmd.party_size, cmd.resource_type, cmd.resource_id,
    )  # fmt: skip
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            return await _create(cmd, where, booking_number(attempt), uow, now)
        except BookingNumberTaken:
            continue
        except SlotTaken:
            raise SlotTaken(await alternatives(uow, where)) from None
    raise DomainError("no free booking number; try again")


async def _booking(
    uow: BookingUnitOfWork, tenant_id: uuid.UUID, booking_id: uuid.UUID, lock: bool = False
) -> Booking:
    booking = await uow.bookings.get(tenant_id, booking_id, for_update=lock)
    if booking is None:
        raise NotFound("booking", booking_id)
    return booking


async def get_booking(
    tenant_id: uuid.UUID, booking_id: uuid.UUID, uow: BookingUnitOfWork
) -> Booking:
    async with uow:
        return await _booking(uow, tenant_id, booking_id)


async def list_bookings(cmd: c.ListBookings, uow: BookingUnitOfWork) -> Page[Booking]:
    if cmd.start_date and cmd.end_date and cmd.end_date < cmd.start_date:
        raise InvalidInput("end_date", "must not be before start_date")
    async with uow:
        return await uow.bookings.list(cmd)


async def upcoming(
    tenant_id: uuid.UUID, outlet_id: uuid.UUID, phone: str, today: date, uow: BookingUnitOfWork
) -> Sequence[Booking]:
    async with uow:
        return await uow.bookings.upcoming(tenant_id, outlet_id, phone, today)


async def change_booking(
    tenant_id: uuid.UUID,
    booking_id: uuid.UUID,
    step: Callable[[Booking], Booking],
    uow: BookingUnitOfWork,
) -> Booking:
    """One life-cycle step (confirm, cancel, complete, no-show) under the row lock."""
    async with uow:
        before = await _booking(uow, tenant_id, booking_id, lock=True)
        booking = await _saved(uow, before, step(before))
        await uow.commit()
    return booking


def _destination(cmd: c.RescheduleBooking, booking: Booking) -> Placement:
    end = cmd.end if cmd.end is not None else cmd.start + booking.minutes
    return Placement(
        cmd.tenant_id, booking.outlet_id, cmd.booking_date, cmd.start, end,
        booking.party_size, resource_id=cmd.resource_id,
    )  # fmt: skip


async def _moved(uow: BookingUnitOfWork, booking: Booking, where: Placement) -> Booking:
    day = await day_of(uow, booking.tenant_id, booking.outlet_id, where.day)
    slot = await place(uow, where, day.without(booking.id), prefer=booking.resource_id)
    return booking.moved(slot.day, slot.start, slot.end, slot.resource.id, slot.price)


async def reschedule_booking(cmd: c.RescheduleBooking, uow: BookingUnitOfWork) -> Booking:
    """Move atomically: the old slot is freed and the new one taken in one transaction."""
    try:
        async with uow:
            booking = (await _booking(uow, cmd.tenant_id, cmd.booking_id, lock=True)).movable()
            where = _destination(cmd, booking)
            booking = await _saved(uow, booking, await _moved(uow, booking, where))
            await uow.commit()
        return booking
    except SlotTaken:
        raise SlotTaken(await alternatives(uow, where, moving=cmd.booking_id)) from None
