"""Opening hours with several periods a day (split shifts) and closed dates (holidays).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "booking"


def upgrade() -> None:
    op.drop_constraint("uq_opening_hours_outlet_id_weekday", "opening_hours", schema=SCHEMA)
    op.create_unique_constraint(
        "uq_opening_hours_outlet_id_weekday_opens_at",
        "opening_hours",
        ["outlet_id", "weekday", "opens_at"],
        schema=SCHEMA,
    )
    op.create_table(
        "closed_dates",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_dates")),
        sa.UniqueConstraint("outlet_id", "closed_on", name="uq_closed_dates_outlet_id_closed_on"),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_booking_closed_dates_tenant_id"),
        "closed_dates",
        ["tenant_id"],
        unique=False,
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("closed_dates", schema=SCHEMA)
    op.drop_constraint(
        "uq_opening_hours_outlet_id_weekday_opens_at", "opening_hours", schema=SCHEMA
    )
    op.create_unique_constraint(
        "uq_opening_hours_outlet_id_weekday",
        "opening_hours",
        ["outlet_id", "weekday"],
        schema=SCHEMA,
    )
