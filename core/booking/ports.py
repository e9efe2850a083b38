"""What the booking use cases need from the outside world."""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


class ReminderRepository(Protocol):
    """Which confirmed bookings still await their reminder (core.booking.reminders)."""

    async def candidates(self, first: date, last: date) -> list[Booking]:
        """Confirmed bookings on those dates not yet reminded, soonest first."""

    async def hold(self, booking_id: uuid.UUID) -> Booking | None:
        """The booking, locked for this transaction, if it still awaits its reminder and no
        other transaction holds it."""

    async def mark_reminded(self, booking_id: uuid.UUID, at: datetime) -> None: ...


class BookingUnitOfWork(Protocol):
    """One transaction over the booking context's repositories."""

    resources: ResourceRepository
    hours: OpeningHoursRepository
    bookings: BookingRepository
    reminders: ReminderRepository
    facts: FactOutbox

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...


class OutletTimezones(Outlets, Protocol):
    """The tenant service's outlets: whose each one is, and its time zone."""

    async def outlet_timezone(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> str:
        """The outlet's IANA zone; "today" and "now" of a booking are local to it."""
        ...


class ReminderSettings(Protocol):
    """The tenant service: how long before a booking each tenant reminds its customers."""

    async def booking_reminder_minutes(self, tenant_id: uuid.UUID) -> int:
        """0: the tenant sends no reminders."""
        ...


class CustomerLanguages(Protocol):
    """The conversation service: the language the bot last spoke with a customer in."""

    async def language(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> str: ...


@dataclass(frozen=True, slots=True)
class Reminder:
    """A booking's reminder: the text and its two buttons (id, title) in the customer's
    language, and the tenant's template that says it outside the window."""

    booking: Booking
    text: str
    buttons: tuple[tuple[str, str], ...]
    template: str
    parameters: tuple[str, ...]


class ReminderNotifier(Protocol):
    """Messaging: sends the reminder (buttons inside the 24-hour window, the tenant's
    template outside it). Raises FailedPrecondition or InvalidInput when it cannot be sent
    at all, Unavailable when not now."""

    async def remind(self, reminder: Reminder) -> None: ...
