"""Use cases of staff setting up an outlet: resource CRUD and the weekly opening hours."""

import uuid
from dataclasses import replace
from datetime import date
from itertools import pairwise

from core.shared.errors import FailedPrecondition, InvalidInput, NotFound
from core.shared.outlets import Outlets
from core.shared.paging import Page
from core.shared.validation import validated

from . import commands as c
from .ports import BookingUnitOfWork
from .venue import RESOURCE_FIELDS, OpeningHours, Resource

_REQUIRED_ON_CREATE = ("name", "type")


async def _resource(
    uow: BookingUnitOfWork, tenant_id: uuid.UUID, resource_id: uuid.UUID
) -> Resource:
    resource = await uow.resources.get(tenant_id, resource_id)
    if resource is None:
        raise NotFound("resource", resource_id)
    return resource


async def create_resource(
    cmd: c.CreateResource, uow: BookingUnitOfWork, outlets: Outlets | None = None
) -> Resource:
    """A resource of one of the tenant's outlets (`outlets` None: the caller made the outlet)."""
    fields = {k: v for k, v in cmd.fields.items() if v is not None}
    for name in _REQUIRED_ON_CREATE:
        fields.setdefault(name, None)
    fields = validated(fields, RESOURCE_FIELDS, mask_field="resource")
    if outlets is not None:
        await outlets.ensure_outlet(cmd.tenant_id, cmd.outlet_id)
    async with uow:
        resource = await uow.resources.add(Resource(cmd.tenant_id, cmd.outlet_id, **fields))
        await uow.commit()
    return resource


async def get_resource(
    tenant_id: uuid.UUID, resource_id: uuid.UUID, uow: BookingUnitOfWork
) -> Resource:
    async with uow:
        return await _resource(uow, tenant_id, resource_id)


async def update_resource(cmd: c.UpdateResource, uow: BookingUnitOfWork) -> Resource:
    changes = validated(dict(cmd.changes), RESOURCE_FIELDS, mask_field="update_mask")
    async with uow:
        resource = await _resource(uow, cmd.tenant_id, cmd.resource_id)
        resource = await uow.resources.update(replace(resource, **changes))
        await uow.commit()
    return resource


async def list_resources(cmd: c.ListResources, uow: BookingUnitOfWork) -> Page[Resource]:
    async with uow:
        return await uow.resources.list(cmd)


async def delete_resource(
    tenant_id: uuid.UUID, resource_id: uuid.UUID, today: date, uow: BookingUnitOfWork
) -> None:
    """Refused while future bookings hold it; past bookings keep it (set it inactive)."""
    async with uow:
        resource = await _resource(uow, tenant_id, resource_id)
        if await uow.bookings.holds_future(resource_id, today):
            raise FailedPrecondition(f"resource {resource.name!r} has upcoming bookings")
        await uow.resources.delete(resource)
        await uow.commit()


async def set_opening_hours(
    cmd: c.SetOpeningHours, uow: BookingUnitOfWork, outlets: Outlets | None = None
) -> OpeningHours:
    """Replace the whole weekly schedule of one of the tenant's outlets (checked before anything
    is written; `outlets` None: the caller made the outlet); periods of a day must not overlap."""
    for day in range(7):
        spans = sorted((p.opens, p.closes) for p in cmd.periods if p.weekday == day)
        if any(later[0] < earlier[1] for earlier, later in pairwise(spans)):
            raise InvalidInput("periods", f"periods of weekday {day + 1} overlap")
    hours = OpeningHours(
        cmd.tenant_id, cmd.outlet_id, tuple(cmd.periods), tuple(sorted(set(cmd.closed_dates)))
    )
    if outlets is not None:
        await outlets.ensure_outlet(cmd.tenant_id, cmd.outlet_id)
    async with uow:
        hours = await uow.hours.replace(hours)
        await uow.commit()
    return hours


async def get_opening_hours(
    tenant_id: uuid.UUID, outlet_id: uuid.UUID, uow: BookingUnitOfWork
) -> OpeningHours:
    async with uow:
        return await uow.hours.get(tenant_id, outlet_id)
