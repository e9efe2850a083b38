"""Categories get the description the order contract carries.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "orders"


def upgrade() -> None:
    op.add_column(
        "categories",
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("categories", "description", schema=SCHEMA)
