"""Tenant isolation held by PostgreSQL itself: row-level security on every tenant-owned table,
each service's roles (crm_<service>, crm_<service>_platform), and the scope every transaction
sets from core.shared.scope.

Tables are read from the migrated database, not listed here, so a table added later is checked
without touching this file; its rows are generated from its NOT NULL columns and foreign keys.
"""

import asyncio
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from graphlib import TopologicalSorter
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from adapters.postgres.database import SET_SCOPE, ScopedSessions, Sessions, session_factory
from adapters.postgres.unit_of_work import SqlAlchemyUnitOfWork
from adapters.postgres.urls import plain
from core.shared import scope
from services import database
from services.settings import Settings

from .roles_support import SERVICE_OF_SCHEMA

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
    "messaging.media": {"kind": "image", "refusal": "image: too big"},
    "messaging.message_templates": {"category": "utility", "status": "approved"},
    "booking.bookings": {"start_time": time(10), "end_time": time(11)},
    "booking.opening_hours": {"opens_at": time(9), "closes_at": time(17)},
    "booking.resources": {"type": "court"},
    "conversation.messages": {"sender_type": "customer"},
    "orders.stock_adjustments": {"adjustment_type": "restock"},
    "tenant.users": {"role": "owner"},
}
RLS_REFUSED = "row-level security"
EngineAs = Callable[[str], AsyncEngine]


def owner_of(table: str, platform: bool = False) -> str:
    """The role of the service whose schema holds `table`."""
    service = SERVICE_OF_SCHEMA[table.split(".")[0]]
    return database.platform_role(service) if platform else database.service_role(service)


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
            # Each key's own column (a reference on (tenant_id, x) follows x; tenant_id is
            # the row's tenant anyway).
            foreign_keys = await conn.execute(
                text(
                    "SELECT c.conrelid::regclass::text, a.attname,"
                    " c.confrelid::regclass::text, f.attname"
                    " FROM pg_constraint c, unnest(c.conkey, c.confkey) AS k(col, ref)"
                    " JOIN pg_attribute a ON a.attnum = k.col"
                    " JOIN pg_attribute f ON f.attnum = k.ref"
                    " WHERE c.contype = 'f' AND a.attrelid = c.conrelid"
                    "   AND f.attrelid = c.confrelid"
                    "   AND (cardinality(c.conkey) = 1 OR a.attname <> 'tenant_id')"
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
    engine_as: EngineAs, catalog: Catalog, tenants: Iterable[uuid.UUID]
) -> dict[uuid.UUID, dict[str, dict[str, Any]]]:
    """One row per tenant-owned table for each tenant, each written in its tenant's scope by
    the role of the table's service."""
    rows: dict[uuid.UUID, dict[str, dict[str, Any]]] = {}
    for tenant in tenants:
        mine = rows[tenant] = {}
        for table in catalog.in_insert_order():
            async with engine_as(owner_of(table)).begin() as conn:
                await _in_scope(conn, tenant)
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


async def test_service_roles_are_held_to_the_policies_and_own_nothing(engine: AsyncEngine) -> None:
    roles = [
        role(service)
        for service in SERVICE_OF_SCHEMA.values()
        for role in (database.service_role, database.platform_role)
    ]
    async with engine.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreatedb, r.rolcreaterole,"
                " r.rolcanlogin, (SELECT count(*) FROM pg_class WHERE relowner = r.oid)"
                " + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)"
                " + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)"
                " FROM pg_roles r WHERE r.rolname = ANY(:roles)"
            ),
            {"roles": roles},
        )
        attributes = {name: tuple(rest) for name, *rest in found}
    assert sorted(attributes) == sorted(roles)
    for role, held in attributes.items():
        assert held == (False, False, False, False, True, 0), role


async def test_each_tenant_sees_and_changes_only_its_own_rows(
    db: AsyncEngine, engine_as: EngineAs, tier: str
) -> None:
    catalog = await Catalog.read(db)
    a, b = uuid.uuid4(), uuid.uuid4()
    rows = await _fill(engine_as, catalog, (a, b))

    for table, column in catalog.tenant_column.items():
        async with engine_as(owner_of(table)).begin() as conn:
            await _in_scope(conn, a)
            assert await _tenants_seen(conn, table, column) == {a}, table
            keep = f"UPDATE {table} SET {column} = {column} WHERE {column} = :b"
            assert (await conn.execute(text(keep), {"b": b})).rowcount == 0, table
            drop = f"DELETE FROM {table} WHERE {column} = :b"
            assert (await conn.execute(text(drop), {"b": b})).rowcount == 0, table
            # Neither a row for B nor one of A's rows handed over to B gets in.
            statement, params = _insertion(table, catalog.row(table, b, rows[b]))
            await _refused(conn, statement, **params)
            await _refused(conn, f"UPDATE {table} SET {column} = :b WHERE {column} = :a", a=a, b=b)

    for table, column in catalog.tenant_column.items():
        async with engine_as(owner_of(table)).begin() as conn:
            await _in_scope(conn)
            assert await _tenants_seen(conn, table, column) == set(), table
            # The everyday role may set app.platform; the policies ignore it for this role.
            await _in_scope(conn, platform=True)
            assert await _tenants_seen(conn, table, column) == set(), table
        async with engine_as(owner_of(table, platform=True)).begin() as conn:
            await _in_scope(conn, platform=True)
            assert await _tenants_seen(conn, table, column) == {a, b}, table
            await _in_scope(conn, a)  # the platform role too is held to a tenant's scope
            assert await _tenants_seen(conn, table, column) == {a}, table


async def test_rows_without_a_tenant_are_seen_only_across_tenants(
    db: AsyncEngine, engine_as: EngineAs, tier: str
) -> None:
    catalog = await Catalog.read(db)
    assert "messaging.inbox_items" in catalog.nullable
    a = uuid.uuid4()
    rows = await _fill(engine_as, catalog, (a,))
    for table in sorted(catalog.nullable):
        async with engine_as(owner_of(table, platform=True)).begin() as conn:
            await _in_scope(conn, platform=True)
            await _insert(conn, table, catalog.row(table, None, rows[a]))
            assert await _tenants_seen(conn, table, "tenant_id") == {a, None}, table
            await _in_scope(conn, a)
            assert await _tenants_seen(conn, table, "tenant_id") == {a}, table
            await _refused(conn, f"UPDATE {table} SET tenant_id = NULL WHERE tenant_id = :a", a=a)
            await _in_scope(conn)
            assert await _tenants_seen(conn, table, "tenant_id") == set(), table
        async with engine_as(owner_of(table)).begin() as conn:
            await _in_scope(conn, platform=True)
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


def _order_sessions(engine_as: EngineAs) -> ScopedSessions:
    """Sessions as the order service opens them."""
    return ScopedSessions(engine_as("crm_order"), engine_as("crm_order_platform"))


async def _seen(sessions: Sessions) -> set[uuid.UUID]:
    async with SqlAlchemyUnitOfWork(sessions) as uow:
        assert uow.session is not None
        return set(await uow.session.scalars(UNFILTERED))


async def test_a_unit_of_work_sees_only_its_scope_even_without_a_tenant_filter(
    db: AsyncEngine, engine_as: EngineAs
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    await _products(db, a, b)
    sessions = _order_sessions(engine_as)
    with scope.acting_for(a):
        assert await _seen(sessions) == {a}
    with scope.acting_for(b):
        assert await _seen(sessions) == {b}
    with scope.across_tenants("test"):
        assert await _seen(sessions) == {a, b}
        # Without its platform role a service's work across tenants sees nothing.
        assert await _seen(ScopedSessions(engine_as("crm_order"))) == set()
    # Outside any scope (and after the others: pooled connections keep nothing) nothing shows.
    assert await _seen(sessions) == set()


async def test_concurrent_units_of_work_keep_their_own_scopes(
    db: AsyncEngine, engine_as: EngineAs
) -> None:
    tenants = [uuid.uuid4() for _ in range(4)]
    await _products(db, *tenants)
    sessions = _order_sessions(engine_as)

    async def seen_by(tenant: uuid.UUID) -> set[uuid.UUID]:
        with scope.acting_for(tenant):
            return await _seen(sessions)

    assert await asyncio.gather(*map(seen_by, tenants)) == [{t} for t in tenants]


async def test_the_scope_costs_one_statement_per_transaction(engine_as: EngineAs) -> None:
    statements: list[str] = []
    order_engine = engine_as("crm_order")

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(order_engine.sync_engine, "before_cursor_execute", record)
    try:
        with scope.acting_for(uuid.uuid4()):
            async with SqlAlchemyUnitOfWork(session_factory(order_engine)) as uow:
                assert uow.session is not None
                for _ in range(3):
                    await uow.session.execute(UNFILTERED)
                await uow.commit()
                await uow.session.execute(UNFILTERED)  # a second transaction
    finally:
        event.remove(order_engine.sync_engine, "before_cursor_execute", record)
    assert [s.startswith("SELECT set_config") for s in statements] == [
        True, False, False, False, True, False,
    ]  # fmt: skip


# --- which role connects --------------------------------------------------------------------


async def test_each_service_connects_as_its_own_roles_and_migrates_as_the_owner(
    database_url: URL,
) -> None:
    owner = plain(database_url)
    settings = Settings(
        _env_file=None, database_url=owner, service_database_url=None, platform_database_url=None
    )
    urls = await database.service_urls(settings, "booking")
    for url, role in ((urls.tenant, "crm_booking"), (urls.platform, "crm_booking_platform")):
        parsed = make_url(url)
        assert parsed.username == role
        assert not parsed.password  # none locally; the cluster sets both URLs from a Secret
        engine = create_async_engine(parsed)
        try:
            async with engine.connect() as conn:
                assert await conn.scalar(text("SELECT current_user")) == role
        finally:
            await engine.dispose()
    assert await database.prepare(settings) == owner

    configured = Settings(
        _env_file=None,
        database_url=None,
        service_database_url="postgresql://crm_booking:pw@db:5432/crm",
        platform_database_url="postgresql://crm_booking_platform:pw2@db:5432/crm",
    )
    assert await database.service_urls(configured, "booking") == database.ServiceUrls(
        "postgresql+asyncpg://crm_booking:pw@db:5432/crm",
        "postgresql+asyncpg://crm_booking_platform:pw2@db:5432/crm",
    )
    half = Settings(
        _env_file=None, database_url=owner, service_database_url="postgresql://x@db/crm"
    )
    with pytest.raises(ValueError, match="PLATFORM_DATABASE_URL together"):
        await database.service_urls(half, "booking")
