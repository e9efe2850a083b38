import datetime

from buf.validate import validate_pb2 as _validate_pb2
from crm.common.v1 import common_pb2 as _common_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Granularity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GRANULARITY_UNSPECIFIED: _ClassVar[Granularity]
    GRANULARITY_HOUR: _ClassVar[Granularity]
    GRANULARITY_DAY: _ClassVar[Granularity]
    GRANULARITY_WEEK: _ClassVar[Granularity]

class FunnelKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FUNNEL_KIND_UNSPECIFIED: _ClassVar[FunnelKind]
    FUNNEL_KIND_BOOKING: _ClassVar[FunnelKind]
    FUNNEL_KIND_ORDER: _ClassVar[FunnelKind]
GRANULARITY_UNSPECIFIED: Granularity
GRANULARITY_HOUR: Granularity
GRANULARITY_DAY: Granularity
GRANULARITY_WEEK: Granularity
FUNNEL_KIND_UNSPECIFIED: FunnelKind
FUNNEL_KIND_BOOKING: FunnelKind
FUNNEL_KIND_ORDER: FunnelKind

class Event(_message.Message):
    __slots__ = ("event_id", "tenant_id", "outlet_id", "conversation_id", "event_type", "occurred_at", "properties", "value", "amount", "source", "create_time")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    tenant_id: str
    outlet_id: str
    conversation_id: str
    event_type: str
    occurred_at: _timestamp_pb2.Timestamp
    properties: _struct_pb2.Struct
    value: float
    amount: _common_pb2.Money
    source: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., event_type: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., properties: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., value: _Optional[float] = ..., amount: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., source: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TimeRange(_message.Message):
    __slots__ = ("start_time", "end_time")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MessageVolumePoint(_message.Message):
    __slots__ = ("bucket_start", "inbound", "outbound", "total", "conversations")
    BUCKET_START_FIELD_NUMBER: _ClassVar[int]
    INBOUND_FIELD_NUMBER: _ClassVar[int]
    OUTBOUND_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    bucket_start: _timestamp_pb2.Timestamp
    inbound: int
    outbound: int
    total: int
    conversations: int
    def __init__(self, bucket_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., inbound: _Optional[int] = ..., outbound: _Optional[int] = ..., total: _Optional[int] = ..., conversations: _Optional[int] = ...) -> None: ...

class IntentCount(_message.Message):
    __slots__ = ("intent", "count", "share", "average_confidence")
    INTENT_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    SHARE_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    intent: str
    count: int
    share: float
    average_confidence: float
    def __init__(self, intent: _Optional[str] = ..., count: _Optional[int] = ..., share: _Optional[float] = ..., average_confidence: _Optional[float] = ...) -> None: ...

class FunnelStage(_message.Message):
    __slots__ = ("name", "count", "conversion_from_previous", "conversion_from_first")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_FROM_PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    CONVERSION_FROM_FIRST_FIELD_NUMBER: _ClassVar[int]
    name: str
    count: int
    conversion_from_previous: float
    conversion_from_first: float
    def __init__(self, name: _Optional[str] = ..., count: _Optional[int] = ..., conversion_from_previous: _Optional[float] = ..., conversion_from_first: _Optional[float] = ...) -> None: ...

class RevenuePoint(_message.Message):
    __slots__ = ("bucket_start", "order_revenue", "booking_revenue", "total", "order_count", "booking_count")
    BUCKET_START_FIELD_NUMBER: _ClassVar[int]
    ORDER_REVENUE_FIELD_NUMBER: _ClassVar[int]
    BOOKING_REVENUE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    ORDER_COUNT_FIELD_NUMBER: _ClassVar[int]
    BOOKING_COUNT_FIELD_NUMBER: _ClassVar[int]
    bucket_start: _timestamp_pb2.Timestamp
    order_revenue: _common_pb2.Money
    booking_revenue: _common_pb2.Money
    total: _common_pb2.Money
    order_count: int
    booking_count: int
    def __init__(self, bucket_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., order_revenue: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., booking_revenue: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., total: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., order_count: _Optional[int] = ..., booking_count: _Optional[int] = ...) -> None: ...

class LatencyPoint(_message.Message):
    __slots__ = ("bucket_start", "count", "average_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms")
    BUCKET_START_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_MS_FIELD_NUMBER: _ClassVar[int]
    P50_MS_FIELD_NUMBER: _ClassVar[int]
    P95_MS_FIELD_NUMBER: _ClassVar[int]
    P99_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_MS_FIELD_NUMBER: _ClassVar[int]
    bucket_start: _timestamp_pb2.Timestamp
    count: int
    average_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    def __init__(self, bucket_start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., count: _Optional[int] = ..., average_ms: _Optional[float] = ..., p50_ms: _Optional[float] = ..., p95_ms: _Optional[float] = ..., p99_ms: _Optional[float] = ..., max_ms: _Optional[float] = ...) -> None: ...

class IngestEventsRequest(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[Event]
    def __init__(self, events: _Optional[_Iterable[_Union[Event, _Mapping]]] = ...) -> None: ...

class RejectedEvent(_message.Message):
    __slots__ = ("index", "event_id", "reason")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    index: int
    event_id: str
    reason: str
    def __init__(self, index: _Optional[int] = ..., event_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class IngestEventsResponse(_message.Message):
    __slots__ = ("accepted_count", "duplicate_count", "rejected")
    ACCEPTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_COUNT_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    accepted_count: int
    duplicate_count: int
    rejected: _containers.RepeatedCompositeFieldContainer[RejectedEvent]
    def __init__(self, accepted_count: _Optional[int] = ..., duplicate_count: _Optional[int] = ..., rejected: _Optional[_Iterable[_Union[RejectedEvent, _Mapping]]] = ...) -> None: ...

class GetMessageVolumeRequest(_message.Message):
    __slots__ = ("tenant_id", "time_range", "outlet_id", "granularity", "timezone")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    time_range: TimeRange
    outlet_id: str
    granularity: Granularity
    timezone: str
    def __init__(self, tenant_id: _Optional[str] = ..., time_range: _Optional[_Union[TimeRange, _Mapping]] = ..., outlet_id: _Optional[str] = ..., granularity: _Optional[_Union[Granularity, str]] = ..., timezone: _Optional[str] = ...) -> None: ...

class GetMessageVolumeResponse(_message.Message):
    __slots__ = ("points", "total_inbound", "total_outbound")
    POINTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_INBOUND_FIELD_NUMBER: _ClassVar[int]
    TOTAL_OUTBOUND_FIELD_NUMBER: _ClassVar[int]
    points: _containers.RepeatedCompositeFieldContainer[MessageVolumePoint]
    total_inbound: int
    total_outbound: int
    def __init__(self, points: _Optional[_Iterable[_Union[MessageVolumePoint, _Mapping]]] = ..., total_inbound: _Optional[int] = ..., total_outbound: _Optional[int] = ...) -> None: ...

class GetIntentBreakdownRequest(_message.Message):
    __slots__ = ("tenant_id", "time_range", "outlet_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    time_range: TimeRange
    outlet_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., time_range: _Optional[_Union[TimeRange, _Mapping]] = ..., outlet_id: _Optional[str] = ...) -> None: ...

class GetIntentBreakdownResponse(_message.Message):
    __slots__ = ("intents", "total")
    INTENTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    intents: _containers.RepeatedCompositeFieldContainer[IntentCount]
    total: int
    def __init__(self, intents: _Optional[_Iterable[_Union[IntentCount, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class GetConversionFunnelRequest(_message.Message):
    __slots__ = ("tenant_id", "time_range", "outlet_id", "kind")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    time_range: TimeRange
    outlet_id: str
    kind: FunnelKind
    def __init__(self, tenant_id: _Optional[str] = ..., time_range: _Optional[_Union[TimeRange, _Mapping]] = ..., outlet_id: _Optional[str] = ..., kind: _Optional[_Union[FunnelKind, str]] = ...) -> None: ...

class GetConversionFunnelResponse(_message.Message):
    __slots__ = ("kind", "stages")
    KIND_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    kind: FunnelKind
    stages: _containers.RepeatedCompositeFieldContainer[FunnelStage]
    def __init__(self, kind: _Optional[_Union[FunnelKind, str]] = ..., stages: _Optional[_Iterable[_Union[FunnelStage, _Mapping]]] = ...) -> None: ...

class GetRevenueRequest(_message.Message):
    __slots__ = ("tenant_id", "time_range", "outlet_id", "granularity", "timezone")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    time_range: TimeRange
    outlet_id: str
    granularity: Granularity
    timezone: str
    def __init__(self, tenant_id: _Optional[str] = ..., time_range: _Optional[_Union[TimeRange, _Mapping]] = ..., outlet_id: _Optional[str] = ..., granularity: _Optional[_Union[Granularity, str]] = ..., timezone: _Optional[str] = ...) -> None: ...

class GetRevenueResponse(_message.Message):
    __slots__ = ("points", "total", "total_order_revenue", "total_booking_revenue")
    POINTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    TOTAL_ORDER_REVENUE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_BOOKING_REVENUE_FIELD_NUMBER: _ClassVar[int]
    points: _containers.RepeatedCompositeFieldContainer[RevenuePoint]
    total: _common_pb2.Money
    total_order_revenue: _common_pb2.Money
    total_booking_revenue: _common_pb2.Money
    def __init__(self, points: _Optional[_Iterable[_Union[RevenuePoint, _Mapping]]] = ..., total: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., total_order_revenue: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., total_booking_revenue: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class GetLatencyRequest(_message.Message):
    __slots__ = ("tenant_id", "time_range", "outlet_id", "granularity", "timezone")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    GRANULARITY_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    time_range: TimeRange
    outlet_id: str
    granularity: Granularity
    timezone: str
    def __init__(self, tenant_id: _Optional[str] = ..., time_range: _Optional[_Union[TimeRange, _Mapping]] = ..., outlet_id: _Optional[str] = ..., granularity: _Optional[_Union[Granularity, str]] = ..., timezone: _Optional[str] = ...) -> None: ...

class GetLatencyResponse(_message.Message):
    __slots__ = ("points", "overall")
    POINTS_FIELD_NUMBER: _ClassVar[int]
    OVERALL_FIELD_NUMBER: _ClassVar[int]
    points: _containers.RepeatedCompositeFieldContainer[LatencyPoint]
    overall: LatencyPoint
    def __init__(self, points: _Optional[_Iterable[_Union[LatencyPoint, _Mapping]]] = ..., overall: _Optional[_Union[LatencyPoint, _Mapping]] = ...) -> None: ...

class GetHandoffShareRequest(_message.Message):
    __slots__ = ("tenant_id", "time_range", "outlet_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    time_range: TimeRange
    outlet_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., time_range: _Optional[_Union[TimeRange, _Mapping]] = ..., outlet_id: _Optional[str] = ...) -> None: ...

class GetHandoffShareResponse(_message.Message):
    __slots__ = ("conversations", "handed_off", "bot_share", "human_share")
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    HANDED_OFF_FIELD_NUMBER: _ClassVar[int]
    BOT_SHARE_FIELD_NUMBER: _ClassVar[int]
    HUMAN_SHARE_FIELD_NUMBER: _ClassVar[int]
    conversations: int
    handed_off: int
    bot_share: float
    human_share: float
    def __init__(self, conversations: _Optional[int] = ..., handed_off: _Optional[int] = ..., bot_share: _Optional[float] = ..., human_share: _Optional[float] = ...) -> None: ...

class RankedItem(_message.Message):
    __slots__ = ("name", "count")
    NAME_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    count: int
    def __init__(self, name: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class GetTopProductsRequest(_message.Message):
    __slots__ = ("tenant_id", "time_range", "outlet_id", "limit")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    time_range: TimeRange
    outlet_id: str
    limit: int
    def __init__(self, tenant_id: _Optional[str] = ..., time_range: _Optional[_Union[TimeRange, _Mapping]] = ..., outlet_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class GetTopProductsResponse(_message.Message):
    __slots__ = ("products",)
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    products: _containers.RepeatedCompositeFieldContainer[RankedItem]
    def __init__(self, products: _Optional[_Iterable[_Union[RankedItem, _Mapping]]] = ...) -> None: ...

class GetUnansweredQuestionsRequest(_message.Message):
    __slots__ = ("tenant_id", "time_range", "outlet_id", "limit")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    time_range: TimeRange
    outlet_id: str
    limit: int
    def __init__(self, tenant_id: _Optional[str] = ..., time_range: _Optional[_Union[TimeRange, _Mapping]] = ..., outlet_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class GetUnansweredQuestionsResponse(_message.Message):
    __slots__ = ("questions",)
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    questions: _containers.RepeatedCompositeFieldContainer[RankedItem]
    def __init__(self, questions: _Optional[_Iterable[_Union[RankedItem, _Mapping]]] = ...) -> None: ...
