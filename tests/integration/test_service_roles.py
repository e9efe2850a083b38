"""Least privilege in PostgreSQL: each service's roles reach its own schema alone, the
platform's price list is the owner's to write, and platform scope is a role, not a setting."""

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.database import platform_role, service_role

from .roles_support import SERVICE_OF_SCHEMA

EngineAs = Callable[[str], AsyncEngine]
SERVICES = sorted(SERVICE_OF_SCHEMA.values())
SCHEMA_OF = {service: schema for schema, service in SERVICE_OF_SCHEMA.items()}
DENIED = "permission denied"
PLATFORM_ON = text("SELECT set_config('app.platform', 'on', false)")


async def _privileges(engine: AsyncEngine) -> dict[tuple[str, str], set[str]]:
    """(role, schema.table) -> the privileges the role holds on the table, as the catalog says."""
    roles = [role(s) for s in SERVICES for role in (service_role, platform_role)]
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT r.rolname, t.schemaname || '.' || t.tablename, p.privilege"
                " FROM pg_roles r CROSS JOIN pg_tables t"
                " CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p(privilege)"
                " WHERE r.rolname = ANY(:roles) AND t.schemaname = ANY(:schemas)"
                "   AND has_table_privilege(r.rolname, t.schemaname || '.' || t.tablename,"
                "                           p.privilege)"
            ),
            {"roles": roles, "schemas": list(SERVICE_OF_SCHEMA)},
        )
        held: dict[tuple[str, str], set[str]] = {}
        for role, table, privilege in rows:
            held.setdefault((role, table), set()).add(privilege)
        return held


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_reaches_its_own_schema_and_no_other(engine: AsyncEngine, service: str):
    held = await _privileges(engine)
    for role in (service_role(service), platform_role(service)):
        schemas = {table.split(".")[0] for (holder, table) in held if holder == role}
        assert schemas == {SCHEMA_OF[service]}, role


async def test_billing_tiers_are_read_by_billing_and_written_by_the_owner_alone(engine):
    held = await _privileges(engine)
    writers = {
        role
        for (role, table), rights in held.items()
        if table == "billing.tiers" and (rights - {"SELECT"})
    }
    readers = {role for (role, table), rights in held.items() if table == "billing.tiers"}
    assert writers == set()
    assert readers == {service_role("billing"), platform_role("billing")}


@pytest.mark.parametrize(
    ("role", "statement"),
    [
        ("crm_order", "INSERT INTO billing.usage_records (tenant_id, usage_type, period_start,"
         " period_end) VALUES (gen_random_uuid(), 'messages_in', '2030-01-01', '2030-01-31')"),
        ("crm_conversation", "SELECT * FROM tenant.users"),
        ("crm_messaging_platform", "UPDATE orders.orders SET status = status"),
        ("crm_billing", "UPDATE billing.tiers SET monthly_price = 0"),
        ("crm_billing_platform", "DELETE FROM billing.tiers"),
        ("crm_tenant", "INSERT INTO billing.tiers (name, message_quota, outlet_limit,"
         " knowledge_base_limit, storage_limit_mb, monthly_price, overage_rate)"
         " VALUES ('free-for-all', 1, 1, 1, 1, 0, 0)"),
    ],
)  # fmt: skip
async def test_another_schema_is_refused_by_the_database(
    engine_as: EngineAs, role: str, statement: str
):
    with pytest.raises(DBAPIError, match=DENIED):
        async with engine_as(role).begin() as conn:
            await conn.execute(text(statement))


async def _tenants_of_users(engine: AsyncEngine, *setup: str) -> set[uuid.UUID]:
    async with engine.begin() as conn:
        await conn.execute(PLATFORM_ON)
        for statement in setup:
            await conn.execute(text(statement))
        return set(await conn.scalars(text("SELECT tenant_id FROM tenant.users")))


async def test_setting_platform_scope_widens_nothing_for_a_services_own_role(db, engine_as):
    tenants = [uuid.uuid4(), uuid.uuid4()]
    async with db.begin() as conn:  # the owner
        for n, tenant in enumerate(tenants):
            await conn.execute(
                text("INSERT INTO tenant.tenants (id, name, slug) VALUES (:t, 'T', :slug)"),
                {"t": tenant, "slug": f"roles-{n}-{tenant.hex[:8]}"},
            )
            await conn.execute(
                text(
                    "INSERT INTO tenant.users (tenant_id, firebase_uid, email, role)"
                    " VALUES (:t, :uid, 'x@y.example', 'owner')"
                ),
                {"t": tenant, "uid": f"uid-{tenant}"},
            )
    assert await _tenants_of_users(engine_as("crm_tenant")) == set()
    assert await _tenants_of_users(engine_as("crm_tenant_platform")) == set(tenants)


@pytest.mark.parametrize("target", ["crm_tenant_platform", "crm_platform", "crm_billing"])
async def test_a_services_own_role_cannot_become_another(engine_as: EngineAs, target: str):
    with pytest.raises(DBAPIError, match=DENIED):
        await _tenants_of_users(engine_as("crm_tenant"), f"SET ROLE {target}")
