"""Tenant isolation in the database: row-level security and the services' own role.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

Every tenant-owned table (each table of the project's schemas with a tenant_id column, and
tenant.tenants by its id) gets one policy: a row is visible and writable only when its tenant
is the transaction's `app.tenant_id`, or when the transaction runs in platform scope
(`app.platform = 'on'`, work that spans tenants by design). The adapters set both settings at
the start of every transaction from core.shared.scope; with neither set nothing is visible.

A NULL tenant_id (a messaging inbox item whose outlet is not resolved yet) matches no tenant:
such rows are visible, and can be written, only in platform scope.

The services connect as crm_service, which owns nothing and cannot bypass the policies;
migrations run as the owner. FORCE applies the policies to the owner as well, so only a
superuser (or the owner in platform scope) sees every row.

A later migration that adds a tenant-owned table enables and forces row-level security on it
and creates its policy the same way (see _protect); grants come from the default privileges.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SERVICE_ROLE = "crm_service"
POLICY = "tenant_isolation"
SCHEMAS = (
    "tenant",
    "billing",
    "conversation",
    "knowledge",
    "booking",
    "orders",
    "analytics",
    "messaging",
    "orchestrator",
)

# LANGUAGE sql, STABLE, no SET clause and no SECURITY DEFINER: the planner inlines it into
# every policy, so an index on tenant_id still serves the policy's condition.
VISIBLE = """
CREATE OR REPLACE FUNCTION public.crm_tenant_visible(tenant uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT tenant = nullif(current_setting('app.tenant_id', true), '')::uuid
        OR coalesce(current_setting('app.platform', true) = 'on', false)
$$
"""

# Production: the operator creates the role (with its password) before migrating, and this
# leaves it be. Locally it is created without a password (trust authentication). Two test
# databases migrating at once may race to create it: the loser finds it made.
CREATE_ROLE = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{SERVICE_ROLE}') THEN
        CREATE ROLE {SERVICE_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$
"""


def _tenant_owned() -> list[tuple[str, str, str]]:
    """(schema, table, tenant column) of every table that belongs to one tenant."""
    rows = op.get_bind().execute(
        sa.text(
            "SELECT c.table_schema, c.table_name FROM information_schema.columns c"
            " JOIN information_schema.tables t"
            "   ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
            " WHERE c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'"
            "   AND c.table_schema = ANY(:schemas)"
            " ORDER BY 1, 2"
        ),
        {"schemas": list(SCHEMAS)},
    )
    return [("tenant", "tenants", "id"), *((schema, table, "tenant_id") for schema, table in rows)]


def _protect(schema: str, table: str, column: str) -> None:
    name = f'"{schema}"."{table}"'
    op.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY {POLICY} ON {name}"
        f" USING (public.crm_tenant_visible({column}))"
        f" WITH CHECK (public.crm_tenant_visible({column}))"
    )


def upgrade() -> None:
    op.execute(VISIBLE)
    op.execute(CREATE_ROLE)
    for schema in SCHEMAS:
        op.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {SERVICE_ROLE}')
        op.execute(
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}"'
            f" TO {SERVICE_ROLE}"
        )
        op.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {SERVICE_ROLE}')
    # Whatever later migrations create (as this same owner) is granted as it is created.
    op.execute(f"ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO {SERVICE_ROLE}")
    op.execute(
        f"ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {SERVICE_ROLE}"
    )
    op.execute(f"ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT ON SEQUENCES TO {SERVICE_ROLE}")
    # A service pod waits (`crm db wait`, as this role) until the schema is at its head.
    op.execute(f"GRANT SELECT ON public.alembic_version TO {SERVICE_ROLE}")
    for schema, table, column in _tenant_owned():
        _protect(schema, table, column)


def downgrade() -> None:
    policies = op.get_bind().execute(
        sa.text(
            "SELECT schemaname, tablename FROM pg_policies"
            " WHERE policyname = :policy AND schemaname = ANY(:schemas)"
        ),
        {"policy": POLICY, "schemas": list(SCHEMAS)},
    )
    for schema, table in list(policies):
        name = f'"{schema}"."{table}"'
        op.execute(f"DROP POLICY {POLICY} ON {name}")
        op.execute(f"ALTER TABLE {name} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {name} DISABLE ROW LEVEL SECURITY")
    op.execute(f"REVOKE SELECT ON public.alembic_version FROM {SERVICE_ROLE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES REVOKE USAGE, SELECT ON SEQUENCES FROM {SERVICE_ROLE}")
    op.execute(
        f"ALTER DEFAULT PRIVILEGES REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES"
        f" FROM {SERVICE_ROLE}"
    )
    op.execute(f"ALTER DEFAULT PRIVILEGES REVOKE USAGE ON SCHEMAS FROM {SERVICE_ROLE}")
    for schema in SCHEMAS:
        op.execute(
            f'REVOKE USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" FROM {SERVICE_ROLE}'
        )
        op.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {SERVICE_ROLE}')
        op.execute(f'REVOKE USAGE ON SCHEMA "{schema}" FROM {SERVICE_ROLE}')
    op.execute("DROP FUNCTION public.crm_tenant_visible(uuid)")
