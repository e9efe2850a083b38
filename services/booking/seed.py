"""The demo restaurant's tables and opening hours (services/demo/documents/opening-hours.md)."""

import uuid
from datetime import date

from adapters.postgres.booking_repository import SqlAlchemyBookingUnitOfWork
from adapters.postgres.database import units_of_work
from core.booking import admin
from core.booking import commands as c
from core.booking.model import ResourceType
from core.booking.venue import Period

# Table 1-2 seat 2, Table 3-6 seat 4, Table 7-8 seat 6; tables are free (hourly_rate 0).
DEMO_TABLES = [(f"Table {n}", 2 if n <= 2 else 4 if n <= 6 else 6) for n in range(1, 9)]
_H = 60
# Mon-Thu 12-23, Fri 12-24, Sat 10-24, Sun 10-22 (weekday 0 = Monday).
DEMO_WEEK = (
    *(Period(day, 12 * _H, 23 * _H) for day in range(4)),
    Period(4, 12 * _H, 24 * _H),
    Period(5, 10 * _H, 24 * _H),
    Period(6, 10 * _H, 22 * _H),
)

# "Open on every public holiday except 25 December and 1 January": this year's and the next
# two, so the bot never books a day the documents say is closed. (The 18:00 close on 24 and
# 31 December needs hours per date, which the calendar does not have yet.)
YEARS_AHEAD = 2


def demo_closed_dates(today: date) -> tuple[date, ...]:
    years = range(today.year, today.year + YEARS_AHEAD + 1)
    return tuple(d for y in years for d in (date(y, 1, 1), date(y, 12, 25)) if d >= today)


async def seed_demo_booking(database_url: str, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> None:
    """Create the tables that are missing and set the weekly hours (safe to repeat)."""
    tenant_id, outlet_id = uuid.UUID(str(tenant_id)), uuid.UUID(str(outlet_id))
    async with units_of_work(database_url, SqlAlchemyBookingUnitOfWork) as units:
        async with units() as uow:
            existing = {r.name for r in await uow.resources.of_outlet(tenant_id, outlet_id)}
        for name, seats in DEMO_TABLES:
            if name not in existing:
                fields = {"name": name, "type": ResourceType.TABLE, "capacity": seats}
                command = c.CreateResource(tenant_id, outlet_id, fields)
                await admin.create_resource(command, units())
        hours = c.SetOpeningHours(tenant_id, outlet_id, DEMO_WEEK, demo_closed_dates(date.today()))
        await admin.set_opening_hours(hours, units())
