"""The demo seed is idempotent, and the contention benchmark sees exactly one winner."""

from datetime import date, timedelta

from sqlalchemy.engine import URL

from adapters.postgres.urls import plain
from core.booking import admin
from core.booking import commands as c
from core.shared.paging import PageQuery
from services.booking.seed import demo_closed_dates, seed_demo_booking
from services.tools.bench_booking import run

from .booking_support import OUTLET, TENANT, booking_uow

__all__ = ["booking_uow"]


async def test_seeding_twice_leaves_eight_tables_and_the_week(booking_uow, database_url: URL):
    for _ in range(2):
        await seed_demo_booking(plain(database_url), TENANT, OUTLET)
    tables = await admin.list_resources(c.ListResources(TENANT, PageQuery()), booking_uow())
    assert sorted(t.capacity for t in tables.items) == [2, 2, 4, 4, 4, 4, 6, 6]
    hours = await admin.get_opening_hours(TENANT, OUTLET, booking_uow())
    assert len(hours.periods) == 7 and hours.periods[4].closes == 24 * 60
    # The calendar agrees with opening-hours.md: closed on Christmas Day and New Year's Day.
    christmas = date(date.today().year, 12, 25)
    assert hours.on(christmas) == [] and hours.on(date(date.today().year + 1, 1, 1)) == []
    assert hours.on(christmas + timedelta(days=1))  # the 26th is open


def test_closed_dates_run_from_today_for_the_years_ahead():
    closed = demo_closed_dates(date(2026, 12, 26))
    assert closed == (date(2027, 1, 1), date(2027, 12, 25), date(2028, 1, 1), date(2028, 12, 25))


async def test_bench_one_winner_under_contention_then_all_spread(db, database_url: URL):
    figures = await run(plain(database_url), tasks=30)
    assert figures["rounds"]["contention"]["succeeded"] == 1
    assert figures["rounds"]["spread"]["succeeded"] == 30
    assert figures["conflicts"] == 29 and figures["bookings_per_s"] > 0
