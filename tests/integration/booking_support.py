"""Fixtures the booking integration tests share: units of work and a restaurant to book."""

import uuid
from datetime import date, timedelta

import pytest

from adapters.postgres.booking_repository import SqlAlchemyBookingUnitOfWork
from adapters.postgres.database import session_factory
from core.booking import admin
from core.booking import commands as c
from core.booking.model import ResourceType
from core.booking.venue import Period

TENANT = uuid.UUID("00000000-0000-4000-8000-000000000001")
OTHER_TENANT = uuid.UUID("00000000-0000-4000-8000-000000000002")
OUTLET = uuid.UUID("00000000-0000-4000-8000-0000000000a1")
PHONE = "+34600111222"


def friday_ahead(weeks: int = 8) -> date:
    """A Friday some weeks from today: every slot is upcoming, and the day lies within the
    year ahead that bookings may be made for."""
    today = date.today()
    return today + timedelta(weeks=weeks, days=(4 - today.weekday()) % 7)


FRIDAY = friday_ahead()
WEEK = [Period(d, 12 * 60, 23 * 60) for d in range(4)] + [
    Period(4, 12 * 60, 24 * 60),
    Period(5, 10 * 60, 24 * 60),
    Period(6, 10 * 60, 22 * 60),
]


@pytest.fixture
def booking_uow(db):
    """A factory of the booking context's Postgres units of work."""
    sessions = session_factory(db)
    return lambda: SqlAlchemyBookingUnitOfWork(sessions)


@pytest.fixture
async def restaurant(booking_uow):
    """Tables 1-3 (2, 4 and 6 seats) and the demo restaurant's hours; tables by name."""
    await admin.set_opening_hours(c.SetOpeningHours(TENANT, OUTLET, tuple(WEEK)), booking_uow())
    tables = {}
    for name, seats in (("Table 1", 2), ("Table 2", 4), ("Table 3", 6)):
        fields = {"name": name, "type": ResourceType.TABLE, "capacity": seats}
        command = c.CreateResource(TENANT, OUTLET, fields)
        tables[name] = await admin.create_resource(command, booking_uow())
    return tables
