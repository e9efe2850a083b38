"""Messaging queues keep arrival order; every WhatsApp message type and status is allowed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

A webhook batch shares one transaction time, so received_at cannot order it: inbox and
outbox get identity sequences. The inbox accepts every type the Cloud API sends (button,
sticker, contacts, reaction, order, unsupported) and the outbox the `played` status.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "messaging"
OLD_TYPES = ("text", "button_reply", "list_reply", "image", "audio", "video", "document",
             "location", "other")  # fmt: skip
NEW_TYPES = ("text", "button_reply", "list_reply", "button", "image", "audio", "video",
             "document", "sticker", "location", "contacts", "reaction", "order",
             "unsupported")  # fmt: skip
OLD_STATUSES = ("queued", "sent", "delivered", "read", "failed")
NEW_STATUSES = ("queued", "sent", "delivered", "read", "played", "failed")


def _allowed(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _replace_check(table: str, name: str, column: str, values: Sequence[str]) -> None:
    op.drop_constraint(op.f(name), table, schema=SCHEMA, type_="check")
    op.create_check_constraint(op.f(name), table, _allowed(column, values), schema=SCHEMA)


def upgrade() -> None:
    _replace_check("inbox_items", "ck_inbox_items_message_type_allowed", "message_type", NEW_TYPES)
    _replace_check("outbox_messages", "ck_outbox_messages_status_allowed", "status", NEW_STATUSES)
    for table, column in (("inbox_items", "arrival_seq"), ("outbox_messages", "seq")):
        op.add_column(
            table,
            sa.Column(column, sa.BigInteger(), sa.Identity(always=True), nullable=False),
            schema=SCHEMA,
        )
        op.create_unique_constraint(op.f(f"uq_{table}_{column}"), table, [column], schema=SCHEMA)
    op.drop_index("ix_inbox_items_conversation_key_received_at", "inbox_items", schema=SCHEMA)
    op.create_index(
        "ix_inbox_items_conversation_key_arrival_seq",
        "inbox_items",
        ["conversation_key", "arrival_seq"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_outbox_messages_phone_number_id_to_phone_seq",
        "outbox_messages",
        ["phone_number_id", "to_phone", "seq"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_outbox_messages_phone_number_id_to_phone_seq", "outbox_messages", schema=SCHEMA
    )
    op.drop_index("ix_inbox_items_conversation_key_arrival_seq", "inbox_items", schema=SCHEMA)
    op.create_index(
        "ix_inbox_items_conversation_key_received_at",
        "inbox_items",
        ["conversation_key", "received_at"],
        schema=SCHEMA,
    )
    for table, column in (("inbox_items", "arrival_seq"), ("outbox_messages", "seq")):
        op.drop_column(table, column, schema=SCHEMA)
    op.execute(
        f"DELETE FROM {SCHEMA}.inbox_items WHERE NOT ({_allowed('message_type', OLD_TYPES)})"
    )
    op.execute(f"UPDATE {SCHEMA}.outbox_messages SET status = 'read' WHERE status = 'played'")
    _replace_check("inbox_items", "ck_inbox_items_message_type_allowed", "message_type", OLD_TYPES)
    _replace_check("outbox_messages", "ck_outbox_messages_status_allowed", "status", OLD_STATUSES)
