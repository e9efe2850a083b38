"""messaging.inbox_items may be 'rejected': a message kept at intake that cannot be worked.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

One malformed message of a webhook batch (an oversized id, a sender that is not a number, an
impossible timestamp) is stored with the reason instead of failing the whole batch, so the
valid messages beside it are kept and answered, and an operator can see what was refused.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "inbox_items"
CHECK = "ck_inbox_items_status_allowed"
BEFORE = "'pending', 'processing', 'done', 'failed', 'dead'"


def _allow(statuses: str) -> None:
    op.drop_constraint(op.f(CHECK), TABLE, schema="messaging", type_="check")
    op.create_check_constraint(op.f(CHECK), TABLE, f"status IN ({statuses})", schema="messaging")


def upgrade() -> None:
    _allow(f"{BEFORE}, 'rejected'")


def downgrade() -> None:
    op.execute("DELETE FROM messaging.inbox_items WHERE status = 'rejected'")
    _allow(BEFORE)
