"""What the booking use cases need from the outside world."""

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Protocol, Self

from core.shared.facts import FactOutbox
from core.shared.outlets import Outlets
from core.shared.paging import Page

from .commands import ListBookings, ListResources
from .model import Booking
from .venue import OpeningHours, Resource

Clock = Callable[[], datetime]


class ResourceRepository(Protocol):
    async def add(self, resource: Resource) -> Resource: ...
    async def get(self, tenant_id: uuid.UUID, resource_id: uuid.UUID) -> Resource | None: ...
    async def update(self, resource: Resource) -> Resource: ...
    async def delete(self, resource: Resource) -> None: ...
    async def list(self, query: ListResources) -> Page[Resource]: ...
    async def of_outlet(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> Sequence[Resource]:
        """Every resource of the outlet, whatever its status."""
        ...


class OpeningHoursRepository(Protocol):
    async def get(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> OpeningHours:
        """The outlet's schedule; without periods (closed every day) when none was set."""
        ...

    async def replace(self, hours: OpeningHours) -> OpeningHours: ...


class BookingRepository(Protocol):
    async def add(self, booking: Booking) -> Booking:
        """Raises SlotTaken on an overlap, BookingNumberTaken when the number is in use."""
        ...

    async def get(
        self, tenant_id: uuid.UUID, booking_id: uuid.UUID, *, for_update: bool = False
    ) -> Booking | None: ...
    async def update(self, booking: Booking) -> Booking:
        """Raises SlotTaken when the booking's new slot overlaps another active one."""
        ...

    async def list(self, query: ListBookings) -> Page[Booking]:
        """By booking_date and start time."""
        ...

    async def active_on(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID, day: date
    ) -> Sequence[Booking]:
        """The pending and confirmed bookings of the outlet on that date."""
        ...

    async def upcoming(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID, customer_phone: str, today: date
    ) -> Sequence[Booking]:
        """The customer's active bookings from today on, soonest first."""
        ...

    async def holds_future(self, resource_id: uuid.UUID, today: date) -> bool:
        """Whether an active booking from today on uses the resource."""
        ...


class BookingUnitOfWork(Protocol):
    """One transaction over the booking context's repositories."""

    resources: ResourceRepository
    hours: OpeningHoursRepository
    bookings: BookingRepository
    facts: FactOutbox

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...


class OutletTimezones(Outlets, Protocol):
    """The tenant service's outlets: whose each one is, and its time zone."""

    async def outlet_timezone(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> str:
        """The outlet's IANA zone; "today" and "now" of a booking are local to it."""
        ...
