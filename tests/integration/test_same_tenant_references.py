"""The database refuses a row that points at another tenant's row (migration 0014): every
reference between tenant-owned tables is a foreign key on (tenant_id, id)."""

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from .test_row_level_security import Catalog, _fill
from .test_row_level_security import tier as tier  # a fixture

REFERENCES = text(
    "SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,"
    " ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)"
    "       JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY i),"
    " ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)"
    "       JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY i)"
    " FROM pg_constraint c WHERE c.contype = 'f'"
)


async def _references_between(engine: AsyncEngine, owned: set[str]) -> list[tuple]:
    """(name, table, parent, columns, parent columns) of each key between tenant-owned rows."""
    async with engine.connect() as conn:
        rows = await conn.execute(REFERENCES)
        return [
            tuple(row)
            for row in rows
            if row[1] in owned and row[2] in owned and row[2] != "tenant.tenants"
        ]


async def test_every_reference_between_tenant_rows_carries_the_tenant(engine: AsyncEngine):
    catalog = await Catalog.read(engine)
    references = await _references_between(engine, set(catalog.tenant_column))
    assert len(references) == 12, "a reference was added or lost: check it carries tenant_id"
    for name, _, _, columns, parent_columns in references:
        assert columns[0] == "tenant_id" and parent_columns == ["tenant_id", "id"], name


async def test_a_row_pointing_at_another_tenants_row_is_refused(
    db: AsyncEngine, engine_as, tier: str
):
    catalog = await Catalog.read(db)
    a, b = uuid.uuid4(), uuid.uuid4()
    rows = await _fill(engine_as, catalog, (a, b))
    references = await _references_between(db, set(catalog.tenant_column))
    parents = {parent for _, _, parent, _, _ in references}
    for name, table, parent, columns, _ in references:
        column, theirs = columns[1], rows[a][parent]["id"]
        # As the owner, to whom row-level security does not apply: the key alone refuses it.
        async with db.connect() as conn:
            await conn.begin()
            if table not in parents:  # A's own row would hold B's copy to another unique key
                await conn.execute(text(f"DELETE FROM {table} WHERE tenant_id = :a"), {"a": a})
            with pytest.raises(IntegrityError, match=name):
                await conn.execute(
                    text(f"UPDATE {table} SET {column} = :theirs WHERE tenant_id = :b"),
                    {"theirs": theirs, "b": b},
                )
            await conn.rollback()
        async with db.begin() as conn:  # the same tenant's row is accepted
            updated = await conn.execute(
                text(f"UPDATE {table} SET {column} = :mine WHERE tenant_id = :b"),
                {"mine": rows[b][parent]["id"], "b": b},
            )
            assert updated.rowcount == 1, table
