"""Who opted out of a tenant's messages (messaging.opt_outs), kept and checked per tenant."""

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.messaging.opt_out import OptOut
from core.shared.paging import Page, PageQuery

from .models.messaging import OptOutRow
from .paging import Keyset, paginate, split_page

_NEWEST_FIRST = Keyset(OptOutRow.opted_out_at, OptOutRow.id, lambda r: r.opted_out_at, True)


def _opt_out(row: OptOutRow) -> OptOut:
    return OptOut(row.tenant_id, row.customer_phone, row.opted_out_at, row.refused_sends)


class SqlAlchemyOptOutRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def opt_out(self, tenant_id, customer_phone: str) -> None:
        """Opted out from now; a second STOP keeps the first one's time and count."""
        row = {"tenant_id": tenant_id, "customer_phone": customer_phone}
        await self._session.execute(insert(OptOutRow).values(row).on_conflict_do_nothing())

    async def opt_in(self, tenant_id, customer_phone: str) -> None:
        await self._session.execute(
            delete(OptOutRow).where(
                OptOutRow.tenant_id == tenant_id, OptOutRow.customer_phone == customer_phone
            )
        )

    async def refuse(self, tenant_id, customer_phone: str) -> bool:
        """Count a refused send when the customer opted out; whether they did."""
        counted = await self._session.execute(
            update(OptOutRow)
            .where(OptOutRow.tenant_id == tenant_id, OptOutRow.customer_phone == customer_phone)
            .values(refused_sends=OptOutRow.refused_sends + 1)
        )
        return counted.rowcount > 0

    async def list(self, tenant_id, page: PageQuery) -> Page[OptOut]:
        statement = select(OptOutRow).where(OptOutRow.tenant_id == tenant_id)
        rows = (
            await self._session.scalars(paginate(statement, OptOutRow, page, _NEWEST_FIRST))
        ).all()
        kept, token = split_page(rows, page, _NEWEST_FIRST)
        return Page([_opt_out(row) for row in kept], token)
