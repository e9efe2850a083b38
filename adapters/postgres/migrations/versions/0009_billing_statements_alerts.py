"""Stored statements of closed periods (with their lines) and owner alerts, tenant-isolated.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

One statement per tenant and period and one alert per tenant, period and kind: both unique
constraints are what make the close job and alerting run once across replicas. Like every
tenant-owned table since 0008, each new table is held to the tenant_isolation policy.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "billing"
TABLES = ("statements", "statement_lines", "alerts")
POLICY = "tenant_isolation"


def _id() -> sa.Column:
    return sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False)


def _created_at() -> sa.Column:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.Numeric(precision=12, scale=2), nullable=False)


def _statements() -> None:
    op.create_table(
        "statements",
        _id(),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("tier", sa.String(length=50), server_default="", nullable=False),
        *(_money(name) for name in ("base_price", "total", "deposit_used")),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        _created_at(),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_statements_period_end_after_start")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
        sa.UniqueConstraint("tenant_id", "period_start", name="uq_statements_tenant_period"),
        schema=SCHEMA,
    )


def _statement_lines() -> None:
    op.create_table(
        "statement_lines",
        _id(),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("statement_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        _money("unit_price"),
        _money("amount"),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_statement_lines_quantity_non_negative")),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["billing.statements.id"],
            name=op.f("fk_statement_lines_statement_id_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_lines")),
        sa.UniqueConstraint(
            "statement_id", "position", name="uq_statement_lines_statement_position"
        ),
        schema=SCHEMA,
    )


def _alerts() -> None:
    op.create_table(
        "alerts",
        _id(),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        _created_at(),
        sa.CheckConstraint(
            "kind IN ('quota_80', 'quota_100', 'deposit_short')",
            name=op.f("ck_alerts_kind_allowed"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint(
            "tenant_id", "period_start", "kind", name="uq_alerts_tenant_period_kind"
        ),
        schema=SCHEMA,
    )


def upgrade() -> None:
    _statements()
    _statement_lines()
    _alerts()
    for table in TABLES:
        op.create_index(op.f(f"ix_billing_{table}_tenant_id"), table, ["tenant_id"], schema=SCHEMA)
        name = f"{SCHEMA}.{table}"
        op.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {POLICY} ON {name}"
            " USING (public.crm_tenant_visible(tenant_id))"
            " WITH CHECK (public.crm_tenant_visible(tenant_id))"
        )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.execute(f"DROP POLICY {POLICY} ON {SCHEMA}.{table}")
        op.drop_table(table, schema=SCHEMA)
