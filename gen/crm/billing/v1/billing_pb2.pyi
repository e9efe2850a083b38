import datetime

from buf.validate import validate_pb2 as _validate_pb2
from crm.common.v1 import common_pb2 as _common_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SubscriptionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SUBSCRIPTION_STATUS_UNSPECIFIED: _ClassVar[SubscriptionStatus]
    SUBSCRIPTION_STATUS_TRIALING: _ClassVar[SubscriptionStatus]
    SUBSCRIPTION_STATUS_ACTIVE: _ClassVar[SubscriptionStatus]
    SUBSCRIPTION_STATUS_PAST_DUE: _ClassVar[SubscriptionStatus]
    SUBSCRIPTION_STATUS_CANCELLED: _ClassVar[SubscriptionStatus]
    SUBSCRIPTION_STATUS_EXPIRED: _ClassVar[SubscriptionStatus]

class UsageType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    USAGE_TYPE_UNSPECIFIED: _ClassVar[UsageType]
    USAGE_TYPE_MESSAGES_IN: _ClassVar[UsageType]
    USAGE_TYPE_MESSAGES_OUT: _ClassVar[UsageType]
    USAGE_TYPE_LLM_TOKENS: _ClassVar[UsageType]
    USAGE_TYPE_STORAGE_MB: _ClassVar[UsageType]
    USAGE_TYPE_TEMPLATE_MARKETING: _ClassVar[UsageType]
    USAGE_TYPE_TEMPLATE_UTILITY: _ClassVar[UsageType]
    USAGE_TYPE_TEMPLATE_AUTHENTICATION: _ClassVar[UsageType]

class PlanLimit(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAN_LIMIT_UNSPECIFIED: _ClassVar[PlanLimit]
    PLAN_LIMIT_OUTLETS: _ClassVar[PlanLimit]
    PLAN_LIMIT_KNOWLEDGE_BASES: _ClassVar[PlanLimit]
    PLAN_LIMIT_STORAGE_MB: _ClassVar[PlanLimit]

class AlertKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_KIND_UNSPECIFIED: _ClassVar[AlertKind]
    ALERT_KIND_QUOTA_80: _ClassVar[AlertKind]
    ALERT_KIND_QUOTA_100: _ClassVar[AlertKind]
    ALERT_KIND_DEPOSIT_SHORT: _ClassVar[AlertKind]

class DepositStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEPOSIT_STATUS_UNSPECIFIED: _ClassVar[DepositStatus]
    DEPOSIT_STATUS_ACTIVE: _ClassVar[DepositStatus]
    DEPOSIT_STATUS_EXHAUSTED: _ClassVar[DepositStatus]
    DEPOSIT_STATUS_REFUNDED: _ClassVar[DepositStatus]
SUBSCRIPTION_STATUS_UNSPECIFIED: SubscriptionStatus
SUBSCRIPTION_STATUS_TRIALING: SubscriptionStatus
SUBSCRIPTION_STATUS_ACTIVE: SubscriptionStatus
SUBSCRIPTION_STATUS_PAST_DUE: SubscriptionStatus
SUBSCRIPTION_STATUS_CANCELLED: SubscriptionStatus
SUBSCRIPTION_STATUS_EXPIRED: SubscriptionStatus
USAGE_TYPE_UNSPECIFIED: UsageType
USAGE_TYPE_MESSAGES_IN: UsageType
USAGE_TYPE_MESSAGES_OUT: UsageType
USAGE_TYPE_LLM_TOKENS: UsageType
USAGE_TYPE_STORAGE_MB: UsageType
USAGE_TYPE_TEMPLATE_MARKETING: UsageType
USAGE_TYPE_TEMPLATE_UTILITY: UsageType
USAGE_TYPE_TEMPLATE_AUTHENTICATION: UsageType
PLAN_LIMIT_UNSPECIFIED: PlanLimit
PLAN_LIMIT_OUTLETS: PlanLimit
PLAN_LIMIT_KNOWLEDGE_BASES: PlanLimit
PLAN_LIMIT_STORAGE_MB: PlanLimit
ALERT_KIND_UNSPECIFIED: AlertKind
ALERT_KIND_QUOTA_80: AlertKind
ALERT_KIND_QUOTA_100: AlertKind
ALERT_KIND_DEPOSIT_SHORT: AlertKind
DEPOSIT_STATUS_UNSPECIFIED: DepositStatus
DEPOSIT_STATUS_ACTIVE: DepositStatus
DEPOSIT_STATUS_EXHAUSTED: DepositStatus
DEPOSIT_STATUS_REFUNDED: DepositStatus

class Tier(_message.Message):
    __slots__ = ("name", "display_name", "description", "message_quota", "outlet_limit", "knowledge_base_limit", "storage_limit_mb", "monthly_price", "overage_rate", "available")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_QUOTA_FIELD_NUMBER: _ClassVar[int]
    OUTLET_LIMIT_FIELD_NUMBER: _ClassVar[int]
    KNOWLEDGE_BASE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    STORAGE_LIMIT_MB_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_PRICE_FIELD_NUMBER: _ClassVar[int]
    OVERAGE_RATE_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    description: str
    message_quota: int
    outlet_limit: int
    knowledge_base_limit: int
    storage_limit_mb: int
    monthly_price: _common_pb2.Money
    overage_rate: _common_pb2.Money
    available: bool
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., message_quota: _Optional[int] = ..., outlet_limit: _Optional[int] = ..., knowledge_base_limit: _Optional[int] = ..., storage_limit_mb: _Optional[int] = ..., monthly_price: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., overage_rate: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., available: _Optional[bool] = ...) -> None: ...

class Subscription(_message.Message):
    __slots__ = ("id", "tenant_id", "tier", "status", "message_quota", "outlet_limit", "knowledge_base_limit", "storage_limit_mb", "monthly_price", "overage_rate", "started_at", "ended_at", "current_period_start", "current_period_end", "cancel_at_period_end", "cancel_reason", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_QUOTA_FIELD_NUMBER: _ClassVar[int]
    OUTLET_LIMIT_FIELD_NUMBER: _ClassVar[int]
    KNOWLEDGE_BASE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    STORAGE_LIMIT_MB_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_PRICE_FIELD_NUMBER: _ClassVar[int]
    OVERAGE_RATE_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    CURRENT_PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    CURRENT_PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    CANCEL_AT_PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    tier: str
    status: SubscriptionStatus
    message_quota: int
    outlet_limit: int
    knowledge_base_limit: int
    storage_limit_mb: int
    monthly_price: _common_pb2.Money
    overage_rate: _common_pb2.Money
    started_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    current_period_start: str
    current_period_end: str
    cancel_at_period_end: bool
    cancel_reason: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., tier: _Optional[str] = ..., status: _Optional[_Union[SubscriptionStatus, str]] = ..., message_quota: _Optional[int] = ..., outlet_limit: _Optional[int] = ..., knowledge_base_limit: _Optional[int] = ..., storage_limit_mb: _Optional[int] = ..., monthly_price: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., overage_rate: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., current_period_start: _Optional[str] = ..., current_period_end: _Optional[str] = ..., cancel_at_period_end: _Optional[bool] = ..., cancel_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UsageRecord(_message.Message):
    __slots__ = ("id", "tenant_id", "usage_type", "count", "period_start", "period_end", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    usage_type: UsageType
    count: int
    period_start: str
    period_end: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., usage_type: _Optional[_Union[UsageType, str]] = ..., count: _Optional[int] = ..., period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UsageSummary(_message.Message):
    __slots__ = ("usage_type", "used", "quota", "remaining", "overage_count", "overage_cost")
    USAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    USED_FIELD_NUMBER: _ClassVar[int]
    QUOTA_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    OVERAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    OVERAGE_COST_FIELD_NUMBER: _ClassVar[int]
    usage_type: UsageType
    used: int
    quota: int
    remaining: int
    overage_count: int
    overage_cost: _common_pb2.Money
    def __init__(self, usage_type: _Optional[_Union[UsageType, str]] = ..., used: _Optional[int] = ..., quota: _Optional[int] = ..., remaining: _Optional[int] = ..., overage_count: _Optional[int] = ..., overage_cost: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class Deposit(_message.Message):
    __slots__ = ("id", "tenant_id", "amount", "balance", "status", "reference", "note", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    amount: _common_pb2.Money
    balance: _common_pb2.Money
    status: DepositStatus
    reference: str
    note: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., balance: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[DepositStatus, str]] = ..., reference: _Optional[str] = ..., note: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListTiersRequest(_message.Message):
    __slots__ = ("include_unavailable",)
    INCLUDE_UNAVAILABLE_FIELD_NUMBER: _ClassVar[int]
    include_unavailable: bool
    def __init__(self, include_unavailable: _Optional[bool] = ...) -> None: ...

class ListTiersResponse(_message.Message):
    __slots__ = ("tiers",)
    TIERS_FIELD_NUMBER: _ClassVar[int]
    tiers: _containers.RepeatedCompositeFieldContainer[Tier]
    def __init__(self, tiers: _Optional[_Iterable[_Union[Tier, _Mapping]]] = ...) -> None: ...

class GetTierRequest(_message.Message):
    __slots__ = ("tier_name",)
    TIER_NAME_FIELD_NUMBER: _ClassVar[int]
    tier_name: str
    def __init__(self, tier_name: _Optional[str] = ...) -> None: ...

class GetTierResponse(_message.Message):
    __slots__ = ("tier",)
    TIER_FIELD_NUMBER: _ClassVar[int]
    tier: Tier
    def __init__(self, tier: _Optional[_Union[Tier, _Mapping]] = ...) -> None: ...

class CreateSubscriptionRequest(_message.Message):
    __slots__ = ("tenant_id", "tier", "trial")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    TRIAL_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    tier: str
    trial: bool
    def __init__(self, tenant_id: _Optional[str] = ..., tier: _Optional[str] = ..., trial: _Optional[bool] = ...) -> None: ...

class CreateSubscriptionResponse(_message.Message):
    __slots__ = ("subscription",)
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    subscription: Subscription
    def __init__(self, subscription: _Optional[_Union[Subscription, _Mapping]] = ...) -> None: ...

class GetSubscriptionRequest(_message.Message):
    __slots__ = ("tenant_id", "subscription_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    subscription_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., subscription_id: _Optional[str] = ...) -> None: ...

class GetSubscriptionResponse(_message.Message):
    __slots__ = ("subscription",)
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    subscription: Subscription
    def __init__(self, subscription: _Optional[_Union[Subscription, _Mapping]] = ...) -> None: ...

class GetActiveSubscriptionRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class GetActiveSubscriptionResponse(_message.Message):
    __slots__ = ("subscription",)
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    subscription: Subscription
    def __init__(self, subscription: _Optional[_Union[Subscription, _Mapping]] = ...) -> None: ...

class ChangeTierRequest(_message.Message):
    __slots__ = ("tenant_id", "subscription_id", "tier")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    subscription_id: str
    tier: str
    def __init__(self, tenant_id: _Optional[str] = ..., subscription_id: _Optional[str] = ..., tier: _Optional[str] = ...) -> None: ...

class ChangeTierResponse(_message.Message):
    __slots__ = ("subscription", "previous_subscription")
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    subscription: Subscription
    previous_subscription: Subscription
    def __init__(self, subscription: _Optional[_Union[Subscription, _Mapping]] = ..., previous_subscription: _Optional[_Union[Subscription, _Mapping]] = ...) -> None: ...

class CancelSubscriptionRequest(_message.Message):
    __slots__ = ("tenant_id", "subscription_id", "reason", "at_period_end")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIPTION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AT_PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    subscription_id: str
    reason: str
    at_period_end: bool
    def __init__(self, tenant_id: _Optional[str] = ..., subscription_id: _Optional[str] = ..., reason: _Optional[str] = ..., at_period_end: _Optional[bool] = ...) -> None: ...

class CancelSubscriptionResponse(_message.Message):
    __slots__ = ("subscription",)
    SUBSCRIPTION_FIELD_NUMBER: _ClassVar[int]
    subscription: Subscription
    def __init__(self, subscription: _Optional[_Union[Subscription, _Mapping]] = ...) -> None: ...

class ListSubscriptionsRequest(_message.Message):
    __slots__ = ("tenant_id", "page", "status")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    status: SubscriptionStatus
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., status: _Optional[_Union[SubscriptionStatus, str]] = ...) -> None: ...

class ListSubscriptionsResponse(_message.Message):
    __slots__ = ("subscriptions", "page")
    SUBSCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    subscriptions: _containers.RepeatedCompositeFieldContainer[Subscription]
    page: _common_pb2.PageResponse
    def __init__(self, subscriptions: _Optional[_Iterable[_Union[Subscription, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class RecordUsageRequest(_message.Message):
    __slots__ = ("tenant_id", "outlet_id", "usage_type", "count", "idempotency_key", "occurred_at")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    USAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    outlet_id: str
    usage_type: UsageType
    count: int
    idempotency_key: str
    occurred_at: _timestamp_pb2.Timestamp
    def __init__(self, tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., usage_type: _Optional[_Union[UsageType, str]] = ..., count: _Optional[int] = ..., idempotency_key: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordUsageResponse(_message.Message):
    __slots__ = ("usage_record", "duplicate")
    USAGE_RECORD_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    usage_record: UsageRecord
    duplicate: bool
    def __init__(self, usage_record: _Optional[_Union[UsageRecord, _Mapping]] = ..., duplicate: _Optional[bool] = ...) -> None: ...

class GetUsageRequest(_message.Message):
    __slots__ = ("tenant_id", "period_date")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_DATE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    period_date: str
    def __init__(self, tenant_id: _Optional[str] = ..., period_date: _Optional[str] = ...) -> None: ...

class GetUsageResponse(_message.Message):
    __slots__ = ("period_start", "period_end", "usage", "total_overage_cost", "records")
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_OVERAGE_COST_FIELD_NUMBER: _ClassVar[int]
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    period_start: str
    period_end: str
    usage: _containers.RepeatedCompositeFieldContainer[UsageSummary]
    total_overage_cost: _common_pb2.Money
    records: _containers.RepeatedCompositeFieldContainer[UsageRecord]
    def __init__(self, period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., usage: _Optional[_Iterable[_Union[UsageSummary, _Mapping]]] = ..., total_overage_cost: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., records: _Optional[_Iterable[_Union[UsageRecord, _Mapping]]] = ...) -> None: ...

class CheckQuotaRequest(_message.Message):
    __slots__ = ("tenant_id", "usage_type", "amount", "limit", "needed")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    NEEDED_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    usage_type: UsageType
    amount: int
    limit: PlanLimit
    needed: int
    def __init__(self, tenant_id: _Optional[str] = ..., usage_type: _Optional[_Union[UsageType, str]] = ..., amount: _Optional[int] = ..., limit: _Optional[_Union[PlanLimit, str]] = ..., needed: _Optional[int] = ...) -> None: ...

class CheckQuotaResponse(_message.Message):
    __slots__ = ("allowed", "remaining", "overage", "reason", "used", "quota", "tier", "upgrade_tier")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    OVERAGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    USED_FIELD_NUMBER: _ClassVar[int]
    QUOTA_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    UPGRADE_TIER_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    remaining: int
    overage: bool
    reason: str
    used: int
    quota: int
    tier: str
    upgrade_tier: str
    def __init__(self, allowed: _Optional[bool] = ..., remaining: _Optional[int] = ..., overage: _Optional[bool] = ..., reason: _Optional[str] = ..., used: _Optional[int] = ..., quota: _Optional[int] = ..., tier: _Optional[str] = ..., upgrade_tier: _Optional[str] = ...) -> None: ...

class CreateDepositRequest(_message.Message):
    __slots__ = ("deposit", "request_id")
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    deposit: Deposit
    request_id: str
    def __init__(self, deposit: _Optional[_Union[Deposit, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateDepositResponse(_message.Message):
    __slots__ = ("deposit", "total_balance")
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BALANCE_FIELD_NUMBER: _ClassVar[int]
    deposit: Deposit
    total_balance: _common_pb2.Money
    def __init__(self, deposit: _Optional[_Union[Deposit, _Mapping]] = ..., total_balance: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class GetDepositRequest(_message.Message):
    __slots__ = ("tenant_id", "deposit_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    deposit_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., deposit_id: _Optional[str] = ...) -> None: ...

class GetDepositResponse(_message.Message):
    __slots__ = ("deposit",)
    DEPOSIT_FIELD_NUMBER: _ClassVar[int]
    deposit: Deposit
    def __init__(self, deposit: _Optional[_Union[Deposit, _Mapping]] = ...) -> None: ...

class ListDepositsRequest(_message.Message):
    __slots__ = ("tenant_id", "page", "status")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    status: DepositStatus
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., status: _Optional[_Union[DepositStatus, str]] = ...) -> None: ...

class ListDepositsResponse(_message.Message):
    __slots__ = ("deposits", "page", "total_balance")
    DEPOSITS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BALANCE_FIELD_NUMBER: _ClassVar[int]
    deposits: _containers.RepeatedCompositeFieldContainer[Deposit]
    page: _common_pb2.PageResponse
    total_balance: _common_pb2.Money
    def __init__(self, deposits: _Optional[_Iterable[_Union[Deposit, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ..., total_balance: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class GetBalanceRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class GetBalanceResponse(_message.Message):
    __slots__ = ("balance",)
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    balance: _common_pb2.Money
    def __init__(self, balance: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class RecordUsageBatchRequest(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[RecordUsageRequest]
    def __init__(self, events: _Optional[_Iterable[_Union[RecordUsageRequest, _Mapping]]] = ...) -> None: ...

class RecordUsageBatchResponse(_message.Message):
    __slots__ = ("recorded", "duplicates")
    RECORDED_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    recorded: int
    duplicates: int
    def __init__(self, recorded: _Optional[int] = ..., duplicates: _Optional[int] = ...) -> None: ...

class LedgerEntry(_message.Message):
    __slots__ = ("id", "tenant_id", "deposit_id", "kind", "amount", "period_start", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    deposit_id: str
    kind: str
    amount: _common_pb2.Money
    period_start: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., deposit_id: _Optional[str] = ..., kind: _Optional[str] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., period_start: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListLedgerEntriesRequest(_message.Message):
    __slots__ = ("tenant_id", "page")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListLedgerEntriesResponse(_message.Message):
    __slots__ = ("entries", "page")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[LedgerEntry]
    page: _common_pb2.PageResponse
    def __init__(self, entries: _Optional[_Iterable[_Union[LedgerEntry, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class StatementLine(_message.Message):
    __slots__ = ("description", "quantity", "unit_price", "amount")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    description: str
    quantity: int
    unit_price: _common_pb2.Money
    amount: _common_pb2.Money
    def __init__(self, description: _Optional[str] = ..., quantity: _Optional[int] = ..., unit_price: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class Statement(_message.Message):
    __slots__ = ("tenant_id", "period_start", "period_end", "tier", "lines", "total", "deposit_used", "amount_due", "id", "close_time")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    DEPOSIT_USED_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_DUE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    period_start: str
    period_end: str
    tier: str
    lines: _containers.RepeatedCompositeFieldContainer[StatementLine]
    total: _common_pb2.Money
    deposit_used: _common_pb2.Money
    amount_due: _common_pb2.Money
    id: str
    close_time: _timestamp_pb2.Timestamp
    def __init__(self, tenant_id: _Optional[str] = ..., period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., tier: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[StatementLine, _Mapping]]] = ..., total: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., deposit_used: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., amount_due: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., id: _Optional[str] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetStatementRequest(_message.Message):
    __slots__ = ("tenant_id", "period_date")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_DATE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    period_date: str
    def __init__(self, tenant_id: _Optional[str] = ..., period_date: _Optional[str] = ...) -> None: ...

class GetStatementResponse(_message.Message):
    __slots__ = ("statement",)
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    statement: Statement
    def __init__(self, statement: _Optional[_Union[Statement, _Mapping]] = ...) -> None: ...

class ListStatementsRequest(_message.Message):
    __slots__ = ("tenant_id", "page")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListStatementsResponse(_message.Message):
    __slots__ = ("statements", "page")
    STATEMENTS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    statements: _containers.RepeatedCompositeFieldContainer[Statement]
    page: _common_pb2.PageResponse
    def __init__(self, statements: _Optional[_Iterable[_Union[Statement, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class ClosePeriodRequest(_message.Message):
    __slots__ = ("period_date",)
    PERIOD_DATE_FIELD_NUMBER: _ClassVar[int]
    period_date: str
    def __init__(self, period_date: _Optional[str] = ...) -> None: ...

class ClosePeriodResponse(_message.Message):
    __slots__ = ("period_start", "period_end", "closed")
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    PERIOD_END_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    period_start: str
    period_end: str
    closed: int
    def __init__(self, period_start: _Optional[str] = ..., period_end: _Optional[str] = ..., closed: _Optional[int] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ("id", "tenant_id", "kind", "period_start", "message", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    kind: AlertKind
    period_start: str
    message: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., kind: _Optional[_Union[AlertKind, str]] = ..., period_start: _Optional[str] = ..., message: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ("tenant_id", "page")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts", "page")
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[Alert]
    page: _common_pb2.PageResponse
    def __init__(self, alerts: _Optional[_Iterable[_Union[Alert, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...
