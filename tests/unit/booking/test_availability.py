"""Free slots from opening hours, capacity, existing bookings and duration; nearest times."""

import uuid
from dataclasses import replace
from datetime import date

import pytest

from core.booking.availability import Day, Wish, free_at, free_slots, nearest
from core.booking.model import Booking, BookingStatus, ResourceStatus, ResourceType
from core.booking.venue import OpeningHours, Period, Resource
from core.shared.errors import InvalidInput

from .conftest import OUTLET, TENANT, minutes

MONDAY, FRIDAY = date(2025, 3, 10), date(2025, 3, 14)
HOURS = OpeningHours(
    TENANT, OUTLET, (Period(0, minutes("12:00"), minutes("23:00")), Period(4, 720, 1440))
)
SMALL = Resource(TENANT, OUTLET, "Table 1", ResourceType.TABLE, capacity=2)
BIG = Resource(TENANT, OUTLET, "Table 4", ResourceType.TABLE, capacity=6)


def _held(resource: Resource, start: str, end: str, day: date = MONDAY, **extra) -> Booking:
    return Booking(
        TENANT, OUTLET, resource.id, "+34600111222", day, minutes(start), minutes(end), **extra
    )


def _starts(slots) -> list[str]:
    return [f"{s.start // 60:02d}:{s.start % 60:02d}" for s in slots]


def test_slots_fit_inside_opening_hours_on_a_30_minute_grid():
    slots = free_slots(Wish(MONDAY, 120, 2), Day(HOURS, [SMALL], []))
    assert _starts(slots)[:3] == ["12:00", "12:30", "13:00"]
    assert _starts(slots)[-1] == "21:00"  # ends at closing, not after


def test_a_period_closing_at_midnight_takes_a_booking_ending_at_midnight():
    slots = free_slots(Wish(FRIDAY, 120, 2), Day(HOURS, [SMALL], []))
    assert _starts(slots)[-1] == "22:00"
    assert slots[-1].end == 24 * 60


def test_closed_weekday_and_closed_date_have_no_slots():
    tuesday = date(2025, 3, 11)
    assert free_slots(Wish(tuesday, 60), Day(HOURS, [SMALL], [])) == []
    closed = replace(HOURS, closed_dates=(MONDAY,))
    assert free_slots(Wish(MONDAY, 60), Day(closed, [SMALL], [])) == []


def test_split_shifts_offer_both_periods_only():
    split = OpeningHours(TENANT, OUTLET, (Period(0, 720, 900), Period(0, 1140, 1380)))
    starts = _starts(free_slots(Wish(MONDAY, 120), Day(split, [SMALL], [])))
    assert starts == ["12:00", "12:30", "13:00", "19:00", "19:30", "20:00", "20:30", "21:00"]


def test_only_resources_that_seat_the_party_and_are_active():
    broken = replace(BIG, id=uuid.uuid4(), status=ResourceStatus.MAINTENANCE)
    slots = free_slots(Wish(MONDAY, 120, 5), Day(HOURS, [SMALL, BIG, broken], []))
    assert {s.resource.id for s in slots} == {BIG.id}


def test_smallest_fitting_resource_comes_first_at_each_start():
    slots = free_slots(Wish(MONDAY, 120, 2), Day(HOURS, [BIG, SMALL], []))
    assert [s.resource.name for s in slots[:2]] == ["Table 1", "Table 4"]


def test_a_type_filter_leaves_other_types_out():
    court = Resource(TENANT, OUTLET, "Court A", ResourceType.COURT, capacity=4)
    wish = Wish(MONDAY, 60, 2, kind=ResourceType.COURT)
    assert {s.resource.id for s in free_slots(wish, Day(HOURS, [SMALL, court], []))} == {court.id}


def test_active_bookings_block_overlapping_starts_but_allow_back_to_back():
    day = Day(HOURS, [SMALL], [_held(SMALL, "19:00", "21:00")])
    starts = _starts(free_slots(Wish(MONDAY, 120), day))
    assert "17:00" in starts and "21:00" in starts
    assert not {"17:30", "18:00", "19:00", "20:30"} & set(starts)


def test_cancelled_bookings_do_not_hold_their_slot():
    day = Day(HOURS, [SMALL], [_held(SMALL, "19:00", "21:00", status=BookingStatus.CANCELLED)])
    assert free_at(Wish(MONDAY, 120), minutes("19:00"), day) is not None


def test_duration_decides_the_last_start_and_the_price():
    court = Resource(TENANT, OUTLET, "Court A", ResourceType.COURT, hourly_rate=20)
    slots = free_slots(Wish(MONDAY, 90), Day(HOURS, [court], []))
    assert _starts(slots)[-1] == "21:30"
    assert slots[0].price == 30


def test_a_window_narrows_the_starts():
    wish = Wish(MONDAY, 60, earliest=minutes("18:10"), latest=minutes("20:00"))
    assert _starts(free_slots(wish, Day(HOURS, [SMALL], []))) == ["18:30", "19:00"]


def test_free_at_prefers_the_given_resource_and_takes_off_grid_times():
    day = Day(HOURS, [SMALL, BIG], [])
    assert free_at(Wish(MONDAY, 60), minutes("19:15"), day, prefer=BIG.id).resource == BIG
    assert free_at(Wish(MONDAY, 60), minutes("22:30"), day) is None


def test_nearest_alternatives_are_sorted_by_distance_earlier_first_on_ties():
    day = Day(HOURS, [SMALL], [_held(SMALL, "19:00", "21:00")])
    alternatives = nearest(Wish(MONDAY, 120), minutes("19:00"), day)
    assert _starts(alternatives) == ["17:00", "21:00", "16:30"]


def test_without_forgets_the_booking_being_moved():
    held = _held(SMALL, "19:00", "21:00")
    day = Day(HOURS, [SMALL], [held]).without(held.id)
    assert free_at(Wish(MONDAY, 120), minutes("19:30"), day) is not None


@pytest.mark.parametrize(("minutes_", "step"), [(60, 0), (60, -30), (60, 1441), (0, 30), (-5, 30)])
def test_a_wish_that_would_never_end_the_slot_search_is_refused(minutes_, step):
    with pytest.raises(InvalidInput):
        Wish(MONDAY, minutes_, 2, step=step)


def test_the_finest_step_still_gives_a_bounded_day():
    slots = free_slots(Wish(MONDAY, 60, 2, step=1), Day(HOURS, [SMALL], []))
    assert len(slots) == minutes("22:00") - minutes("12:00") + 1
