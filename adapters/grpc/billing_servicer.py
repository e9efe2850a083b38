"""crm.billing.v1.BillingService: proto -> command -> use case -> proto."""

from collections.abc import Callable
from dataclasses import asdict
from decimal import Decimal

from crm.billing.v1 import billing_pb2 as pb
from crm.billing.v1 import billing_pb2_grpc

from core.billing import alerts, closing, deposits, subscriptions, usage
from core.billing import commands as c
from core.billing.limits import PlanLimit
from core.billing.model import Deposit, DepositStatus, Subscription, SubscriptionStatus, UsageType
from core.billing.ports import BillingUnitOfWork, Clock
from core.shared.errors import InvalidInput
from core.shared.ids import parse_id

from .billing_mapping import (
    alert_message,
    deposit_message,
    ledger_message,
    period_day,
    record_message,
    statement_message,
    subscription_message,
    tier_message,
    usage_event,
    usage_response,
)
from .convert import enum_to_domain, money_message, page_query, present


def _tenant(request) -> c.PeriodQuery:
    return c.PeriodQuery(parse_id(request.tenant_id, "tenant_id"))


def _ref(request) -> c.SubscriptionRef:
    return c.SubscriptionRef(
        parse_id(request.tenant_id, "tenant_id"),
        parse_id(request.subscription_id, "subscription_id"),
    )


class BillingServicer(billing_pb2_grpc.BillingServiceServicer):
    def __init__(self, unit_of_work: Callable[[], BillingUnitOfWork], clock: Clock, currency: str):
        self._uow = unit_of_work
        self._now = clock
        self._currency = currency

    def _sub(self, sub: Subscription) -> pb.Subscription:
        return subscription_message(sub, self._currency)

    def _money(self, amount: Decimal):
        return money_message(amount, self._currency)

    def _deposit(self, deposit: Deposit) -> pb.Deposit:
        return deposit_message(deposit, self._currency)

    async def ListTiers(self, request, context):
        tiers = await subscriptions.list_tiers(request.include_unavailable, self._uow())
        return pb.ListTiersResponse(tiers=[tier_message(t, self._currency) for t in tiers])

    async def GetTier(self, request, context):
        if not request.tier_name.strip():
            raise InvalidInput("tier_name", "is required")
        tier = await subscriptions.get_tier(request.tier_name, self._uow())
        return pb.GetTierResponse(tier=tier_message(tier, self._currency))

    async def CreateSubscription(self, request, context):
        if not request.tier.strip():
            raise InvalidInput("tier", "is required")
        command = c.CreateSubscription(_tenant(request).tenant_id, request.tier, request.trial)
        sub = await subscriptions.create_subscription(command, self._uow(), self._now)
        return pb.CreateSubscriptionResponse(subscription=self._sub(sub))

    async def GetSubscription(self, request, context):
        sub = await subscriptions.get_subscription(_ref(request), self._uow())
        return pb.GetSubscriptionResponse(subscription=self._sub(sub))

    async def GetActiveSubscription(self, request, context):
        tenant_id = _tenant(request).tenant_id
        sub = await subscriptions.active_subscription(tenant_id, self._uow(), self._now)
        return pb.GetActiveSubscriptionResponse(subscription=self._sub(sub))

    async def ChangeTier(self, request, context):
        ref = _ref(request)
        if not request.tier.strip():
            raise InvalidInput("tier", "is required")
        command = c.ChangeTier(ref.tenant_id, ref.subscription_id, request.tier)
        new, old = await subscriptions.change_tier(command, self._uow(), self._now)
        return pb.ChangeTierResponse(
            subscription=self._sub(new), previous_subscription=self._sub(old)
        )

    async def CancelSubscription(self, request, context):
        ref = _ref(request)
        command = c.CancelSubscription(
            ref.tenant_id, ref.subscription_id, request.reason, request.at_period_end
        )
        sub = await subscriptions.cancel_subscription(command, self._uow(), self._now)
        return pb.CancelSubscriptionResponse(subscription=self._sub(sub))

    async def ListSubscriptions(self, request, context):
        status = enum_to_domain(request, "status", SubscriptionStatus)
        query = c.ListSubscriptions(_tenant(request).tenant_id, page_query(request.page), status)
        page = await subscriptions.list_subscriptions(query, self._uow())
        return pb.ListSubscriptionsResponse(
            subscriptions=[self._sub(s) for s in page.items],
            page={"next_page_token": page.next_token},
        )

    async def RecordUsage(self, request, context):
        event = usage_event(request)
        recorded = await usage.record_usage([event], self._uow())
        day = c.PeriodQuery(event.tenant_id, event.occurred_at.date())
        report = await usage.usage_report(day, self._uow(), self._now)
        record = next(r for r in report.records if r.usage_type is event.usage_type)
        return pb.RecordUsageResponse(
            usage_record=record_message(record), duplicate=not recorded.counted
        )

    async def RecordUsageBatch(self, request, context):
        events = [usage_event(e, f"events[{n}].") for n, e in enumerate(request.events)]
        recorded = await usage.record_usage(events, self._uow())
        return pb.RecordUsageBatchResponse(
            recorded=recorded.counted, duplicates=recorded.duplicates
        )

    async def GetUsage(self, request, context):
        query = c.PeriodQuery(_tenant(request).tenant_id, period_day(request.period_date))
        report = await usage.usage_report(query, self._uow(), self._now)
        return usage_response(report, self._currency)

    async def CheckQuota(self, request, context):
        tenant_id = _tenant(request).tenant_id
        limit = enum_to_domain(request, "limit", PlanLimit)
        if limit is not None:
            command = c.CheckLimit(tenant_id, limit, request.needed)
            decision = await usage.check_limit(command, self._uow())
            return pb.CheckQuotaResponse(**asdict(decision))
        kind = enum_to_domain(request, "usage_type", UsageType)
        if kind is None:
            raise InvalidInput("usage_type", "is required (or limit)")
        command = c.CheckQuota(tenant_id, kind, request.amount)
        decision = await usage.check_quota(command, self._uow(), self._now)
        return pb.CheckQuotaResponse(**asdict(decision))

    async def CreateDeposit(self, request, context):
        deposit = present(request, "deposit")
        tenant_id = parse_id(deposit.tenant_id, "deposit.tenant_id")
        amount = present(deposit, "amount").amount
        command = c.CreateDeposit(
            tenant_id, amount, deposit.reference, deposit.note, request.request_id
        )
        stored, total = await deposits.create_deposit(command, self._uow(), self._now)
        return pb.CreateDepositResponse(
            deposit=self._deposit(stored), total_balance=self._money(total)
        )

    async def GetDeposit(self, request, context):
        deposit_id = parse_id(request.deposit_id, "deposit_id")
        found = await deposits.get_deposit(_tenant(request).tenant_id, deposit_id, self._uow())
        return pb.GetDepositResponse(deposit=self._deposit(found))

    async def ListDeposits(self, request, context):
        status = enum_to_domain(request, "status", DepositStatus)
        query = c.ListDeposits(_tenant(request).tenant_id, page_query(request.page), status)
        page, total = await deposits.list_deposits(query, self._uow())
        return pb.ListDepositsResponse(
            deposits=[self._deposit(d) for d in page.items],
            page={"next_page_token": page.next_token},
            total_balance=self._money(total),
        )

    async def GetBalance(self, request, context):
        total = await deposits.balance(_tenant(request).tenant_id, self._uow())
        return pb.GetBalanceResponse(balance=self._money(total))

    async def ListLedgerEntries(self, request, context):
        tenant_id = _tenant(request).tenant_id
        page = await deposits.ledger(tenant_id, page_query(request.page), self._uow())
        return pb.ListLedgerEntriesResponse(
            entries=[ledger_message(e, self._currency) for e in page.items],
            page={"next_page_token": page.next_token},
        )

    async def GetStatement(self, request, context):
        query = c.PeriodQuery(_tenant(request).tenant_id, period_day(request.period_date))
        statement = await closing.statement(query, self._uow(), self._now)
        return pb.GetStatementResponse(statement=statement_message(statement, self._currency))

    async def ListStatements(self, request, context):
        tenant_id = _tenant(request).tenant_id
        page = await closing.list_statements(tenant_id, page_query(request.page), self._uow())
        return pb.ListStatementsResponse(
            statements=[statement_message(s, self._currency) for s in page.items],
            page={"next_page_token": page.next_token},
        )

    async def ClosePeriod(self, request, context):
        day = period_day(request.period_date)
        period, closed = await closing.close_period(day, self._uow(), self._now)
        return pb.ClosePeriodResponse(
            period_start=period.start.isoformat(),
            period_end=period.end.isoformat(),
            closed=closed,
        )

    async def ListAlerts(self, request, context):
        tenant_id = _tenant(request).tenant_id
        page = await alerts.list_alerts(tenant_id, page_query(request.page), self._uow())
        return pb.ListAlertsResponse(
            alerts=[alert_message(a) for a in page.items],
            page={"next_page_token": page.next_token},
        )
