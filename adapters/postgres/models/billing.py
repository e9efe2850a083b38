"""Tables of the billing service (schema `billing`): subscriptions, usage, deposits, statements."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from core.billing.model import UsageType

from .base import (
    Base,
    CreatedAt,
    Money,
    TenantId,
    UpdatedAt,
    UuidPk,
    one_of,
    same_tenant,
    tenant_key,
)

SCHEMA = "billing"

SUBSCRIPTION_STATUSES: tuple[str, ...] = ("trialing", "active", "past_due", "cancelled", "expired")
USAGE_TYPES: tuple[str, ...] = tuple(kind.value for kind in UsageType)
DEPOSIT_STATUSES: tuple[str, ...] = ("active", "exhausted", "refunded")


class TierRow(Base):
    """A plan on offer (tiers are data, not code); subscriptions snapshot its limits."""

    __tablename__ = "tiers"
    __table_args__ = (
        CheckConstraint(
            "message_quota >= 0 AND outlet_limit >= 0 AND knowledge_base_limit >= 0"
            " AND storage_limit_mb >= 0",
            name="limits_non_negative",
        ),
        CheckConstraint("monthly_price >= 0 AND overage_rate >= 0", name="prices_non_negative"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    name: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), server_default="")
    description: Mapped[str] = mapped_column(Text, server_default="")
    message_quota: Mapped[int] = mapped_column(BigInteger)
    outlet_limit: Mapped[int] = mapped_column(Integer)
    knowledge_base_limit: Mapped[int] = mapped_column(Integer)
    storage_limit_mb: Mapped[int] = mapped_column(BigInteger)
    monthly_price: Mapped[Money]
    overage_rate: Mapped[Money]
    available: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class SubscriptionRow(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (
        one_of("status", SUBSCRIPTION_STATUSES),
        CheckConstraint(
            "message_quota >= 0 AND outlet_limit >= 0 AND knowledge_base_limit >= 0"
            " AND storage_limit_mb >= 0",
            name="limits_non_negative",
        ),
        CheckConstraint("monthly_price >= 0 AND overage_rate >= 0", name="prices_non_negative"),
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ended_after_started"),
        # Exactly one active subscription per tenant.
        Index(
            "uq_subscriptions_tenant_id_active",
            "tenant_id",
            unique=True,
            postgresql_where=text("status = 'active'"),
        ),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    # billing.tiers.name; the limits and prices below are snapshotted from it at start.
    tier: Mapped[str] = mapped_column(
        String(50), ForeignKey(f"{SCHEMA}.tiers.name", onupdate="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), server_default="active")
    message_quota: Mapped[int] = mapped_column(BigInteger)
    outlet_limit: Mapped[int] = mapped_column(Integer)
    knowledge_base_limit: Mapped[int] = mapped_column(Integer)
    storage_limit_mb: Mapped[int] = mapped_column(BigInteger)
    monthly_price: Mapped[Money]
    # Price per message over the quota.
    overage_rate: Mapped[Money]
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    current_period_start: Mapped[date | None] = mapped_column(Date)
    current_period_end: Mapped[date | None] = mapped_column(Date)
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    cancel_reason: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class UsageRecordRow(Base):
    """A tenant's usage of one kind over one billing period (a running counter)."""

    __tablename__ = "usage_records"
    __table_args__ = (
        tenant_key("usage_records"),
        one_of("usage_type", USAGE_TYPES),
        CheckConstraint("count >= 0", name="count_non_negative"),
        CheckConstraint("period_end >= period_start", name="period_end_after_start"),
        UniqueConstraint(
            "tenant_id", "usage_type", "period_start", name="uq_usage_records_tenant_type_period"
        ),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    usage_type: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(BigInteger, server_default="0")
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class UsageEventRow(Base):
    """One metered use, recorded once per idempotency key; it increments a usage record."""

    __tablename__ = "usage_events"
    __table_args__ = (
        same_tenant("usage_events", "usage_record_id", f"{SCHEMA}.usage_records", "SET NULL"),
        one_of("usage_type", USAGE_TYPES),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        # Per tenant: one tenant's keys never refuse or reveal another's.
        UniqueConstraint(
            "tenant_id", "idempotency_key", name="uq_usage_events_tenant_id_idempotency_key"
        ),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    # tenant.outlets.id (another service), when the usage belongs to one outlet.
    outlet_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    usage_record_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True),
        index=True,
    )
    usage_type: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(BigInteger, server_default="1")
    # E.g. the inbound WhatsApp message id: a retried RecordUsage is counted once.
    idempotency_key: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class DepositRow(Base):
    """A prepaid top-up; balance is what is left of it after overage was charged."""

    __tablename__ = "deposits"
    __table_args__ = (
        tenant_key("deposits"),
        one_of("status", DEPOSIT_STATUSES),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("balance >= 0", name="balance_non_negative"),
        CheckConstraint("balance <= amount", name="balance_within_amount"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    amount: Mapped[Money]
    balance: Mapped[Money]
    status: Mapped[str] = mapped_column(String(20), server_default=DEPOSIT_STATUSES[0])
    # Payment reference (gateway transaction id, transfer note).
    reference: Mapped[str] = mapped_column(Text, server_default="")
    note: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


LEDGER_KINDS: tuple[str, ...] = ("top_up", "overage")


class DepositLedgerRow(Base):
    """A movement of a tenant's prepaid money: a top-up (positive) or an overage debit."""

    __tablename__ = "deposit_ledger"
    __table_args__ = (
        same_tenant("deposit_ledger", "deposit_id", f"{SCHEMA}.deposits", "SET NULL"),
        one_of("kind", LEDGER_KINDS),
        CheckConstraint("amount <> 0", name="amount_non_zero"),
        UniqueConstraint(
            "tenant_id", "idempotency_key", name="uq_deposit_ledger_tenant_id_idempotency_key"
        ),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    deposit_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Money]
    # First day of the billing period the movement belongs to (statements sum by it).
    period_start: Mapped[date] = mapped_column(Date)
    # A top-up's request id or an overage debit's counter position: each is written once
    # per tenant.
    idempotency_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[CreatedAt]


class StatementRow(Base):
    """A closed period's statement, stored once per tenant and period (the close job's rule)."""

    __tablename__ = "statements"
    __table_args__ = (
        tenant_key("statements"),
        UniqueConstraint("tenant_id", "period_start", name="uq_statements_tenant_period"),
        CheckConstraint("period_end >= period_start", name="period_end_after_start"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    # The tier billed (the dearest held in the period); empty without a subscription.
    tier: Mapped[str] = mapped_column(String(50), server_default="")
    base_price: Mapped[Money]
    # Sum of the lines; what is due is total less deposit_used.
    total: Mapped[Money]
    # Overage already paid from deposits in the period.
    deposit_used: Mapped[Money]
    closed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[CreatedAt]


class StatementLineRow(Base):
    """A charged line of a statement: the subscription, then overage."""

    __tablename__ = "statement_lines"
    __table_args__ = (
        same_tenant("statement_lines", "statement_id", f"{SCHEMA}.statements", "CASCADE"),
        UniqueConstraint("statement_id", "position", name="uq_statement_lines_statement_position"),
        CheckConstraint("quantity >= 0", name="quantity_non_negative"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    statement_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int] = mapped_column(BigInteger)
    unit_price: Mapped[Money]
    amount: Mapped[Money]


ALERT_KINDS: tuple[str, ...] = ("quota_80", "quota_100", "deposit_short")


class AlertRow(Base):
    """A warning for the tenant's owner, recorded once per tenant, period and kind."""

    __tablename__ = "alerts"
    __table_args__ = (
        one_of("kind", ALERT_KINDS),
        UniqueConstraint("tenant_id", "period_start", "kind", name="uq_alerts_tenant_period_kind"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    period_start: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[CreatedAt]
