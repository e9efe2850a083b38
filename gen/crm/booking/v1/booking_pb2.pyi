import datetime

from buf.validate import validate_pb2 as _validate_pb2
from crm.common.v1 import common_pb2 as _common_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ResourceType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESOURCE_TYPE_UNSPECIFIED: _ClassVar[ResourceType]
    RESOURCE_TYPE_TABLE: _ClassVar[ResourceType]
    RESOURCE_TYPE_COURT: _ClassVar[ResourceType]
    RESOURCE_TYPE_ROOM: _ClassVar[ResourceType]
    RESOURCE_TYPE_OTHER: _ClassVar[ResourceType]

class ResourceStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESOURCE_STATUS_UNSPECIFIED: _ClassVar[ResourceStatus]
    RESOURCE_STATUS_ACTIVE: _ClassVar[ResourceStatus]
    RESOURCE_STATUS_INACTIVE: _ClassVar[ResourceStatus]
    RESOURCE_STATUS_MAINTENANCE: _ClassVar[ResourceStatus]

class BookingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BOOKING_STATUS_UNSPECIFIED: _ClassVar[BookingStatus]
    BOOKING_STATUS_PENDING: _ClassVar[BookingStatus]
    BOOKING_STATUS_CONFIRMED: _ClassVar[BookingStatus]
    BOOKING_STATUS_CANCELLED: _ClassVar[BookingStatus]
    BOOKING_STATUS_COMPLETED: _ClassVar[BookingStatus]
    BOOKING_STATUS_NO_SHOW: _ClassVar[BookingStatus]

class Weekday(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WEEKDAY_UNSPECIFIED: _ClassVar[Weekday]
    WEEKDAY_MONDAY: _ClassVar[Weekday]
    WEEKDAY_TUESDAY: _ClassVar[Weekday]
    WEEKDAY_WEDNESDAY: _ClassVar[Weekday]
    WEEKDAY_THURSDAY: _ClassVar[Weekday]
    WEEKDAY_FRIDAY: _ClassVar[Weekday]
    WEEKDAY_SATURDAY: _ClassVar[Weekday]
    WEEKDAY_SUNDAY: _ClassVar[Weekday]
RESOURCE_TYPE_UNSPECIFIED: ResourceType
RESOURCE_TYPE_TABLE: ResourceType
RESOURCE_TYPE_COURT: ResourceType
RESOURCE_TYPE_ROOM: ResourceType
RESOURCE_TYPE_OTHER: ResourceType
RESOURCE_STATUS_UNSPECIFIED: ResourceStatus
RESOURCE_STATUS_ACTIVE: ResourceStatus
RESOURCE_STATUS_INACTIVE: ResourceStatus
RESOURCE_STATUS_MAINTENANCE: ResourceStatus
BOOKING_STATUS_UNSPECIFIED: BookingStatus
BOOKING_STATUS_PENDING: BookingStatus
BOOKING_STATUS_CONFIRMED: BookingStatus
BOOKING_STATUS_CANCELLED: BookingStatus
BOOKING_STATUS_COMPLETED: BookingStatus
BOOKING_STATUS_NO_SHOW: BookingStatus
WEEKDAY_UNSPECIFIED: Weekday
WEEKDAY_MONDAY: Weekday
WEEKDAY_TUESDAY: Weekday
WEEKDAY_WEDNESDAY: Weekday
WEEKDAY_THURSDAY: Weekday
WEEKDAY_FRIDAY: Weekday
WEEKDAY_SATURDAY: Weekday
WEEKDAY_SUNDAY: Weekday

class Resource(_message.Message):
    __slots__ = ("id", "tenant_id", "outlet_id", "name", "type", "capacity", "hourly_rate", "status", "description", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    HOURLY_RATE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    outlet_id: str
    name: str
    type: ResourceType
    capacity: int
    hourly_rate: _common_pb2.Money
    status: ResourceStatus
    description: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[_Union[ResourceType, str]] = ..., capacity: _Optional[int] = ..., hourly_rate: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., status: _Optional[_Union[ResourceStatus, str]] = ..., description: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class OpeningPeriod(_message.Message):
    __slots__ = ("weekday", "open_time", "close_time")
    WEEKDAY_FIELD_NUMBER: _ClassVar[int]
    OPEN_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    weekday: Weekday
    open_time: str
    close_time: str
    def __init__(self, weekday: _Optional[_Union[Weekday, str]] = ..., open_time: _Optional[str] = ..., close_time: _Optional[str] = ...) -> None: ...

class OpeningHours(_message.Message):
    __slots__ = ("tenant_id", "outlet_id", "periods", "closed_dates", "timezone", "update_time")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    PERIODS_FIELD_NUMBER: _ClassVar[int]
    CLOSED_DATES_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    outlet_id: str
    periods: _containers.RepeatedCompositeFieldContainer[OpeningPeriod]
    closed_dates: _containers.RepeatedScalarFieldContainer[str]
    timezone: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., periods: _Optional[_Iterable[_Union[OpeningPeriod, _Mapping]]] = ..., closed_dates: _Optional[_Iterable[str]] = ..., timezone: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Booking(_message.Message):
    __slots__ = ("id", "tenant_id", "outlet_id", "resource_id", "conversation_id", "customer_phone", "customer_name", "party_size", "booking_date", "start_time", "end_time", "status", "total_price", "booking_number", "notes", "cancel_reason", "confirm_time", "cancel_time", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PHONE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_NAME_FIELD_NUMBER: _ClassVar[int]
    PARTY_SIZE_FIELD_NUMBER: _ClassVar[int]
    BOOKING_DATE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_PRICE_FIELD_NUMBER: _ClassVar[int]
    BOOKING_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    CONFIRM_TIME_FIELD_NUMBER: _ClassVar[int]
    CANCEL_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    outlet_id: str
    resource_id: str
    conversation_id: str
    customer_phone: str
    customer_name: str
    party_size: int
    booking_date: str
    start_time: str
    end_time: str
    status: BookingStatus
    total_price: _common_pb2.Money
    booking_number: str
    notes: str
    cancel_reason: str
    confirm_time: _timestamp_pb2.Timestamp
    cancel_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., resource_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., customer_phone: _Optional[str] = ..., customer_name: _Optional[str] = ..., party_size: _Optional[int] = ..., booking_date: _Optional[str] = ..., start_time: _Optional[str] = ..., end_time: _Optional[str] = ..., status: _Optional[_Union[BookingStatus, str]] = ..., total_price: _Optional[_Union[_common_pb2.Money, _Mapping]] = ..., booking_number: _Optional[str] = ..., notes: _Optional[str] = ..., cancel_reason: _Optional[str] = ..., confirm_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cancel_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Slot(_message.Message):
    __slots__ = ("resource_id", "resource_name", "resource_type", "capacity", "date", "start_time", "end_time", "price")
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    resource_id: str
    resource_name: str
    resource_type: ResourceType
    capacity: int
    date: str
    start_time: str
    end_time: str
    price: _common_pb2.Money
    def __init__(self, resource_id: _Optional[str] = ..., resource_name: _Optional[str] = ..., resource_type: _Optional[_Union[ResourceType, str]] = ..., capacity: _Optional[int] = ..., date: _Optional[str] = ..., start_time: _Optional[str] = ..., end_time: _Optional[str] = ..., price: _Optional[_Union[_common_pb2.Money, _Mapping]] = ...) -> None: ...

class ReplyOption(_message.Message):
    __slots__ = ("id", "title", "description")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    description: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class CreateResourceRequest(_message.Message):
    __slots__ = ("resource",)
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    resource: Resource
    def __init__(self, resource: _Optional[_Union[Resource, _Mapping]] = ...) -> None: ...

class CreateResourceResponse(_message.Message):
    __slots__ = ("resource",)
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    resource: Resource
    def __init__(self, resource: _Optional[_Union[Resource, _Mapping]] = ...) -> None: ...

class GetResourceRequest(_message.Message):
    __slots__ = ("tenant_id", "resource_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    resource_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., resource_id: _Optional[str] = ...) -> None: ...

class GetResourceResponse(_message.Message):
    __slots__ = ("resource",)
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    resource: Resource
    def __init__(self, resource: _Optional[_Union[Resource, _Mapping]] = ...) -> None: ...

class UpdateResourceRequest(_message.Message):
    __slots__ = ("resource", "update_mask")
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    resource: Resource
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, resource: _Optional[_Union[Resource, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateResourceResponse(_message.Message):
    __slots__ = ("resource",)
    RESOURCE_FIELD_NUMBER: _ClassVar[int]
    resource: Resource
    def __init__(self, resource: _Optional[_Union[Resource, _Mapping]] = ...) -> None: ...

class ListResourcesRequest(_message.Message):
    __slots__ = ("tenant_id", "page", "outlet_id", "type", "status")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    outlet_id: str
    type: ResourceType
    status: ResourceStatus
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., outlet_id: _Optional[str] = ..., type: _Optional[_Union[ResourceType, str]] = ..., status: _Optional[_Union[ResourceStatus, str]] = ...) -> None: ...

class ListResourcesResponse(_message.Message):
    __slots__ = ("resources", "page")
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    resources: _containers.RepeatedCompositeFieldContainer[Resource]
    page: _common_pb2.PageResponse
    def __init__(self, resources: _Optional[_Iterable[_Union[Resource, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class DeleteResourceRequest(_message.Message):
    __slots__ = ("tenant_id", "resource_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    resource_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., resource_id: _Optional[str] = ...) -> None: ...

class DeleteResourceResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SetOpeningHoursRequest(_message.Message):
    __slots__ = ("opening_hours",)
    OPENING_HOURS_FIELD_NUMBER: _ClassVar[int]
    opening_hours: OpeningHours
    def __init__(self, opening_hours: _Optional[_Union[OpeningHours, _Mapping]] = ...) -> None: ...

class SetOpeningHoursResponse(_message.Message):
    __slots__ = ("opening_hours",)
    OPENING_HOURS_FIELD_NUMBER: _ClassVar[int]
    opening_hours: OpeningHours
    def __init__(self, opening_hours: _Optional[_Union[OpeningHours, _Mapping]] = ...) -> None: ...

class GetOpeningHoursRequest(_message.Message):
    __slots__ = ("tenant_id", "outlet_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    outlet_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ...) -> None: ...

class GetOpeningHoursResponse(_message.Message):
    __slots__ = ("opening_hours",)
    OPENING_HOURS_FIELD_NUMBER: _ClassVar[int]
    opening_hours: OpeningHours
    def __init__(self, opening_hours: _Optional[_Union[OpeningHours, _Mapping]] = ...) -> None: ...

class CheckAvailabilityRequest(_message.Message):
    __slots__ = ("tenant_id", "outlet_id", "date", "window_start_time", "window_end_time", "duration_minutes", "party_size", "resource_type", "resource_id", "slot_step_minutes", "max_slots")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_TIME_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_TIME_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    PARTY_SIZE_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_TYPE_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    SLOT_STEP_MINUTES_FIELD_NUMBER: _ClassVar[int]
    MAX_SLOTS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    outlet_id: str
    date: str
    window_start_time: str
    window_end_time: str
    duration_minutes: int
    party_size: int
    resource_type: ResourceType
    resource_id: str
    slot_step_minutes: int
    max_slots: int
    def __init__(self, tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., date: _Optional[str] = ..., window_start_time: _Optional[str] = ..., window_end_time: _Optional[str] = ..., duration_minutes: _Optional[int] = ..., party_size: _Optional[int] = ..., resource_type: _Optional[_Union[ResourceType, str]] = ..., resource_id: _Optional[str] = ..., slot_step_minutes: _Optional[int] = ..., max_slots: _Optional[int] = ...) -> None: ...

class CheckAvailabilityResponse(_message.Message):
    __slots__ = ("slots", "open")
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    slots: _containers.RepeatedCompositeFieldContainer[Slot]
    open: bool
    def __init__(self, slots: _Optional[_Iterable[_Union[Slot, _Mapping]]] = ..., open: _Optional[bool] = ...) -> None: ...

class CreateBookingRequest(_message.Message):
    __slots__ = ("booking", "request_id")
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    booking: Booking
    request_id: str
    def __init__(self, booking: _Optional[_Union[Booking, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: Booking
    def __init__(self, booking: _Optional[_Union[Booking, _Mapping]] = ...) -> None: ...

class GetBookingRequest(_message.Message):
    __slots__ = ("tenant_id", "booking_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    booking_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., booking_id: _Optional[str] = ...) -> None: ...

class GetBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: Booking
    def __init__(self, booking: _Optional[_Union[Booking, _Mapping]] = ...) -> None: ...

class ListBookingsRequest(_message.Message):
    __slots__ = ("tenant_id", "page", "outlet_id", "resource_id", "customer_phone", "conversation_id", "start_date", "end_date", "status")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PHONE_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    outlet_id: str
    resource_id: str
    customer_phone: str
    conversation_id: str
    start_date: str
    end_date: str
    status: BookingStatus
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., outlet_id: _Optional[str] = ..., resource_id: _Optional[str] = ..., customer_phone: _Optional[str] = ..., conversation_id: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., status: _Optional[_Union[BookingStatus, str]] = ...) -> None: ...

class ListBookingsResponse(_message.Message):
    __slots__ = ("bookings", "page")
    BOOKINGS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    bookings: _containers.RepeatedCompositeFieldContainer[Booking]
    page: _common_pb2.PageResponse
    def __init__(self, bookings: _Optional[_Iterable[_Union[Booking, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class ConfirmBookingRequest(_message.Message):
    __slots__ = ("tenant_id", "booking_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    booking_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., booking_id: _Optional[str] = ...) -> None: ...

class ConfirmBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: Booking
    def __init__(self, booking: _Optional[_Union[Booking, _Mapping]] = ...) -> None: ...

class CancelBookingRequest(_message.Message):
    __slots__ = ("tenant_id", "booking_id", "reason")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    booking_id: str
    reason: str
    def __init__(self, tenant_id: _Optional[str] = ..., booking_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CancelBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: Booking
    def __init__(self, booking: _Optional[_Union[Booking, _Mapping]] = ...) -> None: ...

class RescheduleBookingRequest(_message.Message):
    __slots__ = ("tenant_id", "booking_id", "booking_date", "start_time", "end_time", "resource_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_DATE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    booking_id: str
    booking_date: str
    start_time: str
    end_time: str
    resource_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., booking_id: _Optional[str] = ..., booking_date: _Optional[str] = ..., start_time: _Optional[str] = ..., end_time: _Optional[str] = ..., resource_id: _Optional[str] = ...) -> None: ...

class RescheduleBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: Booking
    def __init__(self, booking: _Optional[_Union[Booking, _Mapping]] = ...) -> None: ...

class CompleteBookingRequest(_message.Message):
    __slots__ = ("tenant_id", "booking_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    booking_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., booking_id: _Optional[str] = ...) -> None: ...

class CompleteBookingResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: Booking
    def __init__(self, booking: _Optional[_Union[Booking, _Mapping]] = ...) -> None: ...

class MarkNoShowRequest(_message.Message):
    __slots__ = ("tenant_id", "booking_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    booking_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., booking_id: _Optional[str] = ...) -> None: ...

class MarkNoShowResponse(_message.Message):
    __slots__ = ("booking",)
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    booking: Booking
    def __init__(self, booking: _Optional[_Union[Booking, _Mapping]] = ...) -> None: ...

class HandleBookingTurnRequest(_message.Message):
    __slots__ = ("tenant_id", "outlet_id", "conversation_id", "customer_phone", "customer_name", "text", "intent", "entities", "dialogue_state", "interactive_reply_id", "message_time", "language")
    class EntitiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PHONE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    INTENT_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    DIALOGUE_STATE_FIELD_NUMBER: _ClassVar[int]
    INTERACTIVE_REPLY_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TIME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    outlet_id: str
    conversation_id: str
    customer_phone: str
    customer_name: str
    text: str
    intent: str
    entities: _containers.ScalarMap[str, str]
    dialogue_state: _struct_pb2.Struct
    interactive_reply_id: str
    message_time: _timestamp_pb2.Timestamp
    language: str
    def __init__(self, tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., customer_phone: _Optional[str] = ..., customer_name: _Optional[str] = ..., text: _Optional[str] = ..., intent: _Optional[str] = ..., entities: _Optional[_Mapping[str, str]] = ..., dialogue_state: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., interactive_reply_id: _Optional[str] = ..., message_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., language: _Optional[str] = ...) -> None: ...

class HandleBookingTurnResponse(_message.Message):
    __slots__ = ("reply_text", "options", "dialogue_state", "confirmation_pending", "done", "booking_id", "booking")
    REPLY_TEXT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    DIALOGUE_STATE_FIELD_NUMBER: _ClassVar[int]
    CONFIRMATION_PENDING_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    BOOKING_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_FIELD_NUMBER: _ClassVar[int]
    reply_text: str
    options: _containers.RepeatedCompositeFieldContainer[ReplyOption]
    dialogue_state: _struct_pb2.Struct
    confirmation_pending: bool
    done: bool
    booking_id: str
    booking: Booking
    def __init__(self, reply_text: _Optional[str] = ..., options: _Optional[_Iterable[_Union[ReplyOption, _Mapping]]] = ..., dialogue_state: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., confirmation_pending: _Optional[bool] = ..., done: _Optional[bool] = ..., booking_id: _Optional[str] = ..., booking: _Optional[_Union[Booking, _Mapping]] = ...) -> None: ...
