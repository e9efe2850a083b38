"""Products gain aliases: the other names customers give them ("coke", "jus jeruk").

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

A new column with a constant default: no table rewrite, existing products have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "products",
        sa.Column("aliases", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        schema="orders",
    )


def downgrade() -> None:
    op.drop_column("products", "aliases", schema="orders")
