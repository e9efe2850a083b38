"""Bookings awaiting their reminder (booking.bookings.reminded_at), held while it is sent."""

import uuid
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.model import Booking, BookingStatus

from . import booking_rows as rows
from .models.booking import BookingRow

_WAITING = (BookingRow.status == BookingStatus.CONFIRMED.value, BookingRow.reminded_at.is_(None))


class SqlAlchemyReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def candidates(self, first: date, last: date) -> list[Booking]:
        found = await self._session.scalars(
            select(BookingRow)
            .where(*_WAITING, BookingRow.booking_date.between(first, last))
            .order_by(BookingRow.booking_date, BookingRow.start_time)
        )
        return [rows.booking(row) for row in found]

    async def hold(self, booking_id: uuid.UUID) -> Booking | None:
        row = await self._session.scalar(
            select(BookingRow)
            .where(BookingRow.id == booking_id, *_WAITING)
            .with_for_update(skip_locked=True)
        )
        return rows.booking(row) if row else None

    async def mark_reminded(self, booking_id: uuid.UUID, at: datetime) -> None:
        await self._session.execute(
            update(BookingRow).where(BookingRow.id == booking_id).values(reminded_at=at)
        )
