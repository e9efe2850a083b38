"""messaging.usage_pending: usage stored with the work that used it, until billing has it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

The inbox worker and the outbox sender write a row here in the transaction that completes an
item or marks a reply sent; the usage relay sends the rows to billing and deletes them. Usage
so survives a killed replica, where an in-memory buffer did not. One row per tenant, usage type
and key: an item worked twice stores its usage once. Tenant-owned, so held to the
tenant_isolation policy like every such table since 0008.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "messaging"
TABLE = "usage_pending"
POLICY = "tenant_isolation"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=True),
        sa.Column("usage_type", sa.String(length=20), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "usage_type IN ('messages_in', 'messages_out')",
            name=op.f("ck_usage_pending_usage_type_allowed"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_usage_pending_quantity_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_pending")),
        sa.UniqueConstraint(
            "tenant_id",
            "usage_type",
            "idempotency_key",
            name="uq_usage_pending_tenant_id_usage_type_idempotency_key",
        ),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_usage_pending_occurred_at"), TABLE, ["occurred_at"], schema=SCHEMA)
    name = f"{SCHEMA}.{TABLE}"
    op.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY {POLICY} ON {name}"
        " USING (public.crm_tenant_visible(tenant_id))"
        " WITH CHECK (public.crm_tenant_visible(tenant_id))"
    )


def downgrade() -> None:
    op.execute(f"DROP POLICY {POLICY} ON {SCHEMA}.{TABLE}")
    op.drop_table(TABLE, schema=SCHEMA)
