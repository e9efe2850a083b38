import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.booking import admin
from core.booking import commands as c
from core.booking.model import ResourceType
from core.booking.venue import Period
from tests.fakes import FakeBookingUnitOfWork, FakeClock

TENANT = uuid.UUID("00000000-0000-4000-8000-000000000001")
OUTLET = uuid.UUID("00000000-0000-4000-8000-0000000000a1")
PHONE = "+34600111222"
# Thursday 13 March 2025, 10:00 in Madrid; "tomorrow" is Friday the 14th.
NOW = datetime(2025, 3, 13, 9, 0, tzinfo=UTC)
TOMORROW = date(2025, 3, 14)
# The demo restaurant: Mon-Thu 12-23, Fri 12-24, Sat 10-24, Sun 10-22.
WEEK = [(d, 12 * 60, 23 * 60) for d in range(4)] + [
    (4, 12 * 60, 24 * 60),
    (5, 10 * 60, 24 * 60),
    (6, 10 * 60, 22 * 60),
]
TABLES = [("Table 1", 2), ("Table 2", 2), ("Table 3", 4), ("Table 4", 6)]


def minutes(hhmm: str) -> int:
    hour, minute = hhmm.split(":")
    return int(hour) * 60 + int(minute)


@pytest.fixture
def uow() -> FakeBookingUnitOfWork:
    return FakeBookingUnitOfWork()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
async def tables(uow) -> dict[str, object]:
    """The restaurant's tables by name, and its weekly hours."""
    periods = tuple(Period(*p) for p in WEEK)
    await admin.set_opening_hours(c.SetOpeningHours(TENANT, OUTLET, periods), uow)
    made = {}
    for name, seats in TABLES:
        fields = {"name": name, "type": ResourceType.TABLE, "capacity": seats}
        made[name] = await admin.create_resource(c.CreateResource(TENANT, OUTLET, fields), uow)
    return made


@pytest.fixture
async def court(uow, tables):
    fields = {
        "name": "Court A",
        "type": ResourceType.COURT,
        "capacity": 4,
        "hourly_rate": Decimal("20.00"),
    }
    return await admin.create_resource(c.CreateResource(TENANT, OUTLET, fields), uow)
