"""Customer media, reactions, edits and revokes.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07

- messaging.media: the photos, documents and voice notes customers send, downloaded from the
  Cloud API by the inbox worker (bytes, MIME type, size, sha256, a voice note's transcript),
  or the reason they were not (too big, gone). Tenant-owned, held to tenant_isolation.
- inbox_items: the customer's reaction to a message is kept on the outbound message or inbox
  item it reacts to; an edit replaces the text and keeps the original; a revoke marks it.
  New inbound types `edit` and `revoke` (WhatsApp Business app numbers receive them).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "messaging"
TABLE = "media"
POLICY = "tenant_isolation"
OLD_TYPES = ("text", "button_reply", "list_reply", "button", "image", "audio", "video",
             "document", "sticker", "location", "contacts", "reaction", "order",
             "unsupported")  # fmt: skip
NEW_TYPES = (*OLD_TYPES, "edit", "revoke")
TYPE_CHECK = "ck_inbox_items_message_type_allowed"


def upgrade() -> None:
    _create_media()
    for table in ("inbox_items", "outbox_messages"):
        op.add_column(table, sa.Column("reaction", sa.String(length=32)), schema=SCHEMA)
    op.add_column("inbox_items", sa.Column("original_text", sa.Text()), schema=SCHEMA)
    for column in ("edited_at", "revoked_at"):
        op.add_column("inbox_items", sa.Column(column, sa.DateTime(timezone=True)), schema=SCHEMA)
    _replace_type_check(NEW_TYPES)


def downgrade() -> None:
    op.execute(f"DELETE FROM {SCHEMA}.inbox_items WHERE message_type IN ('edit', 'revoke')")
    _replace_type_check(OLD_TYPES)
    for column in ("revoked_at", "edited_at", "original_text", "reaction"):
        op.drop_column("inbox_items", column, schema=SCHEMA)
    op.drop_column("outbox_messages", "reaction", schema=SCHEMA)
    op.execute(f"DROP POLICY {POLICY} ON {SCHEMA}.{TABLE}")
    op.drop_table(TABLE, schema=SCHEMA)


def _create_media() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("media_id", sa.String(length=128), nullable=False),
        sa.Column("whatsapp_message_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("mime_type", sa.String(length=255), server_default="", nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("sha256", sa.String(length=64), server_default="", nullable=False),
        sa.Column("content", sa.LargeBinary()),
        sa.Column("refusal", sa.Text()),
        sa.Column("transcript", sa.Text()),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(content IS NULL) <> (refusal IS NULL)", name=op.f("ck_media_content_or_refusal")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
        sa.UniqueConstraint("tenant_id", "media_id", name="uq_media_tenant_id_media_id"),
        schema=SCHEMA,
    )
    op.create_index("ix_media_whatsapp_message_id", TABLE, ["whatsapp_message_id"], schema=SCHEMA)
    name = f"{SCHEMA}.{TABLE}"
    op.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY {POLICY} ON {name}"
        " USING (public.crm_tenant_visible(tenant_id))"
        " WITH CHECK (public.crm_tenant_visible(tenant_id))"
    )


def _replace_type_check(values: Sequence[str]) -> None:
    allowed = ", ".join(repr(v) for v in values)
    op.drop_constraint(op.f(TYPE_CHECK), "inbox_items", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        op.f(TYPE_CHECK), "inbox_items", f"message_type IN ({allowed})", schema=SCHEMA
    )
