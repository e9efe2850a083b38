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

class ConversationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONVERSATION_STATUS_UNSPECIFIED: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_OPEN: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_CLOSED: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_ARCHIVED: _ClassVar[ConversationStatus]

class SenderType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SENDER_TYPE_UNSPECIFIED: _ClassVar[SenderType]
    SENDER_TYPE_CUSTOMER: _ClassVar[SenderType]
    SENDER_TYPE_BOT: _ClassVar[SenderType]
    SENDER_TYPE_AGENT: _ClassVar[SenderType]
    SENDER_TYPE_SYSTEM: _ClassVar[SenderType]

class MessageType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MESSAGE_TYPE_UNSPECIFIED: _ClassVar[MessageType]
    MESSAGE_TYPE_TEXT: _ClassVar[MessageType]
    MESSAGE_TYPE_INTERACTIVE: _ClassVar[MessageType]
    MESSAGE_TYPE_IMAGE: _ClassVar[MessageType]
    MESSAGE_TYPE_AUDIO: _ClassVar[MessageType]
    MESSAGE_TYPE_VIDEO: _ClassVar[MessageType]
    MESSAGE_TYPE_DOCUMENT: _ClassVar[MessageType]
    MESSAGE_TYPE_LOCATION: _ClassVar[MessageType]
    MESSAGE_TYPE_TEMPLATE: _ClassVar[MessageType]
    MESSAGE_TYPE_OTHER: _ClassVar[MessageType]
CONVERSATION_STATUS_UNSPECIFIED: ConversationStatus
CONVERSATION_STATUS_OPEN: ConversationStatus
CONVERSATION_STATUS_CLOSED: ConversationStatus
CONVERSATION_STATUS_ARCHIVED: ConversationStatus
SENDER_TYPE_UNSPECIFIED: SenderType
SENDER_TYPE_CUSTOMER: SenderType
SENDER_TYPE_BOT: SenderType
SENDER_TYPE_AGENT: SenderType
SENDER_TYPE_SYSTEM: SenderType
MESSAGE_TYPE_UNSPECIFIED: MessageType
MESSAGE_TYPE_TEXT: MessageType
MESSAGE_TYPE_INTERACTIVE: MessageType
MESSAGE_TYPE_IMAGE: MessageType
MESSAGE_TYPE_AUDIO: MessageType
MESSAGE_TYPE_VIDEO: MessageType
MESSAGE_TYPE_DOCUMENT: MessageType
MESSAGE_TYPE_LOCATION: MessageType
MESSAGE_TYPE_TEMPLATE: MessageType
MESSAGE_TYPE_OTHER: MessageType

class Conversation(_message.Message):
    __slots__ = ("id", "tenant_id", "outlet_id", "customer_phone", "customer_name", "status", "handoff_requested", "handoff_agent_id", "handoff_reason", "handoff_time", "last_message_at", "last_customer_message_at", "window_expires_at", "window_open", "message_count", "metadata", "close_time", "create_time", "update_time", "language")
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PHONE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    HANDOFF_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    HANDOFF_AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    HANDOFF_REASON_FIELD_NUMBER: _ClassVar[int]
    HANDOFF_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_MESSAGE_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_CUSTOMER_MESSAGE_AT_FIELD_NUMBER: _ClassVar[int]
    WINDOW_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    WINDOW_OPEN_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    id: str
    tenant_id: str
    outlet_id: str
    customer_phone: str
    customer_name: str
    status: ConversationStatus
    handoff_requested: bool
    handoff_agent_id: str
    handoff_reason: str
    handoff_time: _timestamp_pb2.Timestamp
    last_message_at: _timestamp_pb2.Timestamp
    last_customer_message_at: _timestamp_pb2.Timestamp
    window_expires_at: _timestamp_pb2.Timestamp
    window_open: bool
    message_count: int
    metadata: _struct_pb2.Struct
    close_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    language: str
    def __init__(self, id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., customer_phone: _Optional[str] = ..., customer_name: _Optional[str] = ..., status: _Optional[_Union[ConversationStatus, str]] = ..., handoff_requested: _Optional[bool] = ..., handoff_agent_id: _Optional[str] = ..., handoff_reason: _Optional[str] = ..., handoff_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_message_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_customer_message_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., window_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., window_open: _Optional[bool] = ..., message_count: _Optional[int] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., language: _Optional[str] = ...) -> None: ...

class Message(_message.Message):
    __slots__ = ("id", "conversation_id", "tenant_id", "sender_type", "sender_id", "message_type", "content", "whatsapp_message_id", "timestamp", "metadata", "create_time", "update_time", "language")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_TYPE_FIELD_NUMBER: _ClassVar[int]
    SENDER_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    id: str
    conversation_id: str
    tenant_id: str
    sender_type: SenderType
    sender_id: str
    message_type: MessageType
    content: str
    whatsapp_message_id: str
    timestamp: _timestamp_pb2.Timestamp
    metadata: _struct_pb2.Struct
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    language: str
    def __init__(self, id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., sender_type: _Optional[_Union[SenderType, str]] = ..., sender_id: _Optional[str] = ..., message_type: _Optional[_Union[MessageType, str]] = ..., content: _Optional[str] = ..., whatsapp_message_id: _Optional[str] = ..., timestamp: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., language: _Optional[str] = ...) -> None: ...

class CreateOrGetConversationRequest(_message.Message):
    __slots__ = ("tenant_id", "outlet_id", "customer_phone", "customer_name")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PHONE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_NAME_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    outlet_id: str
    customer_phone: str
    customer_name: str
    def __init__(self, tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., customer_phone: _Optional[str] = ..., customer_name: _Optional[str] = ...) -> None: ...

class CreateOrGetConversationResponse(_message.Message):
    __slots__ = ("conversation", "created")
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    created: bool
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class GetConversationRequest(_message.Message):
    __slots__ = ("tenant_id", "conversation_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    conversation_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., conversation_id: _Optional[str] = ...) -> None: ...

class GetConversationResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class ListConversationsRequest(_message.Message):
    __slots__ = ("tenant_id", "page", "outlet_id", "status", "handoff_only", "handoff_agent_id", "customer_phone")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    HANDOFF_ONLY_FIELD_NUMBER: _ClassVar[int]
    HANDOFF_AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PHONE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    outlet_id: str
    status: ConversationStatus
    handoff_only: bool
    handoff_agent_id: str
    customer_phone: str
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., outlet_id: _Optional[str] = ..., status: _Optional[_Union[ConversationStatus, str]] = ..., handoff_only: _Optional[bool] = ..., handoff_agent_id: _Optional[str] = ..., customer_phone: _Optional[str] = ...) -> None: ...

class ListConversationsResponse(_message.Message):
    __slots__ = ("conversations", "page")
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    conversations: _containers.RepeatedCompositeFieldContainer[Conversation]
    page: _common_pb2.PageResponse
    def __init__(self, conversations: _Optional[_Iterable[_Union[Conversation, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class UpdateConversationRequest(_message.Message):
    __slots__ = ("conversation", "update_mask")
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateConversationResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class CloseConversationRequest(_message.Message):
    __slots__ = ("tenant_id", "conversation_id", "archive")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    conversation_id: str
    archive: bool
    def __init__(self, tenant_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., archive: _Optional[bool] = ...) -> None: ...

class CloseConversationResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class AppendMessageRequest(_message.Message):
    __slots__ = ("tenant_id", "message")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    message: Message
    def __init__(self, tenant_id: _Optional[str] = ..., message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class AppendMessageResponse(_message.Message):
    __slots__ = ("message", "conversation", "duplicate")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    conversation: Conversation
    duplicate: bool
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ..., conversation: _Optional[_Union[Conversation, _Mapping]] = ..., duplicate: _Optional[bool] = ...) -> None: ...

class ListMessagesRequest(_message.Message):
    __slots__ = ("tenant_id", "conversation_id", "page", "newest_first", "before_time", "after_time")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    NEWEST_FIRST_FIELD_NUMBER: _ClassVar[int]
    BEFORE_TIME_FIELD_NUMBER: _ClassVar[int]
    AFTER_TIME_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    conversation_id: str
    page: _common_pb2.PageRequest
    newest_first: bool
    before_time: _timestamp_pb2.Timestamp
    after_time: _timestamp_pb2.Timestamp
    def __init__(self, tenant_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., newest_first: _Optional[bool] = ..., before_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., after_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListMessagesResponse(_message.Message):
    __slots__ = ("messages", "page")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    page: _common_pb2.PageResponse
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...

class RequestHandoffRequest(_message.Message):
    __slots__ = ("tenant_id", "conversation_id", "reason")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    conversation_id: str
    reason: str
    def __init__(self, tenant_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RequestHandoffResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class AssignHandoffRequest(_message.Message):
    __slots__ = ("tenant_id", "conversation_id", "agent_user_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_USER_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    conversation_id: str
    agent_user_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., agent_user_id: _Optional[str] = ...) -> None: ...

class AssignHandoffResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class ReleaseHandoffRequest(_message.Message):
    __slots__ = ("tenant_id", "conversation_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    conversation_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., conversation_id: _Optional[str] = ...) -> None: ...

class ReleaseHandoffResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class ReplyAsAgentRequest(_message.Message):
    __slots__ = ("tenant_id", "conversation_id", "agent_id", "text")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    conversation_id: str
    agent_id: str
    text: str
    def __init__(self, tenant_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., agent_id: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class ReplyAsAgentResponse(_message.Message):
    __slots__ = ("message", "outbound_message_id")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    OUTBOUND_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    message: Message
    outbound_message_id: str
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ..., outbound_message_id: _Optional[str] = ...) -> None: ...

class ListAwaitingAgentRequest(_message.Message):
    __slots__ = ("tenant_id", "page", "outlet_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    page: _common_pb2.PageRequest
    outlet_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., page: _Optional[_Union[_common_pb2.PageRequest, _Mapping]] = ..., outlet_id: _Optional[str] = ...) -> None: ...

class ListAwaitingAgentResponse(_message.Message):
    __slots__ = ("conversations", "page")
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    conversations: _containers.RepeatedCompositeFieldContainer[Conversation]
    page: _common_pb2.PageResponse
    def __init__(self, conversations: _Optional[_Iterable[_Union[Conversation, _Mapping]]] = ..., page: _Optional[_Union[_common_pb2.PageResponse, _Mapping]] = ...) -> None: ...
