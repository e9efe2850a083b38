"""Free slots, computed purely from opening hours, resources and the day's active bookings."""

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from core.shared.errors import InvalidInput

from .model import Booking, ResourceType
from .times import MIDNIGHT, overlaps
from .venue import OpeningHours, Resource

GRID_MINUTES = 30


@dataclass(frozen=True, slots=True)
class Slot:
    resource: Resource
    day: date
    start: int
    end: int

    @property
    def price(self) -> Decimal:
        return self.resource.price(self.end - self.start)


@dataclass(frozen=True, slots=True)
class Wish:
    """What is looked for: a date, a duration, who must fit, and a window for the start."""

    day: date
    minutes: int
    party_size: int = 1
    kind: ResourceType | None = None
    resource_id: uuid.UUID | None = None
    earliest: int = 0  # earliest start
    latest: int = MIDNIGHT  # latest end
    step: int = GRID_MINUTES

    def __post_init__(self) -> None:
        # Every start of the day is a step of the grid: a step or duration outside a day would
        # make the slot search never end (step <= 0) or answer nothing useful.
        if not 1 <= self.step <= MIDNIGHT:
            raise InvalidInput("slot_step_minutes", f"must be 1 to {MIDNIGHT} minutes")
        if not 1 <= self.minutes <= MIDNIGHT:
            raise InvalidInput("duration_minutes", f"must be 1 to {MIDNIGHT} minutes")

    def at(self, start: int) -> "Wish":
        """This wish narrowed to one exact start, on or off the grid."""
        return replace(self, earliest=start, latest=start + self.minutes, step=1)


@dataclass(frozen=True, slots=True)
class Day:
    """Everything availability depends on for one date of one outlet."""

    hours: OpeningHours
    resources: Sequence[Resource]
    bookings: Sequence[Booking]

    def without(self, booking_id: uuid.UUID) -> "Day":
        """The day as if that booking (being moved) did not hold its slot."""
        return replace(self, bookings=[b for b in self.bookings if b.id != booking_id])


def _starts(wish: Wish, hours: OpeningHours) -> Iterator[int]:
    for opens, closes in hours.on(wish.day):
        first = max(opens, wish.earliest)
        start = -(-first // wish.step) * wish.step  # up to the grid
        while start + wish.minutes <= min(closes, wish.latest):
            yield start
            start += wish.step


def _candidates(wish: Wish, resources: Iterable[Resource]) -> list[Resource]:
    """Resources that fit, smallest first, so big tables stay free for big parties."""
    fitting = [r for r in resources if r.fits(wish.party_size, wish.kind)]
    if wish.resource_id:
        fitting = [r for r in fitting if r.id == wish.resource_id]
    return sorted(fitting, key=lambda r: (r.capacity, r.name))


def free_slots(wish: Wish, day: Day) -> list[Slot]:
    """Every free (start, resource) pair: earliest first, then smallest capacity."""
    busy: dict[uuid.UUID, list[tuple[int, int]]] = {}
    for booking in day.bookings:
        if booking.is_active and booking.booking_date == wish.day:
            busy.setdefault(booking.resource_id, []).append((booking.start, booking.end))
    fitting = _candidates(wish, day.resources)
    return [
        Slot(resource, wish.day, start, start + wish.minutes)
        for start in _starts(wish, day.hours)
        for resource in fitting
        if not any(
            overlaps(start, start + wish.minutes, *held) for held in busy.get(resource.id, ())
        )
    ]


def free_at(wish: Wish, start: int, day: Day, prefer: uuid.UUID | None = None) -> Slot | None:
    """A free slot starting exactly then: on the preferred resource if it is free."""
    slots = free_slots(wish.at(start), day)
    preferred = [slot for slot in slots if slot.resource.id == prefer]
    return (preferred or slots or [None])[0]


def nearest(wish: Wish, wished_start: int, day: Day, count: int = 3) -> list[Slot]:
    """The free start times closest to the wished one (one resource each), closest first."""
    first_per_start: dict[int, Slot] = {}
    for slot in free_slots(wish, day):
        first_per_start.setdefault(slot.start, slot)
    by_distance = sorted(
        first_per_start.values(), key=lambda s: (abs(s.start - wished_start), s.start)
    )
    return by_distance[:count]
