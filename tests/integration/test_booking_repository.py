"""The booking context on real Postgres: CRUD, tenant scoping, and no double booking under
concurrency (the exclusion constraint is the last word)."""

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from core.booking import admin, handlers
from core.booking import commands as c
from core.booking.errors import SlotTaken
from core.booking.model import BookingStatus, ResourceStatus, ResourceType
from core.booking.venue import Period
from core.shared.errors import FailedPrecondition, NotFound
from core.shared.paging import PageQuery
from tests.fakes import FakeClock

from .booking_support import FRIDAY, OTHER_TENANT, OUTLET, PHONE, TENANT, booking_uow, restaurant

__all__ = ["booking_uow", "restaurant"]


def on_thursday() -> FakeClock:
    """The day before FRIDAY, mid-morning: every booking of the tests lies ahead of it."""
    return FakeClock(datetime.combine(FRIDAY - timedelta(days=1), time(10), tzinfo=UTC))


def _booking(start: int, **extra) -> c.CreateBooking:
    return c.CreateBooking(TENANT, OUTLET, PHONE, FRIDAY, start, **{"party_size": 2, **extra})


async def test_resources_round_trip_update_list_and_delete(booking_uow, restaurant):
    court = await admin.create_resource(
        c.CreateResource(
            TENANT,
            OUTLET,
            {"name": "Court A", "type": ResourceType.COURT, "hourly_rate": Decimal("12.50")},
        ),
        booking_uow(),
    )
    assert (await admin.get_resource(TENANT, court.id, booking_uow())).hourly_rate == Decimal(
        "12.50"
    )
    changes = {"status": ResourceStatus.MAINTENANCE, "capacity": 4}
    updated = await admin.update_resource(
        c.UpdateResource(TENANT, court.id, changes), booking_uow()
    )
    assert (updated.status, updated.capacity) == (ResourceStatus.MAINTENANCE, 4)
    tables = await admin.list_resources(
        c.ListResources(TENANT, PageQuery(2), type=ResourceType.TABLE), booking_uow()
    )
    assert len(tables.items) == 2 and tables.next_token
    await admin.delete_resource(TENANT, court.id, date(2031, 1, 1), booking_uow())
    with pytest.raises(NotFound):
        await admin.get_resource(TENANT, court.id, booking_uow())


async def test_opening_hours_keep_split_shifts_midnight_and_closed_dates(booking_uow):
    periods = (Period(0, 720, 900), Period(0, 1140, 1440))
    command = c.SetOpeningHours(TENANT, OUTLET, periods, (date(2031, 12, 25),))
    await admin.set_opening_hours(command, booking_uow())
    hours = await admin.get_opening_hours(TENANT, OUTLET, booking_uow())
    assert hours.periods == periods and hours.closed_dates == (date(2031, 12, 25),)
    assert (await admin.get_opening_hours(OTHER_TENANT, OUTLET, booking_uow())).periods == ()


async def test_two_tenants_hours_under_one_outlet_id_neither_collide_nor_replace(booking_uow):
    """The unique rules and the replacement are the tenant's: another tenant's hours under the
    same outlet id (were they ever let through) touch nothing of these."""
    mine, closed = (Period(0, 720, 900),), (date(2031, 12, 25),)
    for tenant, periods, dates in ((TENANT, mine, closed), (OTHER_TENANT, mine, closed)):
        command = c.SetOpeningHours(tenant, OUTLET, periods, dates)
        await admin.set_opening_hours(command, booking_uow())
    await admin.set_opening_hours(c.SetOpeningHours(OTHER_TENANT, OUTLET, ()), booking_uow())
    hours = await admin.get_opening_hours(TENANT, OUTLET, booking_uow())
    assert (hours.periods, hours.closed_dates) == (mine, closed)


async def test_a_booking_ending_at_midnight_round_trips(booking_uow, restaurant):
    booking = await handlers.create_booking(_booking(22 * 60), booking_uow(), on_thursday())
    stored = await handlers.get_booking(TENANT, booking.id, booking_uow())
    assert (stored.start, stored.end) == (22 * 60, 24 * 60)
    assert stored.booking_number == booking.booking_number


async def test_another_tenants_booking_and_resource_are_not_found(booking_uow, restaurant):
    booking = await handlers.create_booking(_booking(19 * 60), booking_uow(), on_thursday())
    with pytest.raises(NotFound):
        await handlers.get_booking(OTHER_TENANT, booking.id, booking_uow())
    with pytest.raises(NotFound):
        await admin.get_resource(OTHER_TENANT, restaurant["Table 1"].id, booking_uow())
    stranger = replace(
        _booking(13 * 60, resource_id=restaurant["Table 1"].id), tenant_id=OTHER_TENANT
    )
    with pytest.raises(NotFound):
        await handlers.create_booking(stranger, booking_uow(), on_thursday())


async def test_listings_filter_and_page_in_slot_order(booking_uow, restaurant):
    for start in (20 * 60, 13 * 60, 16 * 60):
        await handlers.create_booking(_booking(start), booking_uow(), on_thursday())
    query = c.ListBookings(TENANT, PageQuery(2), customer_phone=PHONE, start_date=FRIDAY)
    first = await handlers.list_bookings(query, booking_uow())
    rest = await handlers.list_bookings(
        replace(query, page=PageQuery(2, first.next_token)), booking_uow()
    )
    assert [b.start for b in first.items + rest.items] == [13 * 60, 16 * 60, 20 * 60]
    pending = c.ListBookings(TENANT, PageQuery(), status=BookingStatus.CONFIRMED)
    assert (await handlers.list_bookings(pending, booking_uow())).items == []


async def test_reschedule_may_overlap_its_own_old_slot(booking_uow, restaurant):
    booking = await handlers.create_booking(_booking(19 * 60), booking_uow(), on_thursday())
    command = c.RescheduleBooking(TENANT, booking.id, FRIDAY, 19 * 60 + 30)
    moved = await handlers.reschedule_booking(command, booking_uow())
    assert (moved.start, moved.end, moved.resource_id) == (1170, 1290, booking.resource_id)


async def test_a_resource_with_past_bookings_cannot_be_deleted(booking_uow, restaurant):
    booking = await handlers.create_booking(_booking(19 * 60), booking_uow(), on_thursday())
    with pytest.raises(FailedPrecondition, match="set it inactive"):
        await admin.delete_resource(TENANT, booking.resource_id, date(2032, 1, 1), booking_uow())


async def test_concurrent_bookings_of_one_slot_exactly_one_wins(booking_uow, restaurant):
    table = restaurant["Table 2"].id

    async def attempt(offset: int):
        # Overlapping but different starts: only the database can tell they collide.
        command = _booking(19 * 60 + offset % 4 * 30, resource_id=table)
        return await handlers.create_booking(command, booking_uow(), on_thursday())

    results = await asyncio.gather(*(attempt(i) for i in range(20)), return_exceptions=True)
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1
    assert all(isinstance(r, SlotTaken) for r in lost), lost
    assert all("just taken" in r.message and r.alternatives for r in lost)
    held = await handlers.list_bookings(
        c.ListBookings(TENANT, PageQuery(), resource_id=table), booking_uow()
    )
    assert len(held.items) == 1
