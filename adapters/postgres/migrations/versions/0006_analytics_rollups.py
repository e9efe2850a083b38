"""Hourly rollups of analytics events, so dashboards read sums instead of the raw log.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "analytics"


def upgrade() -> None:
    op.create_table(
        "event_rollups",
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("bucket_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("dimension", sa.String(length=200), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("value_sum", sa.Numeric(), nullable=False),
        sa.Column("amount_sum", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("confidence_sum", sa.Numeric(), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id",
            "event_type",
            "bucket_start",
            "outlet_id",
            "dimension",
            name="pk_event_rollups",
        ),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("event_rollups", schema=SCHEMA)
