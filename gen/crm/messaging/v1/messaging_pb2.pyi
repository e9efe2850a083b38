import datetime

from buf.validate import validate_pb2 as _validate_pb2
from crm.common.v1 import common_pb2 as _common_pb2
from google.api import annotations_pb2 as _annotations_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProcessingStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PROCESSING_STATUS_UNSPECIFIED: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_PENDING: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_PROCESSING: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_DONE: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_FAILED: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_DEAD: _ClassVar[ProcessingStatus]
    PROCESSING_STATUS_REJECTED: _ClassVar[ProcessingStatus]

class OutboundStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTBOUND_STATUS_UNSPECIFIED: _ClassVar[OutboundStatus]
    OUTBOUND_STATUS_QUEUED: _ClassVar[OutboundStatus]
    OUTBOUND_STATUS_SENT: _ClassVar[OutboundStatus]
    OUTBOUND_STATUS_DELIVERED: _ClassVar[OutboundStatus]
    OUTBOUND_STATUS_READ: _ClassVar[OutboundStatus]
    OUTBOUND_STATUS_FAILED: _ClassVar[OutboundStatus]
    OUTBOUND_STATUS_PLAYED: _ClassVar[OutboundStatus]

class InboundMessageType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INBOUND_MESSAGE_TYPE_UNSPECIFIED: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_TEXT: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_BUTTON_REPLY: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_LIST_REPLY: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_IMAGE: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_AUDIO: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_VIDEO: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_DOCUMENT: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_LOCATION: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_OTHER: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_BUTTON: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_STICKER: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_CONTACTS: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_REACTION: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_ORDER: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_UNSUPPORTED: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_EDIT: _ClassVar[InboundMessageType]
    INBOUND_MESSAGE_TYPE_REVOKE: _ClassVar[InboundMessageType]

class InteractiveKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INTERACTIVE_KIND_UNSPECIFIED: _ClassVar[InteractiveKind]
    INTERACTIVE_KIND_BUTTONS: _ClassVar[InteractiveKind]
    INTERACTIVE_KIND_LIST: _ClassVar[InteractiveKind]

class TemplateCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TEMPLATE_CATEGORY_UNSPECIFIED: _ClassVar[TemplateCategory]
    TEMPLATE_CATEGORY_MARKETING: _ClassVar[TemplateCategory]
    TEMPLATE_CATEGORY_UTILITY: _ClassVar[TemplateCategory]
    TEMPLATE_CATEGORY_AUTHENTICATION: _ClassVar[TemplateCategory]

class TemplateStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TEMPLATE_STATUS_UNSPECIFIED: _ClassVar[TemplateStatus]
    TEMPLATE_STATUS_PENDING: _ClassVar[TemplateStatus]
    TEMPLATE_STATUS_APPROVED: _ClassVar[TemplateStatus]
    TEMPLATE_STATUS_REJECTED: _ClassVar[TemplateStatus]
    TEMPLATE_STATUS_PAUSED: _ClassVar[TemplateStatus]
    TEMPLATE_STATUS_DISABLED: _ClassVar[TemplateStatus]
PROCESSING_STATUS_UNSPECIFIED: ProcessingStatus
PROCESSING_STATUS_PENDING: ProcessingStatus
PROCESSING_STATUS_PROCESSING: ProcessingStatus
PROCESSING_STATUS_DONE: ProcessingStatus
PROCESSING_STATUS_FAILED: ProcessingStatus
PROCESSING_STATUS_DEAD: ProcessingStatus
PROCESSING_STATUS_REJECTED: ProcessingStatus
OUTBOUND_STATUS_UNSPECIFIED: OutboundStatus
OUTBOUND_STATUS_QUEUED: OutboundStatus
OUTBOUND_STATUS_SENT: OutboundStatus
OUTBOUND_STATUS_DELIVERED: OutboundStatus
OUTBOUND_STATUS_READ: OutboundStatus
OUTBOUND_STATUS_FAILED: OutboundStatus
OUTBOUND_STATUS_PLAYED: OutboundStatus
INBOUND_MESSAGE_TYPE_UNSPECIFIED: InboundMessageType
INBOUND_MESSAGE_TYPE_TEXT: InboundMessageType
INBOUND_MESSAGE_TYPE_BUTTON_REPLY: InboundMessageType
INBOUND_MESSAGE_TYPE_LIST_REPLY: InboundMessageType
INBOUND_MESSAGE_TYPE_IMAGE: InboundMessageType
INBOUND_MESSAGE_TYPE_AUDIO: InboundMessageType
INBOUND_MESSAGE_TYPE_VIDEO: InboundMessageType
INBOUND_MESSAGE_TYPE_DOCUMENT: InboundMessageType
INBOUND_MESSAGE_TYPE_LOCATION: InboundMessageType
INBOUND_MESSAGE_TYPE_OTHER: InboundMessageType
INBOUND_MESSAGE_TYPE_BUTTON: InboundMessageType
INBOUND_MESSAGE_TYPE_STICKER: InboundMessageType
INBOUND_MESSAGE_TYPE_CONTACTS: InboundMessageType
INBOUND_MESSAGE_TYPE_REACTION: InboundMessageType
INBOUND_MESSAGE_TYPE_ORDER: InboundMessageType
INBOUND_MESSAGE_TYPE_UNSUPPORTED: InboundMessageType
INBOUND_MESSAGE_TYPE_EDIT: InboundMessageType
INBOUND_MESSAGE_TYPE_REVOKE: InboundMessageType
INTERACTIVE_KIND_UNSPECIFIED: InteractiveKind
INTERACTIVE_KIND_BUTTONS: InteractiveKind
INTERACTIVE_KIND_LIST: InteractiveKind
TEMPLATE_CATEGORY_UNSPECIFIED: TemplateCategory
TEMPLATE_CATEGORY_MARKETING: TemplateCategory
TEMPLATE_CATEGORY_UTILITY: TemplateCategory
TEMPLATE_CATEGORY_AUTHENTICATION: TemplateCategory
TEMPLATE_STATUS_UNSPECIFIED: TemplateStatus
TEMPLATE_STATUS_PENDING: TemplateStatus
TEMPLATE_STATUS_APPROVED: TemplateStatus
TEMPLATE_STATUS_REJECTED: TemplateStatus
TEMPLATE_STATUS_PAUSED: TemplateStatus
TEMPLATE_STATUS_DISABLED: TemplateStatus

class Hub(_message.Message):
    __slots__ = ("mode", "verify_token", "challenge")
    MODE_FIELD_NUMBER: _ClassVar[int]
    VERIFY_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_FIELD_NUMBER: _ClassVar[int]
    mode: str
    verify_token: str
    challenge: str
    def __init__(self, mode: _Optional[str] = ..., verify_token: _Optional[str] = ..., challenge: _Optional[str] = ...) -> None: ...

class VerifyWebhookRequest(_message.Message):
    __slots__ = ("hub",)
    HUB_FIELD_NUMBER: _ClassVar[int]
    hub: Hub
    def __init__(self, hub: _Optional[_Union[Hub, _Mapping]] = ...) -> None: ...

class TextContent(_message.Message):
    __slots__ = ("body", "preview_url")
    BODY_FIELD_NUMBER: _ClassVar[int]
    PREVIEW_URL_FIELD_NUMBER: _ClassVar[int]
    body: str
    preview_url: bool
    def __init__(self, body: _Optional[str] = ..., preview_url: _Optional[bool] = ...) -> None: ...

class InteractiveOption(_message.Message):
    __slots__ = ("id", "title", "description")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    description: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class InteractiveContent(_message.Message):
    __slots__ = ("kind", "header", "body", "footer", "list_button_text", "options")
    KIND_FIELD_NUMBER: _ClassVar[int]
    HEADER_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    FOOTER_FIELD_NUMBER: _ClassVar[int]
    LIST_BUTTON_TEXT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    kind: InteractiveKind
    header: str
    body: str
    footer: str
    list_button_text: str
    options: _containers.RepeatedCompositeFieldContainer[InteractiveOption]
    def __init__(self, kind: _Optional[_Union[InteractiveKind, str]] = ..., header: _Optional[str] = ..., body: _Optional[str] = ..., footer: _Optional[str] = ..., list_button_text: _Optional[str] = ..., options: _Optional[_Iterable[_Union[InteractiveOption, _Mapping]]] = ...) -> None: ...

class SendError(_message.Message):
    __slots__ = ("code", "title", "message", "details", "http_status", "retryable")
    CODE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    HTTP_STATUS_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    code: int
    title: str
    message: str
    details: str
    http_status: int
    retryable: bool
    def __init__(self, code: _Optional[int] = ..., title: _Optional[str] = ..., message: _Optional[str] = ..., details: _Optional[str] = ..., http_status: _Optional[int] = ..., retryable: _Optional[bool] = ...) -> None: ...

class OutboundMessage(_message.Message):
    __slots__ = ("id", "tenant_id", "outlet_id", "conversation_id", "phone_number_id", "to", "text", "interactive", "template", "reply_to_message_id", "whatsapp_message_id", "status", "processing_status", "error", "attempt_count", "next_attempt_time", "idempotency_key", "sent_time", "delivered_time", "read_time", "failed_time", "create_time", "update_time", "reaction")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_ID_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    INTERACTIVE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    SENT_TIME_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_TIME_FIELD_NUMBER: _ClassVar[int]
    READ_TIME_FIELD_NUMBER: _ClassVar[int]
    FAILED_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    REACTION_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    outlet_id: str
    conversation_id: str
    phone_number_id: str
    to: str
    text: TextContent
    interactive: InteractiveContent
    template: TemplateContent
    reply_to_message_id: str
    whatsapp_message_id: str
    status: OutboundStatus
    processing_status: ProcessingStatus
    error: SendError
    attempt_count: int
    next_attempt_time: _timestamp_pb2.Timestamp
    idempotency_key: str
    sent_time: _timestamp_pb2.Timestamp
    delivered_time: _timestamp_pb2.Timestamp
    read_time: _timestamp_pb2.Timestamp
    failed_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    reaction: str
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., phone_number_id: _Optional[str] = ..., to: _Optional[str] = ..., text: _Optional[_Union[TextContent, _Mapping]] = ..., interactive: _Optional[_Union[InteractiveContent, _Mapping]] = ..., template: _Optional[_Union[TemplateContent, _Mapping]] = ..., reply_to_message_id: _Optional[str] = ..., whatsapp_message_id: _Optional[str] = ..., status: _Optional[_Union[OutboundStatus, str]] = ..., processing_status: _Optional[_Union[ProcessingStatus, str]] = ..., error: _Optional[_Union[SendError, _Mapping]] = ..., attempt_count: _Optional[int] = ..., next_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., idempotency_key: _Optional[str] = ..., sent_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., delivered_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., failed_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reaction: _Optional[str] = ...) -> None: ...

class InboxItem(_message.Message):
    __slots__ = ("id", "whatsapp_message_id", "phone_number_id", "tenant_id", "outlet_id", "customer_phone", "customer_name", "message_type", "text", "interactive_reply_id", "context_message_id", "payload", "status", "attempt_count", "last_error", "message_time", "next_attempt_time", "process_time", "reply_outbound_message_id", "create_time", "update_time", "reaction", "original_text", "edit_time", "revoke_time", "media")
    ID_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PHONE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_NAME_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    INTERACTIVE_REPLY_ID_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TIME_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    PROCESS_TIME_FIELD_NUMBER: _ClassVar[int]
    REPLY_OUTBOUND_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    REACTION_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_TEXT_FIELD_NUMBER: _ClassVar[int]
    EDIT_TIME_FIELD_NUMBER: _ClassVar[int]
    REVOKE_TIME_FIELD_NUMBER: _ClassVar[int]
    MEDIA_FIELD_NUMBER: _ClassVar[int]
    id: str
    whatsapp_message_id: str
    phone_number_id: str
    tenant_id: str
    outlet_id: str
    customer_phone: str
    customer_name: str
    message_type: InboundMessageType
    text: str
    interactive_reply_id: str
    context_message_id: str
    payload: _struct_pb2.Struct
    status: ProcessingStatus
    attempt_count: int
    last_error: str
    message_time: _timestamp_pb2.Timestamp
    next_attempt_time: _timestamp_pb2.Timestamp
    process_time: _timestamp_pb2.Timestamp
    reply_outbound_message_id: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    reaction: str
    original_text: str
    edit_time: _timestamp_pb2.Timestamp
    revoke_time: _timestamp_pb2.Timestamp
    media: InboundMedia
    def __init__(self, id: _Optional[str] = ..., whatsapp_message_id: _Optional[str] = ..., phone_number_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., customer_phone: _Optional[str] = ..., customer_name: _Optional[str] = ..., message_type: _Optional[_Union[InboundMessageType, str]] = ..., text: _Optional[str] = ..., interactive_reply_id: _Optional[str] = ..., context_message_id: _Optional[str] = ..., payload: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., status: _Optional[_Union[ProcessingStatus, str]] = ..., attempt_count: _Optional[int] = ..., last_error: _Optional[str] = ..., message_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., next_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., process_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reply_outbound_message_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reaction: _Optional[str] = ..., original_text: _Optional[str] = ..., edit_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoke_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., media: _Optional[_Union[InboundMedia, _Mapping]] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ("tenant_id", "outlet_id", "phone_number_id", "to", "conversation_id", "text", "interactive", "reply_to_message_id", "idempotency_key", "wait_for_send", "template")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_ID_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    INTERACTIVE_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    WAIT_FOR_SEND_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    outlet_id: str
    phone_number_id: str
    to: str
    conversation_id: str
    text: TextContent
    interactive: InteractiveContent
    reply_to_message_id: str
    idempotency_key: str
    wait_for_send: bool
    template: TemplateFallback
    def __init__(self, tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., phone_number_id: _Optional[str] = ..., to: _Optional[str] = ..., conversation_id: _Optional[str] = ..., text: _Optional[_Union[TextContent, _Mapping]] = ..., interactive: _Optional[_Union[InteractiveContent, _Mapping]] = ..., reply_to_message_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., wait_for_send: _Optional[bool] = ..., template: _Optional[_Union[TemplateFallback, _Mapping]] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: OutboundMessage
    def __init__(self, message: _Optional[_Union[OutboundMessage, _Mapping]] = ...) -> None: ...

class GetOutboundMessageRequest(_message.Message):
    __slots__ = ("tenant_id", "message_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    message_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class GetOutboundMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: OutboundMessage
    def __init__(self, message: _Optional[_Union[OutboundMessage, _Mapping]] = ...) -> None: ...

class ListOutboxMessagesRequest(_message.Message):
    __slots__ = ("tenant_id", "page", "processing_status", "status", "outlet_id", "conversation_id", "to")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PROCESSING_STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    processing_status: ProcessingStatus
    status: OutboundStatus
    outlet_id: str
    conversation_id: str
    to: str
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., processing_status: _Optional[_Union[ProcessingStatus, str]] = ..., status: _Optional[_Union[OutboundStatus, str]] = ..., outlet_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., to: _Optional[str] = ...) -> None: ...

class ListOutboxMessagesResponse(_message.Message):
    __slots__ = ("messages", "page")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[OutboundMessage]
    page: _common_pb2.PageResponse
    def __init__(self, messages: _Optional[_Iterable[_Union[OutboundMessage, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class RetryOutboxMessageRequest(_message.Message):
    __slots__ = ("tenant_id", "message_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    message_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class RetryOutboxMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: OutboundMessage
    def __init__(self, message: _Optional[_Union[OutboundMessage, _Mapping]] = ...) -> None: ...

class GetInboxItemRequest(_message.Message):
    __slots__ = ("tenant_id", "inbox_item_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    INBOX_ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    inbox_item_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., inbox_item_id: _Optional[str] = ...) -> None: ...

class GetInboxItemResponse(_message.Message):
    __slots__ = ("inbox_item",)
    INBOX_ITEM_FIELD_NUMBER: _ClassVar[int]
    inbox_item: InboxItem
    def __init__(self, inbox_item: _Optional[_Union[InboxItem, _Mapping]] = ...) -> None: ...

class ListInboxItemsRequest(_message.Message):
    __slots__ = ("tenant_id", "page", "status", "outlet_id", "customer_phone")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PHONE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    status: ProcessingStatus
    outlet_id: str
    customer_phone: str
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., status: _Optional[_Union[ProcessingStatus, str]] = ..., outlet_id: _Optional[str] = ..., customer_phone: _Optional[str] = ...) -> None: ...

class ListInboxItemsResponse(_message.Message):
    __slots__ = ("inbox_items", "page")
    INBOX_ITEMS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    inbox_items: _containers.RepeatedCompositeFieldContainer[InboxItem]
    page: _common_pb2.PageResponse
    def __init__(self, inbox_items: _Optional[_Iterable[_Union[InboxItem, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class RetryInboxItemRequest(_message.Message):
    __slots__ = ("tenant_id", "inbox_item_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    INBOX_ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    inbox_item_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., inbox_item_id: _Optional[str] = ...) -> None: ...

class RetryInboxItemResponse(_message.Message):
    __slots__ = ("inbox_item",)
    INBOX_ITEM_FIELD_NUMBER: _ClassVar[int]
    inbox_item: InboxItem
    def __init__(self, inbox_item: _Optional[_Union[InboxItem, _Mapping]] = ...) -> None: ...

class OptOut(_message.Message):
    __slots__ = ("tenant_id", "customer_phone", "opt_out_time", "refused_sends")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PHONE_FIELD_NUMBER: _ClassVar[int]
    OPT_OUT_TIME_FIELD_NUMBER: _ClassVar[int]
    REFUSED_SENDS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    customer_phone: str
    opt_out_time: _timestamp_pb2.Timestamp
    refused_sends: int
    def __init__(self, tenant_id: _Optional[str] = ..., customer_phone: _Optional[str] = ..., opt_out_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., refused_sends: _Optional[int] = ...) -> None: ...

class ListOptOutsRequest(_message.Message):
    __slots__ = ("tenant_id", "page")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListOptOutsResponse(_message.Message):
    __slots__ = ("opt_outs", "page")
    OPT_OUTS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    opt_outs: _containers.RepeatedCompositeFieldContainer[OptOut]
    page: _common_pb2.PageResponse
    def __init__(self, opt_outs: _Optional[_Iterable[_Union[OptOut, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class MessageTemplate(_message.Message):
    __slots__ = ("id", "tenant_id", "business_account_id", "name", "language", "category", "status", "header", "body", "footer", "quick_replies", "parameter_count", "external_id", "rejected_reason", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    HEADER_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    FOOTER_FIELD_NUMBER: _ClassVar[int]
    QUICK_REPLIES_FIELD_NUMBER: _ClassVar[int]
    PARAMETER_COUNT_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    REJECTED_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    business_account_id: str
    name: str
    language: str
    category: TemplateCategory
    status: TemplateStatus
    header: str
    body: str
    footer: str
    quick_replies: _containers.RepeatedScalarFieldContainer[str]
    parameter_count: int
    external_id: str
    rejected_reason: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., business_account_id: _Optional[str] = ..., name: _Optional[str] = ..., language: _Optional[str] = ..., category: _Optional[_Union[TemplateCategory, str]] = ..., status: _Optional[_Union[TemplateStatus, str]] = ..., header: _Optional[str] = ..., body: _Optional[str] = ..., footer: _Optional[str] = ..., quick_replies: _Optional[_Iterable[str]] = ..., parameter_count: _Optional[int] = ..., external_id: _Optional[str] = ..., rejected_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TemplateFallback(_message.Message):
    __slots__ = ("name", "parameters", "button_payloads", "language")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    BUTTON_PAYLOADS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    name: str
    parameters: _containers.RepeatedScalarFieldContainer[str]
    button_payloads: _containers.RepeatedScalarFieldContainer[str]
    language: str
    def __init__(self, name: _Optional[str] = ..., parameters: _Optional[_Iterable[str]] = ..., button_payloads: _Optional[_Iterable[str]] = ..., language: _Optional[str] = ...) -> None: ...

class TemplateContent(_message.Message):
    __slots__ = ("name", "language", "category", "parameters", "button_payloads", "text")
    NAME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    BUTTON_PAYLOADS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    name: str
    language: str
    category: TemplateCategory
    parameters: _containers.RepeatedScalarFieldContainer[str]
    button_payloads: _containers.RepeatedScalarFieldContainer[str]
    text: str
    def __init__(self, name: _Optional[str] = ..., language: _Optional[str] = ..., category: _Optional[_Union[TemplateCategory, str]] = ..., parameters: _Optional[_Iterable[str]] = ..., button_payloads: _Optional[_Iterable[str]] = ..., text: _Optional[str] = ...) -> None: ...

class ListMessageTemplatesRequest(_message.Message):
    __slots__ = ("tenant_id", "page", "status")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    status: TemplateStatus
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., status: _Optional[_Union[TemplateStatus, str]] = ...) -> None: ...

class ListMessageTemplatesResponse(_message.Message):
    __slots__ = ("templates", "page")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[MessageTemplate]
    page: _common_pb2.PageResponse
    def __init__(self, templates: _Optional[_Iterable[_Union[MessageTemplate, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class CreateMessageTemplateRequest(_message.Message):
    __slots__ = ("tenant_id", "outlet_id", "template", "examples")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    EXAMPLES_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    outlet_id: str
    template: MessageTemplate
    examples: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., template: _Optional[_Union[MessageTemplate, _Mapping]] = ..., examples: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateMessageTemplateResponse(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: MessageTemplate
    def __init__(self, template: _Optional[_Union[MessageTemplate, _Mapping]] = ...) -> None: ...

class SyncMessageTemplatesRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class SyncMessageTemplatesResponse(_message.Message):
    __slots__ = ("templates", "removed")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[MessageTemplate]
    removed: int
    def __init__(self, templates: _Optional[_Iterable[_Union[MessageTemplate, _Mapping]]] = ..., removed: _Optional[int] = ...) -> None: ...

class InboundMedia(_message.Message):
    __slots__ = ("media_id", "mime_type", "size_bytes", "sha256", "refusal", "transcript")
    MEDIA_ID_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_FIELD_NUMBER: _ClassVar[int]
    TRANSCRIPT_FIELD_NUMBER: _ClassVar[int]
    media_id: str
    mime_type: str
    size_bytes: int
    sha256: str
    refusal: str
    transcript: str
    def __init__(self, media_id: _Optional[str] = ..., mime_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., refusal: _Optional[str] = ..., transcript: _Optional[str] = ...) -> None: ...

class GetMediaRequest(_message.Message):
    __slots__ = ("tenant_id", "media_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    MEDIA_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    media_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., media_id: _Optional[str] = ...) -> None: ...
