"""The demo seed is idempotent, and the contention benchmark sees exactly one winner."""

from sqlalchemy.engine import URL

from adapters.postgres.urls import plain
from core.booking import admin
from core.booking import commands as c
from core.shared.paging import PageQuery
from services.booking.seed import seed_demo_booking
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


async def test_bench_one_winner_under_contention_then_all_spread(db, database_url: URL):
    figures = await run(plain(database_url), tasks=30)
    assert figures["rounds"]["contention"]["succeeded"] == 1
    assert figures["rounds"]["spread"]["succeeded"] == 30
    assert figures["conflicts"] == 29 and figures["bookings_per_s"] > 0
