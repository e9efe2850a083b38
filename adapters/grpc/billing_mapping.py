"""Tiers, subscriptions, usage, deposits, statements and alerts <-> crm.billing.v1 messages."""

from datetime import UTC, date, datetime
from decimal import Decimal

from crm.billing.v1 import billing_pb2 as pb

from core.billing.model import (
    Alert,
    Deposit,
    LedgerEntry,
    Subscription,
    Tier,
    UsageEvent,
    UsageRecord,
    UsageType,
)
from core.billing.quota import UNLIMITED, overage_cost, overage_count, quota_of
from core.billing.statement import Statement
from core.billing.usage import UsageReport
from core.shared.errors import InvalidInput
from core.shared.ids import parse_id

from .catalog_mapping import text_id
from .convert import enum_to_domain, enum_to_proto, money_message, timestamp, to_datetime

ZERO = Decimal("0.00")
_LIMITS = ("message_quota", "outlet_limit", "knowledge_base_limit", "storage_limit_mb")


def tier_message(tier: Tier, currency: str) -> pb.Tier:
    return pb.Tier(
        name=tier.name,
        display_name=tier.display_name,
        description=tier.description,
        **{name: getattr(tier, name) for name in _LIMITS},
        monthly_price=money_message(tier.monthly_price, currency),
        overage_rate=money_message(tier.overage_rate, currency),
        available=tier.available,
    )


def subscription_message(sub: Subscription, currency: str) -> pb.Subscription:
    return pb.Subscription(
        id=str(sub.id),
        tenant_id=str(sub.tenant_id),
        tier=sub.tier.name,
        status=enum_to_proto(sub.status, pb.SubscriptionStatus),
        **{name: getattr(sub.tier, name) for name in _LIMITS},
        monthly_price=money_message(sub.tier.monthly_price, currency),
        overage_rate=money_message(sub.tier.overage_rate, currency),
        started_at=timestamp(sub.started_at),
        ended_at=timestamp(sub.ended_at),
        current_period_start=sub.current_period.start.isoformat(),
        current_period_end=sub.current_period.end.isoformat(),
        cancel_at_period_end=sub.cancel_at_period_end,
        cancel_reason=sub.cancel_reason,
        create_time=timestamp(sub.created_at),
        update_time=timestamp(sub.updated_at),
    )


def record_message(record: UsageRecord) -> pb.UsageRecord:
    return pb.UsageRecord(
        id=text_id(record.id),
        tenant_id=str(record.tenant_id),
        usage_type=enum_to_proto(record.usage_type, pb.UsageType),
        count=record.count,
        period_start=record.period.start.isoformat(),
        period_end=record.period.end.isoformat(),
        create_time=timestamp(record.created_at),
        update_time=timestamp(record.updated_at),
    )


def summary_message(record: UsageRecord, tier: Tier | None, currency: str) -> pb.UsageSummary:
    quota = quota_of(tier, record.usage_type) if tier else 0
    over = overage_count(record.count, quota)
    rate = tier.overage_rate if tier and record.usage_type is UsageType.MESSAGES_IN else ZERO
    return pb.UsageSummary(
        usage_type=enum_to_proto(record.usage_type, pb.UsageType),
        used=record.count,
        quota=quota,
        remaining=max(quota - record.count, 0) if quota else UNLIMITED,
        overage_count=over,
        overage_cost=money_message(overage_cost(over, rate), currency),
    )


def usage_response(report: UsageReport, currency: str) -> pb.GetUsageResponse:
    summaries = [summary_message(r, report.tier, currency) for r in report.records]
    total = sum((Decimal(s.overage_cost.amount) for s in summaries), Decimal("0.00"))
    return pb.GetUsageResponse(
        period_start=report.period.start.isoformat(),
        period_end=report.period.end.isoformat(),
        usage=summaries,
        total_overage_cost=money_message(total, currency),
        records=[record_message(r) for r in report.records if r.id],
    )


def deposit_message(deposit: Deposit, currency: str) -> pb.Deposit:
    return pb.Deposit(
        id=str(deposit.id),
        tenant_id=str(deposit.tenant_id),
        amount=money_message(deposit.amount, currency),
        balance=money_message(deposit.balance, currency),
        status=enum_to_proto(deposit.status, pb.DepositStatus),
        reference=deposit.reference,
        note=deposit.note,
        create_time=timestamp(deposit.created_at),
        update_time=timestamp(deposit.updated_at),
    )


def ledger_message(entry: LedgerEntry, currency: str) -> pb.LedgerEntry:
    return pb.LedgerEntry(
        id=str(entry.id),
        tenant_id=str(entry.tenant_id),
        deposit_id=text_id(entry.deposit_id),
        kind=entry.kind.value,
        amount=money_message(entry.amount, currency),
        period_start=entry.period_start.isoformat(),
        create_time=timestamp(entry.created_at),
    )


def statement_message(statement: Statement, currency: str) -> pb.Statement:
    lines = [
        pb.StatementLine(
            description=line.description,
            quantity=line.quantity,
            unit_price=money_message(line.unit_price, currency),
            amount=money_message(line.amount, currency),
        )
        for line in statement.lines
    ]
    return pb.Statement(
        tenant_id=str(statement.tenant_id),
        period_start=statement.period.start.isoformat(),
        period_end=statement.period.end.isoformat(),
        tier=statement.tier,
        lines=lines,
        total=money_message(statement.total, currency),
        deposit_used=money_message(statement.deposit_used, currency),
        amount_due=money_message(statement.amount_due, currency),
        id=text_id(statement.id),
        close_time=timestamp(statement.closed_at),
    )


def alert_message(alert: Alert) -> pb.Alert:
    return pb.Alert(
        id=str(alert.id),
        tenant_id=str(alert.tenant_id),
        kind=enum_to_proto(alert.kind, pb.AlertKind),
        period_start=alert.period_start.isoformat(),
        message=alert.message,
        create_time=timestamp(alert.created_at),
    )


def usage_event(request: pb.RecordUsageRequest, field: str = "") -> UsageEvent:
    kind = enum_to_domain(request, "usage_type", UsageType)
    if kind is None:
        raise InvalidInput(f"{field}usage_type", "is required")
    return UsageEvent(
        tenant_id=parse_id(request.tenant_id, f"{field}tenant_id"),
        usage_type=kind,
        count=request.count,
        idempotency_key=request.idempotency_key,
        occurred_at=to_datetime(request, "occurred_at") or datetime.now(UTC),
        outlet_id=parse_id(request.outlet_id, f"{field}outlet_id") if request.outlet_id else None,
    )


def period_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput("period_date", f"{value!r} is not a YYYY-MM-DD date") from None
