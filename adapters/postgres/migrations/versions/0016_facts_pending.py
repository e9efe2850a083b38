"""booking, orders and conversation .facts_pending: facts for analytics, stored with the change.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

A booking confirmed, an order paid, a handoff requested or a staff reply writes a row here in
the transaction that made it; each service's relay sends the rows to analytics (which counts an id once) and
deletes them. Tenant-owned, so held to the tenant_isolation policy like every such table since
0008; the service roles of 0013 reach them through its default privileges.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMAS = ("booking", "orders", "conversation")
TABLE = "facts_pending"
POLICY = "tenant_isolation"


def upgrade() -> None:
    for schema in SCHEMAS:
        op.create_table(
            TABLE,
            sa.Column("id", sa.UUID(), nullable=False),
            sa.Column("tenant_id", sa.UUID(), nullable=False),
            sa.Column("outlet_id", sa.UUID(), nullable=True),
            sa.Column("conversation_id", sa.UUID(), nullable=True),
            sa.Column("event_type", sa.String(length=64), nullable=False),
            sa.Column(
                "properties",
                postgresql.JSONB(astext_type=sa.Text()),
                server_default=sa.text("'{}'::jsonb"),
                nullable=False,
            ),
            sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
            sa.Column(
                "occurred_at",
                sa.DateTime(timezone=True),
                server_default=sa.text("now()"),
                nullable=False,
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_facts_pending")),
            schema=schema,
        )
        op.create_index(op.f("ix_facts_pending_occurred_at"), TABLE, ["occurred_at"], schema=schema)
        name = f"{schema}.{TABLE}"
        op.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {POLICY} ON {name}"
            " USING (public.crm_tenant_visible(tenant_id))"
            " WITH CHECK (public.crm_tenant_visible(tenant_id))"
        )


def downgrade() -> None:
    for schema in SCHEMAS:
        op.execute(f"DROP POLICY {POLICY} ON {schema}.{TABLE}")
        op.drop_table(TABLE, schema=schema)
