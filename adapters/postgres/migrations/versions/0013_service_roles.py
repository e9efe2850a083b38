"""One database role per service, each held to its own schema; platform scope by role only.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

Until now the nine services shared crm_service, which could write every schema (billing.tiers
included), and row-level security trusted `app.platform = 'on'`, a setting any session may
set: one injected statement read every tenant.

Now each service S has two login roles:

- crm_S, its everyday role: read and write its own schema, nothing else (no service reads
  another's schema; they ask each other over gRPC). billing.tiers is the platform's price
  list: crm_billing reads it, only the owner (migrations, the seed) writes it.
- crm_S_platform, for the work of S that spans tenants by design (queue claims, sweeps, the
  period close, the sign-in lookup, operators' calls): a member of crm_S, so the same tables,
  and of the NOLOGIN group crm_platform.

The policies now honour `app.platform` only for a member of crm_platform. The process opens
its platform connections only for work in platform scope (core.shared.scope.across_tenants),
so a statement smuggled into a tenant's request runs as crm_S, which may set the setting but
gains nothing by it, and cannot SET ROLE to crm_S_platform (it is not a member).

Roles belong to the server, not the database: created here when missing (LOGIN without a
password, so only trust authentication -- the embedded and local servers -- lets them in;
under password authentication they cannot log in until given one), left as they are when an
operator made them first (with their passwords, from the cluster's Secrets). Two databases migrating at once may race to create
one: the loser finds it made. crm_service keeps its login for older databases on the same
server but loses every privilege in this one.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLATFORM_GROUP = "crm_platform"
LEGACY_ROLE = "crm_service"
# Service -> the schema it owns.
SCHEMA_OF = {
    "tenant": "tenant",
    "conversation": "conversation",
    "knowledge": "knowledge",
    "booking": "booking",
    "order": "orders",
    "billing": "billing",
    "analytics": "analytics",
    "orchestrator": "orchestrator",
    "messaging": "messaging",
}
# Tables a service reads but only the owner writes.
READ_ONLY = {"billing": ("tiers",)}
ATTRIBUTES = "NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT"

# LANGUAGE sql, STABLE, no SET clause and no SECURITY DEFINER, as in 0008: the planner still
# inlines it into every policy. pg_has_role(name, 'USAGE') asks about current_user.
VISIBLE = f"""
CREATE OR REPLACE FUNCTION public.crm_tenant_visible(tenant uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT tenant = nullif(current_setting('app.tenant_id', true), '')::uuid
        OR (coalesce(current_setting('app.platform', true) = 'on', false)
            AND pg_has_role('{PLATFORM_GROUP}', 'USAGE'))
$$
"""
VISIBLE_BEFORE = """
CREATE OR REPLACE FUNCTION public.crm_tenant_visible(tenant uuid) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT tenant = nullif(current_setting('app.tenant_id', true), '')::uuid
        OR coalesce(current_setting('app.platform', true) = 'on', false)
$$
"""


def service_role(service: str) -> str:
    return f"crm_{service}"


def platform_role(service: str) -> str:
    return f"crm_{service}_platform"


def _create_role(name: str, login: bool) -> None:
    options = f"{'LOGIN' if login else 'NOLOGIN'} {ATTRIBUTES}"
    op.execute(
        f"""
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN
                CREATE ROLE {name} {options};
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END
        $$
        """
    )


def _grant_member(group: str, member: str) -> None:
    """Membership; granting one that exists (a database migrated before) is a notice."""
    op.execute(f"GRANT {group} TO {member}")


def _grant_schema(role: str, schema: str, read_only: Sequence[str]) -> None:
    quoted = f'"{schema}"'
    op.execute(f"GRANT USAGE ON SCHEMA {quoted} TO {role}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quoted} TO {role}")
    for table in read_only:
        op.execute(f'REVOKE INSERT, UPDATE, DELETE ON {quoted}."{table}" FROM {role}')
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted} TO {role}")
    # What later migrations create in the schema (as this same owner) is granted as created.
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {quoted}"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
    )
    op.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {quoted} GRANT USAGE, SELECT ON SEQUENCES TO {role}"
    )
    # A service pod waits (`crm db wait`, as this role) until the schema is at its head.
    op.execute(f"GRANT SELECT ON public.alembic_version TO {role}")


def _legacy_privileges(action: str) -> None:
    """crm_service's grants of 0008, revoked (or given back by the downgrade)."""
    to = "TO" if action == "GRANT" else "FROM"
    for schema in SCHEMA_OF.values():
        quoted = f'"{schema}"'
        op.execute(f"{action} USAGE ON SCHEMA {quoted} {to} {LEGACY_ROLE}")
        op.execute(
            f"{action} SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quoted}"
            f" {to} {LEGACY_ROLE}"
        )
        op.execute(f"{action} USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted} {to} {LEGACY_ROLE}")
    op.execute(f"ALTER DEFAULT PRIVILEGES {action} USAGE ON SCHEMAS {to} {LEGACY_ROLE}")
    op.execute(
        f"ALTER DEFAULT PRIVILEGES {action} SELECT, INSERT, UPDATE, DELETE ON TABLES"
        f" {to} {LEGACY_ROLE}"
    )
    op.execute(f"ALTER DEFAULT PRIVILEGES {action} USAGE, SELECT ON SEQUENCES {to} {LEGACY_ROLE}")
    op.execute(f"{action} SELECT ON public.alembic_version {to} {LEGACY_ROLE}")


def upgrade() -> None:
    _create_role(PLATFORM_GROUP, login=False)
    # The owner's data migrations span tenants (env.py sets app.platform): it joins the group.
    op.execute(
        f"""
        DO $$
        BEGIN
            IF NOT pg_has_role('{PLATFORM_GROUP}', 'USAGE') THEN
                EXECUTE format('GRANT {PLATFORM_GROUP} TO %I', current_user);
            END IF;
        END
        $$
        """
    )
    for service, schema in SCHEMA_OF.items():
        everyday, platform = service_role(service), platform_role(service)
        _create_role(everyday, login=True)
        _create_role(platform, login=True)
        _grant_member(everyday, platform)
        _grant_member(PLATFORM_GROUP, platform)
        _grant_schema(everyday, schema, READ_ONLY.get(service, ()))
    _legacy_privileges("REVOKE")
    op.execute(VISIBLE)


def downgrade() -> None:
    op.execute(VISIBLE_BEFORE)
    _legacy_privileges("GRANT")
    for service, schema in SCHEMA_OF.items():
        role, quoted = service_role(service), f'"{schema}"'
        op.execute(f"REVOKE SELECT ON public.alembic_version FROM {role}")
        op.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {quoted} REVOKE USAGE, SELECT ON SEQUENCES"
            f" FROM {role}"
        )
        op.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {quoted}"
            f" REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {role}"
        )
        op.execute(f"REVOKE USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quoted} FROM {role}")
        op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quoted} FROM {role}")
        op.execute(f"REVOKE USAGE ON SCHEMA {quoted} FROM {role}")
    # The roles stay: other databases on the server may be at this revision and use them.
