"""Booking reminders: each tenant's lead time, and when each booking was reminded.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07

- tenant.tenants.booking_reminder_minutes: how long before a confirmed booking its customer
  is reminded on WhatsApp; 0 (the default, so no tenant starts paying for templates it did
  not choose) sends none.
- booking.bookings.reminded_at, and a partial index over the bookings still awaiting one
  (the sweeper's scan).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "tenants",
        sa.Column("booking_reminder_minutes", sa.Integer(), server_default="0", nullable=False),
        schema="tenant",
    )
    op.add_column(
        "bookings",
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        schema="booking",
    )
    op.create_index(
        "ix_bookings_awaiting_reminder",
        "bookings",
        ["booking_date"],
        schema="booking",
        postgresql_where=sa.text("status = 'confirmed' AND reminded_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_bookings_awaiting_reminder", table_name="bookings", schema="booking")
    op.drop_column("bookings", "reminded_at", schema="booking")
    op.drop_column("tenants", "booking_reminder_minutes", schema="tenant")
