"""Postgres repository of outlets' weekly opening periods and closed dates."""

import uuid

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking.venue import OpeningHours

from . import booking_rows as rows
from .models.booking import ClosedDateRow, OpeningHoursRow


class SqlAlchemyOpeningHoursRepository:
    """An outlet's weekly periods and closed dates, replaced as a whole."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> OpeningHours:
        scope = (OpeningHoursRow.tenant_id == tenant_id, OpeningHoursRow.outlet_id == outlet_id)
        periods = list(await self._session.scalars(select(OpeningHoursRow).where(*scope)))
        closed = await self._session.scalars(
            select(ClosedDateRow.closed_on)
            .where(ClosedDateRow.tenant_id == tenant_id, ClosedDateRow.outlet_id == outlet_id)
            .order_by(ClosedDateRow.closed_on)
        )
        return OpeningHours(
            tenant_id,
            outlet_id,
            tuple(
                sorted((rows.period(row) for row in periods), key=lambda p: (p.weekday, p.opens))
            ),
            tuple(closed),
            max((row.updated_at for row in periods), default=None),
        )

    async def replace(self, hours: OpeningHours) -> OpeningHours:
        owner = {"tenant_id": hours.tenant_id, "outlet_id": hours.outlet_id}
        for table in (OpeningHoursRow, ClosedDateRow):
            await self._session.execute(
                delete(table).where(
                    table.tenant_id == hours.tenant_id, table.outlet_id == hours.outlet_id
                )
            )
        if hours.periods:
            values = [{**owner, **rows.period_values(p)} for p in hours.periods]
            await self._session.execute(insert(OpeningHoursRow), values)
        if hours.closed_dates:
            values = [{**owner, "closed_on": day} for day in hours.closed_dates]
            await self._session.execute(insert(ClosedDateRow), values)
        return await self.get(hours.tenant_id, hours.outlet_id)
