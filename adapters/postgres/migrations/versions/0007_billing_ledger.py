"""A ledger beside the deposits: every top-up and overage debit, written once per key.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "billing"


def upgrade() -> None:
    op.create_table(
        "deposit_ledger",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("deposit_id", sa.UUID(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('top_up', 'overage')", name=op.f("ck_deposit_ledger_kind_allowed")
        ),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_deposit_ledger_amount_non_zero")),
        sa.ForeignKeyConstraint(
            ["deposit_id"],
            ["billing.deposits.id"],
            name=op.f("fk_deposit_ledger_deposit_id_deposits"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deposit_ledger")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_deposit_ledger_idempotency_key")),
        schema=SCHEMA,
    )
    for column in ("tenant_id", "deposit_id"):
        op.create_index(
            op.f(f"ix_billing_deposit_ledger_{column}"), "deposit_ledger", [column], schema=SCHEMA
        )


def downgrade() -> None:
    op.drop_table("deposit_ledger", schema=SCHEMA)
