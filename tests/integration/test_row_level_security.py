"""Tenant isolation held by PostgreSQL itself: row-level security on every tenant-owned table,
the services' role crm_service, and the scope every transaction sets from core.shared.scope.

Tables are read from the migrated database, not listed here, so a table added later is checked
without touching this file; its rows are generated from its NOT NULL columns and foreign keys.
"""

import asyncio
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from graphlib import TopologicalSorter
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from adapters.postgres.database import SET_SCOPE, session_factory
from adapters.postgres.unit_of_work import SqlAlchemyUnitOfWork
from adapters.postgres.urls import plain
from core.shared import scope
from services import database
from services.settings import Settings

SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")
TIER = "rls-tier"
# Values a generic one would break a CHECK (or a foreign key to a global table) with.
VALUES: dict[str, dict[str, Any]] = {
    "billing.alerts": {"kind": "quota_80"},
    "billing.deposit_ledger": {"kind": "top_up"},
    "billing.subscriptions": {"tier": TIER},
    "billing.usage_events": {"usage_type": "messages_in"},
    "billing.usage_records": {"usage_type": "messages_in"},
    "messaging.usage_pending": {"usage_type": "messages_in"},
    "booking.bookings": {"start_time": time(10), "end_time": time(11)},
    "booking.opening_hours": {"opens_at": time(9), "closes_at": time(17)},
    "booking.resources": {"type": "court"},
    "conversation.messages": {"sender_type": "customer"},
    "orders.stock_adjustments": {"adjustment_type": "restock"},
    "tenant.users": {"role": "owner"},
}
RLS_REFUSED = "row-level security"


def _generic(table: str, column: str, udt: str, max_length: int | None) -> Any:
    if udt in ("varchar", "text"):
        return f"rls-{uuid.uuid4().hex}"[: max_length or 40]
    values = {
        "uuid": uuid.uuid4(),
        "int2": 1,
        "int4": 1,
        "int8": 1,
        "numeric": Decimal(1),
        "bool": True,
        "date": date(2030, 1, 7),
        "time": time(12),
        "timestamptz": datetime.now(UTC),
        "jsonb": "{}",
    }
    if udt not in values:
        raise AssertionError(f"add a value for {table}.{column} ({udt}) to VALUES")
    return values[udt]


class Catalog:
    """The tenant-owned tables of the migrated database: columns to fill, keys to follow."""

    def __init__(self) -> None:
        self.tenant_column: dict[str, str] = {"tenant.tenants": "id"}
        self.nullable: set[str] = set()
        self.required: dict[str, list[tuple[str, str, int | None]]] = {}
        self.references: dict[str, dict[str, tuple[str, str]]] = {}

    @classmethod
    async def read(cls, engine: AsyncEngine) -> "Catalog":
        catalog = cls()
        async with engine.connect() as conn:
            tenant_columns = await conn.execute(
                text(
                    "SELECT c.table_schema || '.' || c.table_name, c.is_nullable"
                    " FROM information_schema.columns c JOIN information_schema.tables t"
                    "   USING (table_schema, table_name)"
                    " WHERE c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'"
                    "   AND c.table_schema <> ALL(:system)"
                ),
                {"system": list(SYSTEM_SCHEMAS)},
            )
            for table, nullable in tenant_columns:
                catalog.tenant_column[table] = "tenant_id"
                if nullable == "YES":
                    catalog.nullable.add(table)
            required = await conn.execute(
                text(
                    "SELECT table_schema || '.' || table_name, column_name, udt_name,"
                    " character_maximum_length FROM information_schema.columns"
                    " WHERE is_nullable = 'NO' AND column_default IS NULL"
                    "   AND is_identity = 'NO' AND is_generated = 'NEVER'"
                    "   AND table_schema <> ALL(:system)"
                ),
                {"system": list(SYSTEM_SCHEMAS)},
            )
            for table, column, udt, length in required:
                catalog.required.setdefault(table, []).append((column, udt, length))
            foreign_keys = await conn.execute(
                text(
                    "SELECT c.conrelid::regclass::text, a.attname,"
                    " c.confrelid::regclass::text, f.attname FROM pg_constraint c"
                    " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                    " JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1]"
                    " WHERE c.contype = 'f' AND cardinality(c.conkey) = 1"
                )
            )
            for table, column, parent, parent_column in foreign_keys:
                catalog.references.setdefault(table, {})[column] = (parent, parent_column)
        return catalog

    @property
    def tables(self) -> list[str]:
        return sorted(self.tenant_column)

    def in_insert_order(self) -> Iterable[str]:
        """Parents before children, so every foreign key finds its row of the same tenant."""
        graph = {
            table: {
                parent
                for parent, _ in self.references.get(table, {}).values()
                if parent in self.tenant_column and parent != table
            }
            for table in self.tenant_column
        }
        return TopologicalSorter(graph).static_order()

    def row(
        self, table: str, tenant: uuid.UUID | None, parents: dict[str, dict[str, Any]]
    ) -> dict[str, Any]:
        """A valid row of `table` for `tenant`, pointing at that tenant's parent rows."""
        row = {
            column: _generic(table, column, udt, length)
            for column, udt, length in self.required.get(table, [])
        }
        for column, (parent, parent_column) in self.references.get(table, {}).items():
            if column in row and parent in parents:
                row[column] = parents[parent][parent_column]
        row.update(VALUES.get(table, {}))
        row[self.tenant_column[table]] = tenant
        return row


async def _in_scope(
    conn: AsyncConnection, tenant: uuid.UUID | None = None, platform: bool = False
) -> None:
    await conn.execute(
        SET_SCOPE, {"tenant": str(tenant or ""), "platform": "on" if platform else "off"}
    )


def _insertion(table: str, row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    columns = ", ".join(f'"{column}"' for column in row)
    params = {f"p{i}": value for i, value in enumerate(row.values())}
    values = ", ".join(f":{name}" for name in params)
    return f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING *", params


async def _insert(conn: AsyncConnection, table: str, row: dict[str, Any]) -> dict[str, Any]:
    statement, params = _insertion(table, row)
    return dict((await conn.execute(text(statement), params)).mappings().one())


async def _tenants_seen(conn: AsyncConnection, table: str, column: str) -> set[uuid.UUID | None]:
    return set(await conn.scalars(text(f"SELECT {column} FROM {table}")))


async def _refused(conn: AsyncConnection, statement: str, **params: Any) -> None:
    with pytest.raises(DBAPIError, match=RLS_REFUSED):
        async with conn.begin_nested():
            await conn.execute(text(statement), params)


async def _fill(
    service_engine: AsyncEngine, catalog: Catalog, tenants: Iterable[uuid.UUID]
) -> dict[uuid.UUID, dict[str, dict[str, Any]]]:
    """One row per tenant-owned table for each tenant, each written in its tenant's scope."""
    rows: dict[uuid.UUID, dict[str, dict[str, Any]]] = {}
    async with service_engine.begin() as conn:
        for tenant in tenants:
            await _in_scope(conn, tenant)
            mine = rows[tenant] = {}
            for table in catalog.in_insert_order():
                mine[table] = await _insert(conn, table, catalog.row(table, tenant, mine))
    return rows


@pytest.fixture
async def tier(db: AsyncEngine) -> str:
    """A global row (tiers have no tenant) that subscriptions refer to."""
    async with db.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO billing.tiers (name, message_quota, outlet_limit,"
                " knowledge_base_limit, storage_limit_mb, monthly_price, overage_rate)"
                " VALUES (:name, 1000, 3, 3, 500, 49, 0.05)"
            ),
            {"name": TIER},
        )
    return TIER


async def test_every_tenant_owned_table_has_its_policy_forced(engine: AsyncEngine) -> None:
    catalog = await Catalog.read(engine)
    # Sanity: the catalogue found the tables the services use, not an empty list.
    assert {"tenant.tenants", "orders.products", "messaging.inbox_items"} <= set(catalog.tables)
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT n.nspname || '.' || c.relname, c.relrowsecurity, c.relforcerowsecurity,"
                " p.qual, p.with_check FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " LEFT JOIN pg_policies p ON p.schemaname = n.nspname AND p.tablename = c.relname"
                " WHERE n.nspname || '.' || c.relname = ANY(:tables)"
            ),
            {"tables": catalog.tables},
        )
        found = {table: rest for table, *rest in rows}
    assert sorted(found) == catalog.tables, "one policy per table"
    for table, column in catalog.tenant_column.items():
        expected = f"crm_tenant_visible({column})"
        assert found[table] == [True, True, expected, expected], table


async def test_crm_service_is_held_to_the_policies_and_owns_nothing(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        role = (
            await conn.execute(
                text(
                    "SELECT rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolcanlogin"
                    " FROM pg_roles WHERE rolname = :role"
                ),
                {"role": database.SERVICE_ROLE},
            )
        ).one()
        owned = await conn.scalar(
            text(
                "SELECT (SELECT count(*) FROM pg_class WHERE relowner = r.oid)"
                " + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)"
                " + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)"
                " FROM pg_roles r WHERE r.rolname = :role"
            ),
            {"role": database.SERVICE_ROLE},
        )
    assert tuple(role) == (False, False, False, False, True)
    assert owned == 0


async def test_each_tenant_sees_and_changes_only_its_own_rows(
    db: AsyncEngine, service_engine: AsyncEngine, tier: str
) -> None:
    catalog = await Catalog.read(db)
    a, b = uuid.uuid4(), uuid.uuid4()
    rows = await _fill(service_engine, catalog, (a, b))

    async with service_engine.begin() as conn:
        await _in_scope(conn, a)
        for table, column in catalog.tenant_column.items():
            assert await _tenants_seen(conn, table, column) == {a}, table
            keep = f"UPDATE {table} SET {column} = {column} WHERE {column} = :b"
            assert (await conn.execute(text(keep), {"b": b})).rowcount == 0, table
            drop = f"DELETE FROM {table} WHERE {column} = :b"
            assert (await conn.execute(text(drop), {"b": b})).rowcount == 0, table
            # Neither a row for B nor one of A's rows handed over to B gets in.
            statement, params = _insertion(table, catalog.row(table, b, rows[b]))
            await _refused(conn, statement, **params)
            await _refused(conn, f"UPDATE {table} SET {column} = :b WHERE {column} = :a", a=a, b=b)

    async with service_engine.begin() as conn:
        await _in_scope(conn)
        for table, column in catalog.tenant_column.items():
            assert await _tenants_seen(conn, table, column) == set(), table
        await _in_scope(conn, platform=True)
        for table, column in catalog.tenant_column.items():
            assert await _tenants_seen(conn, table, column) == {a, b}, table


async def test_rows_without_a_tenant_are_seen_only_across_tenants(
    db: AsyncEngine, service_engine: AsyncEngine, tier: str
) -> None:
    catalog = await Catalog.read(db)
    assert "messaging.inbox_items" in catalog.nullable
    a = uuid.uuid4()
    rows = await _fill(service_engine, catalog, (a,))
    for table in sorted(catalog.nullable):
        async with service_engine.begin() as conn:
            await _in_scope(conn, platform=True)
            await _insert(conn, table, catalog.row(table, None, rows[a]))
            assert await _tenants_seen(conn, table, "tenant_id") == {a, None}, table
            await _in_scope(conn, a)
            assert await _tenants_seen(conn, table, "tenant_id") == {a}, table
            await _refused(conn, f"UPDATE {table} SET tenant_id = NULL WHERE tenant_id = :a", a=a)
            await _in_scope(conn)
            assert await _tenants_seen(conn, table, "tenant_id") == set(), table


# --- the scope each transaction sets --------------------------------------------------------

UNFILTERED = text("SELECT tenant_id FROM orders.products")  # no WHERE tenant_id: forgotten


async def _products(db: AsyncEngine, *tenants: uuid.UUID) -> None:
    async with db.begin() as conn:
        for tenant in tenants:
            await conn.execute(
                text("INSERT INTO orders.products (tenant_id, name, price) VALUES (:t, 'Tea', 2)"),
                {"t": tenant},
            )


async def _seen(service_engine: AsyncEngine) -> set[uuid.UUID]:
    async with SqlAlchemyUnitOfWork(session_factory(service_engine)) as uow:
        assert uow.session is not None
        return set(await uow.session.scalars(UNFILTERED))


async def test_a_unit_of_work_sees_only_its_scope_even_without_a_tenant_filter(
    db: AsyncEngine, service_engine: AsyncEngine
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    await _products(db, a, b)
    with scope.acting_for(a):
        assert await _seen(service_engine) == {a}
    with scope.acting_for(b):
        assert await _seen(service_engine) == {b}
    with scope.across_tenants("test"):
        assert await _seen(service_engine) == {a, b}
    # Outside any scope (and after the others: pooled connections keep nothing) nothing shows.
    assert await _seen(service_engine) == set()


async def test_concurrent_units_of_work_keep_their_own_scopes(
    db: AsyncEngine, service_engine: AsyncEngine
) -> None:
    tenants = [uuid.uuid4() for _ in range(4)]
    await _products(db, *tenants)

    async def seen_by(tenant: uuid.UUID) -> set[uuid.UUID]:
        with scope.acting_for(tenant):
            return await _seen(service_engine)

    assert await asyncio.gather(*map(seen_by, tenants)) == [{t} for t in tenants]


async def test_the_scope_costs_one_statement_per_transaction(service_engine: AsyncEngine) -> None:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(service_engine.sync_engine, "before_cursor_execute", record)
    try:
        with scope.acting_for(uuid.uuid4()):
            async with SqlAlchemyUnitOfWork(session_factory(service_engine)) as uow:
                assert uow.session is not None
                for _ in range(3):
                    await uow.session.execute(UNFILTERED)
                await uow.commit()
                await uow.session.execute(UNFILTERED)  # a second transaction
    finally:
        event.remove(service_engine.sync_engine, "before_cursor_execute", record)
    assert [s.startswith("SELECT set_config") for s in statements] == [
        True, False, False, False, True, False,
    ]  # fmt: skip


# --- which role connects --------------------------------------------------------------------


async def test_services_connect_as_crm_service_and_migrate_as_the_owner(
    database_url: URL,
) -> None:
    owner = plain(database_url)
    settings = Settings(_env_file=None, database_url=owner, service_database_url=None)
    service = make_url(await database.database_url(settings))
    assert service.username == database.SERVICE_ROLE
    assert not service.password  # none locally; production sets SERVICE_DATABASE_URL
    engine = create_async_engine(service)
    try:
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT current_user")) == database.SERVICE_ROLE
    finally:
        await engine.dispose()
    assert await database.prepare(settings) == owner

    configured = Settings(
        _env_file=None, database_url=owner, service_database_url="postgresql://svc:pw@db:5432/crm"
    )
    assert await database.database_url(configured) == "postgresql+asyncpg://svc:pw@db:5432/crm"
