"""Delivery areas: where each outlet is and how far it delivers; where an order goes.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-08

- tenant.outlets.latitude, longitude (both 0: not on record) and delivery_radius_km (0:
  delivers anywhere).
- orders.orders.delivery_latitude, delivery_longitude: the location the customer shared as
  the delivery address, when they shared one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTLET_COLUMNS = ("latitude", "longitude", "delivery_radius_km")
ORDER_COLUMNS = ("delivery_latitude", "delivery_longitude")


def upgrade() -> None:
    for name in OUTLET_COLUMNS:
        op.add_column(
            "outlets",
            sa.Column(name, sa.Double(), server_default="0", nullable=False),
            schema="tenant",
        )
    for name in ORDER_COLUMNS:
        op.add_column("orders", sa.Column(name, sa.Double(), nullable=True), schema="orders")


def downgrade() -> None:
    for name in ORDER_COLUMNS:
        op.drop_column("orders", name, schema="orders")
    for name in OUTLET_COLUMNS:
        op.drop_column("outlets", name, schema="tenant")
