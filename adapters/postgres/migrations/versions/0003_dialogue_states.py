"""The orchestrator's dialogue state, for deployments without Redis.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "orchestrator"


def upgrade() -> None:
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    op.create_table(
        "dialogue_states",
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("state", postgresql.JSONB(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_dialogue_states")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_orchestrator_dialogue_states_tenant_id"),
        "dialogue_states",
        ["tenant_id"],
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_orchestrator_dialogue_states_expires_at"),
        "dialogue_states",
        ["expires_at"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("dialogue_states", schema=SCHEMA)
    op.execute(f"DROP SCHEMA IF EXISTS {SCHEMA}")
