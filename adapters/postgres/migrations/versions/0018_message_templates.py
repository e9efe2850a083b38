"""Message templates, the customer's language, and template sends as usage.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

- messaging.message_templates: each tenant's WhatsApp templates per business account, name
  and language, as the Cloud API last reported them (status, category, components). The
  only messages a business may start outside the customer's 24-hour window. Tenant-owned,
  held to the tenant_isolation policy.
- conversation.messages.language and conversation.conversations.language: the language a
  message is written in, and the one the bot last answered in, so what the business starts
  later (a template) speaks it.
- usage types template_marketing / template_utility / template_authentication (Meta prices
  business-initiated messages by template category); usage_type columns widen to 32.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "messaging"
TABLE = "message_templates"
POLICY = "tenant_isolation"
OLD_TYPES = ("messages_in", "messages_out")
TEMPLATE_TYPES = ("template_marketing", "template_utility", "template_authentication")
BILLING_TYPES = ("messages_in", "messages_out", "llm_tokens", "storage_mb")
# (schema, table, constraint, allowed before)
USAGE_CHECKS = (
    ("messaging", "usage_pending", "ck_usage_pending_usage_type_allowed", OLD_TYPES),
    ("billing", "usage_records", "ck_usage_records_usage_type_allowed", BILLING_TYPES),
    ("billing", "usage_events", "ck_usage_events_usage_type_allowed", BILLING_TYPES),
)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("business_account_id", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=64), server_default="", nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("header", sa.String(length=60), server_default="", nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("footer", sa.String(length=60), server_default="", nullable=False),
        sa.Column(
            "quick_replies",
            sa.dialects.postgresql.JSONB(),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("rejected_reason", sa.Text(), server_default="", nullable=False),
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
        sa.CheckConstraint(
            "category IN ('marketing', 'utility', 'authentication')",
            name=op.f("ck_message_templates_category_allowed"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'paused', 'disabled')",
            name=op.f("ck_message_templates_status_allowed"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
        sa.UniqueConstraint(
            "tenant_id",
            "business_account_id",
            "name",
            "language",
            name="uq_message_templates_tenant_account_name_language",
        ),
        schema=SCHEMA,
    )
    name = f"{SCHEMA}.{TABLE}"
    op.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY {POLICY} ON {name}"
        " USING (public.crm_tenant_visible(tenant_id))"
        " WITH CHECK (public.crm_tenant_visible(tenant_id))"
    )
    for table in ("conversations", "messages"):
        op.add_column(
            table,
            sa.Column("language", sa.String(length=16), server_default="", nullable=False),
            schema="conversation",
        )
    for schema, table, check, allowed in USAGE_CHECKS:
        _usage_types(schema, table, check, allowed + TEMPLATE_TYPES, sa.String(length=32))


def downgrade() -> None:
    for schema, table, check, allowed in USAGE_CHECKS:
        op.execute(f"DELETE FROM {schema}.{table} WHERE usage_type IN {TEMPLATE_TYPES!r}")
        _usage_types(schema, table, check, allowed, sa.String(length=20))
    for table in ("conversations", "messages"):
        op.drop_column(table, "language", schema="conversation")
    op.execute(f"DROP POLICY {POLICY} ON {SCHEMA}.{TABLE}")
    op.drop_table(TABLE, schema=SCHEMA)


def _usage_types(
    schema: str, table: str, check: str, allowed: tuple[str, ...], column: sa.String
) -> None:
    op.drop_constraint(op.f(check), table, schema=schema, type_="check")
    op.alter_column(table, "usage_type", type_=column, schema=schema)
    listed = ", ".join(f"'{value}'" for value in allowed)
    op.create_check_constraint(op.f(check), table, f"usage_type IN ({listed})", schema=schema)
