"""Where a booking goes: the day's picture, free slots, the slot for a wish, alternatives."""

import uuid
from dataclasses import dataclass
from datetime import date

from core.shared.errors import InvalidInput, NotFound

from .availability import Day, Slot, Wish, free_at, free_slots, nearest
from .errors import SlotTaken
from .model import ResourceType, default_minutes
from .phrases import IN_ENGLISH
from .ports import BookingUnitOfWork
from .venue import Resource


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a booking should go: an exact start, and a resource or who must fit."""

    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    day: date
    start: int
    end: int | None
    party_size: int
    kind: ResourceType | None = None
    resource_id: uuid.UUID | None = None


async def day_of(
    uow: BookingUnitOfWork, tenant_id: uuid.UUID, outlet_id: uuid.UUID, day: date
) -> Day:
    return Day(
        await uow.hours.get(tenant_id, outlet_id),
        await uow.resources.of_outlet(tenant_id, outlet_id),
        await uow.bookings.active_on(tenant_id, outlet_id, day),
    )


async def _explicit(uow: BookingUnitOfWork, where: Placement) -> Resource | None:
    """The resource the caller named, checked to be bookable for the party."""
    if where.resource_id is None:
        return None
    resource = await uow.resources.get(where.tenant_id, where.resource_id)
    if resource is None or resource.outlet_id != where.outlet_id:
        raise NotFound("resource", where.resource_id)
    if resource.capacity < where.party_size:
        raise InvalidInput("party_size", f"{resource.name} takes at most {resource.capacity}")
    if not resource.fits(where.party_size):
        raise InvalidInput("resource_id", f"{resource.name} is {resource.status.value}")
    return resource


def _wish(where: Placement, resource: Resource | None) -> Wish:
    kind = resource.type if resource else where.kind
    minutes = (where.end - where.start) if where.end is not None else default_minutes(kind)
    if minutes <= 0:
        raise InvalidInput("end_time", "must be after start_time")
    return Wish(where.day, minutes, where.party_size, where.kind, where.resource_id)


async def place(
    uow: BookingUnitOfWork, where: Placement, day: Day, prefer: uuid.UUID | None = None
) -> Slot:
    """The slot to write; a named resource is left to the database's no-overlap rule."""
    resource = await _explicit(uow, where)
    wish = _wish(where, resource)
    if not day.hours.covers(where.day, where.start, where.start + wish.minutes):
        raise InvalidInput(
            "start_time", f"{IN_ENGLISH.when(where.day, where.start)} is outside opening hours"
        )
    if resource:
        return Slot(resource, where.day, where.start, where.start + wish.minutes)
    slot = free_at(wish, where.start, day, prefer)
    if slot is None:
        raise SlotTaken()
    return slot


async def alternatives(
    uow: BookingUnitOfWork, where: Placement, moving: uuid.UUID | None = None
) -> tuple[Slot, ...]:
    """The free slots nearest the placement, read after a conflict (so they are current)."""
    async with uow:
        day = await day_of(uow, where.tenant_id, where.outlet_id, where.day)
    if moving:
        day = day.without(moving)
    wish = _wish(where, None)
    return tuple(
        nearest(Wish(wish.day, wish.minutes, where.party_size, where.kind), where.start, day)
    )


async def check_availability(
    wish: Wish, tenant_id: uuid.UUID, outlet_id: uuid.UUID, uow: BookingUnitOfWork, limit: int
) -> tuple[list[Slot], bool]:
    """Free slots earliest first, and whether the outlet opens that day at all."""
    async with uow:
        day = await day_of(uow, tenant_id, outlet_id, wish.day)
    return free_slots(wish, day)[:limit], bool(day.hours.on(wish.day))
