"""messaging.opt_outs: the customers who wrote STOP to a tenant's number.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

One row per tenant and customer while they are opted out (START deletes it), with how many
messages the business tried to start since and had refused. Tenant-owned, so held to the
tenant_isolation policy like every such table since 0008.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "messaging"
TABLE = "opt_outs"
POLICY = "tenant_isolation"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("customer_phone", sa.String(length=32), nullable=False),
        sa.Column(
            "opted_out_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("refused_sends", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opt_outs")),
        sa.UniqueConstraint(
            "tenant_id", "customer_phone", name="uq_opt_outs_tenant_id_customer_phone"
        ),
        schema=SCHEMA,
    )
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
