"""One table's rows as one entity type: the insert, fetch, update and paging repositories share."""

from collections.abc import Callable
from dataclasses import asdict
from typing import Any, Generic, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.shared.paging import Page, PageQuery

from .paging import Keyset, paginate, split_page

E = TypeVar("E")


def writable(entity: Any) -> dict[str, Any]:
    """An entity's fields as column values, less the timestamps the database keeps."""
    values = asdict(entity)
    for name in ("created_at", "updated_at"):
        values.pop(name)
    return values


class Table(Generic[E]):
    """Insert, fetch, update and page one table's rows as one entity type."""

    row: Any
    to_entity: Callable[[Any], E]
    to_values: Callable[[E], dict[str, Any]] = staticmethod(writable)
    immutable: tuple[str, ...] = ("id",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entity: E) -> E:
        statement = insert(self.row).values(**self.to_values(entity)).returning(self.row)
        return type(self).to_entity(await self._session.scalar(statement))

    async def _one(self, *where: Any) -> E | None:
        row = await self._session.scalar(select(self.row).where(*where))
        return type(self).to_entity(row) if row else None

    async def update(self, entity: E) -> E:
        values = self.to_values(entity)
        keys = {name: values.pop(name) for name in self.immutable}
        statement = (
            update(self.row)
            .where(*(getattr(self.row, name) == value for name, value in keys.items()))
            .values(**values)
            .returning(self.row)
            .execution_options(populate_existing=True)
        )
        return type(self).to_entity(await self._session.scalar(statement))

    async def _page(self, page: PageQuery, *where: Any, order: Keyset | None = None) -> Page[E]:
        statement = paginate(select(self.row).where(*where), self.row, page, order)
        rows, token = split_page((await self._session.scalars(statement)).all(), page, order)
        return Page([type(self).to_entity(row) for row in rows], token)
