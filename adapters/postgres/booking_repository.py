"""Postgres repositories and unit of work of the booking context."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.commands import ListBookings, ListResources
from core.booking.errors import BookingNumberTaken, SlotTaken
from core.booking.model import ACTIVE, Booking
from core.booking.venue import Resource
from core.shared.errors import FailedPrecondition
from core.shared.paging import Page

from . import booking_rows as rows
from .booking_reminders import SqlAlchemyReminderRepository
from .errors import EXCLUSION_VIOLATION, FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION
from .fact_outbox import SqlAlchemyFactOutbox
from .models.booking import BookingRow, PendingFactRow, ResourceRow
from .opening_hours_repository import SqlAlchemyOpeningHoursRepository
from .paging import Keyset
from .table import Table
from .unit_of_work import SqlAlchemyUnitOfWork

RESTRICT_VIOLATION = "23001"  # ON DELETE RESTRICT: bookings still refer to the resource
_ACTIVE = [status.value for status in ACTIVE]
_BY_SLOT = Keyset(
    BookingRow.booking_date + BookingRow.start_time,
    BookingRow.id,
    lambda row: datetime.combine(row.booking_date, row.start_time),
)


def _refusal(error: IntegrityError) -> tuple[str, str]:
    """(SQLSTATE, constraint) of the driver's error under SQLAlchemy's wrapper."""
    original = getattr(error.orig, "__cause__", None) or error.orig
    return getattr(original, "sqlstate", ""), getattr(original, "constraint_name", "") or ""


def _filters(query: ListBookings) -> list:
    where = [BookingRow.tenant_id == query.tenant_id]
    for name in ("outlet_id", "resource_id", "conversation_id", "status"):
        value = getattr(query, name)
        if value:
            where.append(getattr(BookingRow, name) == getattr(value, "value", value))
    if query.customer_phone:
        where.append(BookingRow.customer_phone == query.customer_phone)
    if query.start_date:
        where.append(BookingRow.booking_date >= query.start_date)
    if query.end_date:
        where.append(BookingRow.booking_date <= query.end_date)
    return where


class SqlAlchemyResourceRepository(Table[Resource]):
    """Every read and write is scoped by tenant."""

    row = ResourceRow
    to_entity = staticmethod(rows.resource)
    immutable = ("id", "tenant_id")

    async def get(self, tenant_id: uuid.UUID, resource_id: uuid.UUID) -> Resource | None:
        return await self._one(ResourceRow.tenant_id == tenant_id, ResourceRow.id == resource_id)

    async def delete(self, resource: Resource) -> None:
        try:
            await self._session.execute(delete(ResourceRow).where(ResourceRow.id == resource.id))
        except IntegrityError as error:
            if _refusal(error)[0] not in (FOREIGN_KEY_VIOLATION, RESTRICT_VIOLATION):
                raise
            raise FailedPrecondition(
                f"resource {resource.name!r} has past bookings; set it inactive instead"
            ) from None

    async def list(self, query: ListResources) -> Page[Resource]:
        where = [ResourceRow.tenant_id == query.tenant_id]
        for name in ("outlet_id", "type", "status"):
            value = getattr(query, name)
            if value:
                where.append(getattr(ResourceRow, name) == getattr(value, "value", value))
        return await self._page(query.page, *where)

    async def of_outlet(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> Sequence[Resource]:
        where = (ResourceRow.tenant_id == tenant_id, ResourceRow.outlet_id == outlet_id)
        found = await self._session.scalars(select(ResourceRow).where(*where))
        return [rows.resource(row) for row in found]


class SqlAlchemyBookingRepository(Table[Booking]):
    """Every read and write is scoped by tenant; the database refuses overlaps."""

    row = BookingRow
    to_entity = staticmethod(rows.booking)
    to_values = staticmethod(rows.booking_values)
    immutable = ("id", "tenant_id")

    async def _guarded(self, write) -> Booking:
        """The write, with the no-overlap and number rules' refusals as domain errors."""
        try:
            return await write
        except IntegrityError as error:
            sqlstate, constraint = _refusal(error)
            if sqlstate == EXCLUSION_VIOLATION:
                raise SlotTaken() from None
            if sqlstate == UNIQUE_VIOLATION and constraint.endswith("booking_number"):
                raise BookingNumberTaken() from None
            raise

    async def add(self, booking: Booking) -> Booking:
        return await self._guarded(super().add(booking))

    async def update(self, booking: Booking) -> Booking:
        # A booking moved to another time is reminded again, of the new time.
        await self._session.execute(
            update(BookingRow)
            .where(
                BookingRow.id == booking.id,
                or_(
                    BookingRow.booking_date != booking.booking_date,
                    BookingRow.start_time != rows.to_time(booking.start),
                ),
            )
            .values(reminded_at=None)
        )
        return await self._guarded(super().update(booking))

    async def get(
        self, tenant_id: uuid.UUID, booking_id: uuid.UUID, *, for_update: bool = False
    ) -> Booking | None:
        statement = select(BookingRow).where(
            BookingRow.tenant_id == tenant_id, BookingRow.id == booking_id
        )
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        row = await self._session.scalar(statement)
        return rows.booking(row) if row else None

    async def list(self, query: ListBookings) -> Page[Booking]:
        return await self._page(query.page, *_filters(query), order=_BY_SLOT)

    async def _active(self, *where) -> Sequence[Booking]:
        statement = (
            select(BookingRow)
            .where(BookingRow.status.in_(_ACTIVE), *where)
            .order_by(BookingRow.booking_date, BookingRow.start_time)
        )
        return [rows.booking(row) for row in await self._session.scalars(statement)]

    async def active_on(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID, day: date
    ) -> Sequence[Booking]:
        return await self._active(
            BookingRow.tenant_id == tenant_id,
            BookingRow.outlet_id == outlet_id,
            BookingRow.booking_date == day,
        )

    async def upcoming(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID, customer_phone: str, today: date
    ) -> Sequence[Booking]:
        return await self._active(
            BookingRow.tenant_id == tenant_id,
            BookingRow.outlet_id == outlet_id,
            BookingRow.customer_phone == customer_phone,
            BookingRow.booking_date >= today,
        )

    async def holds_future(self, resource_id: uuid.UUID, today: date) -> bool:
        held = exists().where(
            BookingRow.resource_id == resource_id,
            BookingRow.status.in_(_ACTIVE),
            BookingRow.booking_date >= today,
        )
        return bool(await self._session.scalar(select(held)))


class SqlAlchemyBookingUnitOfWork(SqlAlchemyUnitOfWork):
    resources: SqlAlchemyResourceRepository
    hours: SqlAlchemyOpeningHoursRepository
    bookings: SqlAlchemyBookingRepository
    reminders: SqlAlchemyReminderRepository
    facts: SqlAlchemyFactOutbox

    def attach(self, session: AsyncSession) -> None:
        self.resources = SqlAlchemyResourceRepository(session)
        self.hours = SqlAlchemyOpeningHoursRepository(session)
        self.bookings = SqlAlchemyBookingRepository(session)
        self.reminders = SqlAlchemyReminderRepository(session)
        self.facts = SqlAlchemyFactOutbox(session, PendingFactRow)
