"""Booking use cases over fakes: create, price, conflicts, life cycle, reschedule, delete."""

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from core.booking import admin, handlers
from core.booking import commands as c
from core.booking.errors import SlotTaken
from core.booking.model import BookingStatus
from core.shared.errors import FailedPrecondition, InvalidInput, NotFound

from .conftest import OUTLET, PHONE, TENANT, TOMORROW, minutes


def _create(start: str = "19:00", **extra) -> c.CreateBooking:
    fields = {"party_size": 2, **extra}
    return c.CreateBooking(TENANT, OUTLET, PHONE, TOMORROW, minutes(start), **fields)


async def test_create_picks_the_smallest_free_table_for_two_hours(uow, clock, tables):
    booking = await handlers.create_booking(_create(), uow, clock)
    assert booking.resource_id == tables["Table 1"].id
    assert (booking.start, booking.end) == (minutes("19:00"), minutes("21:00"))
    assert booking.status is BookingStatus.PENDING
    assert booking.booking_number.startswith("B-") and len(booking.booking_number) == 6


async def test_price_is_hourly_rate_times_duration(uow, clock, court):
    command = _create("13:00", resource_id=court.id, end=minutes("14:30"))
    booking = await handlers.create_booking(command, uow, clock)
    assert booking.total_price == Decimal("30.00")  # 20/h for 1.5 h


async def test_confirmed_create_is_confirmed_at_once(uow, clock, tables):
    booking = await handlers.create_booking(_create(confirmed=True), uow, clock)
    assert booking.status is BookingStatus.CONFIRMED and booking.confirmed_at == clock.now


async def test_outside_opening_hours_is_refused_naming_the_field(uow, clock, tables):
    with pytest.raises(InvalidInput) as refused:
        await handlers.create_booking(_create("23:00"), uow, clock)
    assert refused.value.field == "start_time"


async def test_bad_phone_and_party_size_are_refused(uow, clock, tables):
    with pytest.raises(InvalidInput, match="customer_phone"):
        await handlers.create_booking(replace(_create(), customer_phone="12ab"), uow, clock)
    with pytest.raises(InvalidInput, match="party_size"):
        await handlers.create_booking(_create(party_size=0), uow, clock)


async def test_a_taken_named_resource_is_slot_taken_with_alternatives(uow, clock, tables):
    table = tables["Table 3"].id
    await handlers.create_booking(_create(resource_id=table), uow, clock)
    with pytest.raises(SlotTaken) as taken:
        await handlers.create_booking(_create("20:00", resource_id=table), uow, clock)
    assert "just taken" in taken.value.message
    assert taken.value.alternatives[0].start == minutes("20:00")  # on another table


async def test_a_party_too_big_for_the_named_table_is_invalid(uow, clock, tables):
    with pytest.raises(InvalidInput, match="at most 2"):
        await handlers.create_booking(
            _create(resource_id=tables["Table 1"].id, party_size=3), uow, clock
        )


async def test_another_tenants_resource_is_not_found(uow, clock, tables):
    command = replace(_create(resource_id=tables["Table 1"].id), tenant_id=uuid.uuid4())
    with pytest.raises(NotFound):
        await handlers.create_booking(command, uow, clock)


async def test_life_cycle_steps_and_refused_transitions(uow, clock, tables):
    booking = await handlers.create_booking(_create(), uow, clock)
    confirm = lambda b: b.confirmed(clock())  # noqa: E731
    confirmed = await handlers.change_booking(TENANT, booking.id, confirm, uow)
    assert confirmed.status is BookingStatus.CONFIRMED
    with pytest.raises(FailedPrecondition, match="is confirmed; cannot confirm"):
        await handlers.change_booking(TENANT, booking.id, confirm, uow)
    done = await handlers.change_booking(TENANT, booking.id, lambda b: b.completed(), uow)
    assert done.status is BookingStatus.COMPLETED
    with pytest.raises(FailedPrecondition, match="cannot cancel"):
        await handlers.change_booking(TENANT, booking.id, lambda b: b.cancelled("x", clock()), uow)


async def test_cancel_frees_the_slot(uow, clock, tables):
    table = tables["Table 1"].id
    first = await handlers.create_booking(_create(resource_id=table), uow, clock)
    await handlers.change_booking(TENANT, first.id, lambda b: b.cancelled("ill", clock()), uow)
    again = await handlers.create_booking(_create(resource_id=table), uow, clock)
    assert again.resource_id == table


async def test_reschedule_keeps_duration_and_table_when_free(uow, clock, tables):
    booking = await handlers.create_booking(_create(), uow, clock)
    command = c.RescheduleBooking(TENANT, booking.id, TOMORROW, minutes("20:00"))
    moved = await handlers.reschedule_booking(command, uow)
    assert (moved.start, moved.end, moved.resource_id) == (1200, 1320, booking.resource_id)


async def test_reschedule_into_a_taken_slot_offers_alternatives(uow, clock, tables):
    table = tables["Table 4"].id
    await handlers.create_booking(_create("20:00", resource_id=table, party_size=6), uow, clock)
    mine = await handlers.create_booking(_create("13:00", party_size=6), uow, clock)
    command = c.RescheduleBooking(TENANT, mine.id, TOMORROW, minutes("20:00"))
    with pytest.raises(SlotTaken) as taken:
        await handlers.reschedule_booking(command, uow)
    assert [s.start for s in taken.value.alternatives[:2]] == [minutes("18:00"), minutes("22:00")]


async def test_reschedule_of_a_cancelled_booking_is_refused(uow, clock, tables):
    booking = await handlers.create_booking(_create(), uow, clock)
    await handlers.change_booking(TENANT, booking.id, lambda b: b.cancelled("", clock()), uow)
    command = c.RescheduleBooking(TENANT, booking.id, TOMORROW, minutes("20:00"))
    with pytest.raises(FailedPrecondition, match="cancelled"):
        await handlers.reschedule_booking(command, uow)


async def test_a_colliding_booking_number_is_drawn_again(uow, clock, tables, monkeypatch):
    numbers = iter(["B-1000", "B-1000", "B-2000"])
    monkeypatch.setattr(handlers, "booking_number", lambda attempt: next(numbers))
    await handlers.create_booking(_create(), uow, clock)
    second = await handlers.create_booking(_create("13:00"), uow, clock)
    assert second.booking_number == "B-2000"


async def test_a_resource_with_upcoming_bookings_cannot_be_deleted(uow, clock, tables):
    booking = await handlers.create_booking(_create(), uow, clock)
    with pytest.raises(FailedPrecondition, match="upcoming bookings"):
        await admin.delete_resource(TENANT, booking.resource_id, date(2025, 3, 13), uow)
    await admin.delete_resource(TENANT, tables["Table 2"].id, date(2025, 3, 13), uow)


async def test_overlapping_periods_of_a_day_are_refused(uow):
    from core.booking.venue import Period

    periods = (Period(0, 600, 900), Period(0, 840, 1000))
    with pytest.raises(InvalidInput, match="overlap"):
        await admin.set_opening_hours(c.SetOpeningHours(TENANT, OUTLET, periods), uow)


async def test_each_change_records_what_analytics_hears_of_it(uow, clock, tables):
    chat = uuid.uuid4()
    booking = await handlers.create_booking(
        _create(confirmed=True, conversation_id=chat), uow, clock
    )
    assert uow.facts.names() == ["booking.created", "booking.confirmed"]
    moved = c.RescheduleBooking(TENANT, booking.id, TOMORROW, minutes("20:00"))
    await handlers.reschedule_booking(moved, uow)
    await handlers.change_booking(TENANT, booking.id, lambda b: b.cancelled("ill", clock()), uow)
    assert uow.facts.names()[2:] == ["booking.rescheduled", "booking.cancelled"]
    rescheduled, cancelled = uow.facts.facts[2:]
    assert rescheduled.properties["from_minute"] == minutes("19:00")
    assert cancelled.conversation_id == chat and cancelled.properties["channel"] == "chat"
    assert cancelled.properties["reason"] == "ill" and cancelled.amount == booking.total_price
