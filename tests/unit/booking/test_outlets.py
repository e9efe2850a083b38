"""Resources and opening hours go only on the tenant's own outlets; another tenant's outlet id
is refused as not found before anything is written."""

import pytest

from core.booking import admin
from core.booking import commands as c
from core.booking.model import ResourceType
from core.booking.venue import Period
from core.shared.errors import NotFound
from tests.fakes import FakeOutlets

from .conftest import OUTLET, TENANT

COURT = {"name": "Court 1", "type": ResourceType.COURT, "capacity": 4}
MONDAY = (Period(0, 9 * 60, 21 * 60),)


async def test_a_resource_on_another_tenants_outlet_is_not_found(uow):
    command = c.CreateResource(TENANT, OUTLET, COURT)
    with pytest.raises(NotFound, match=f"outlet {OUTLET}"):
        await admin.create_resource(command, uow, FakeOutlets(OUTLET))
    assert (uow.resources.rows, uow.commits) == ({}, 0)
    made = await admin.create_resource(command, uow, FakeOutlets())
    assert (made.tenant_id, made.outlet_id) == (TENANT, OUTLET)


async def test_hours_for_another_tenants_outlet_are_not_found_and_not_stored(uow):
    command = c.SetOpeningHours(TENANT, OUTLET, MONDAY)
    with pytest.raises(NotFound, match=f"outlet {OUTLET}"):
        await admin.set_opening_hours(command, uow, FakeOutlets(OUTLET))
    assert (uow.hours.schedules, uow.commits) == ({}, 0)
    assert (await admin.set_opening_hours(command, uow, FakeOutlets())).periods == MONDAY
