import datetime

from buf.validate import validate_pb2 as _validate_pb2
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

class Intent(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INTENT_UNSPECIFIED: _ClassVar[Intent]
    INTENT_BOOKING: _ClassVar[Intent]
    INTENT_ORDER: _ClassVar[Intent]
    INTENT_SUPPORT: _ClassVar[Intent]
    INTENT_HANDOFF: _ClassVar[Intent]
    INTENT_GREETING: _ClassVar[Intent]
    INTENT_UNKNOWN: _ClassVar[Intent]

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

class ReplyStyle(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPLY_STYLE_UNSPECIFIED: _ClassVar[ReplyStyle]
    REPLY_STYLE_TEXT: _ClassVar[ReplyStyle]
    REPLY_STYLE_BUTTONS: _ClassVar[ReplyStyle]
    REPLY_STYLE_LIST: _ClassVar[ReplyStyle]
INTENT_UNSPECIFIED: Intent
INTENT_BOOKING: Intent
INTENT_ORDER: Intent
INTENT_SUPPORT: Intent
INTENT_HANDOFF: Intent
INTENT_GREETING: Intent
INTENT_UNKNOWN: Intent
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
REPLY_STYLE_UNSPECIFIED: ReplyStyle
REPLY_STYLE_TEXT: ReplyStyle
REPLY_STYLE_BUTTONS: ReplyStyle
REPLY_STYLE_LIST: ReplyStyle

class ReplyOption(_message.Message):
    __slots__ = ("id", "title", "description")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    description: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class Reply(_message.Message):
    __slots__ = ("text", "style", "options", "list_button_text")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    STYLE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    LIST_BUTTON_TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    style: ReplyStyle
    options: _containers.RepeatedCompositeFieldContainer[ReplyOption]
    list_button_text: str
    def __init__(self, text: _Optional[str] = ..., style: _Optional[_Union[ReplyStyle, str]] = ..., options: _Optional[_Iterable[_Union[ReplyOption, _Mapping]]] = ..., list_button_text: _Optional[str] = ...) -> None: ...

class DialogueState(_message.Message):
    __slots__ = ("tenant_id", "conversation_id", "active_agent", "last_intent", "agent_state", "confirmation_pending", "turn_count", "expire_time", "create_time", "update_time")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_AGENT_FIELD_NUMBER: _ClassVar[int]
    LAST_INTENT_FIELD_NUMBER: _ClassVar[int]
    AGENT_STATE_FIELD_NUMBER: _ClassVar[int]
    CONFIRMATION_PENDING_FIELD_NUMBER: _ClassVar[int]
    TURN_COUNT_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    conversation_id: str
    active_agent: str
    last_intent: Intent
    agent_state: _struct_pb2.Struct
    confirmation_pending: bool
    turn_count: int
    expire_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, tenant_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., active_agent: _Optional[str] = ..., last_intent: _Optional[_Union[Intent, str]] = ..., agent_state: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., confirmation_pending: _Optional[bool] = ..., turn_count: _Optional[int] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HandleMessageRequest(_message.Message):
    __slots__ = ("tenant_id", "outlet_id", "conversation_id", "customer_phone", "customer_name", "text", "message_type", "whatsapp_message_id", "interactive_reply_id", "message_time", "context_message_id", "catalog_items", "media_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUTLET_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_PHONE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    WHATSAPP_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    INTERACTIVE_REPLY_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_TIME_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CATALOG_ITEMS_FIELD_NUMBER: _ClassVar[int]
    MEDIA_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    outlet_id: str
    conversation_id: str
    customer_phone: str
    customer_name: str
    text: str
    message_type: InboundMessageType
    whatsapp_message_id: str
    interactive_reply_id: str
    message_time: _timestamp_pb2.Timestamp
    context_message_id: str
    catalog_items: _containers.RepeatedCompositeFieldContainer[CatalogItem]
    media_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., outlet_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., customer_phone: _Optional[str] = ..., customer_name: _Optional[str] = ..., text: _Optional[str] = ..., message_type: _Optional[_Union[InboundMessageType, str]] = ..., whatsapp_message_id: _Optional[str] = ..., interactive_reply_id: _Optional[str] = ..., message_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., context_message_id: _Optional[str] = ..., catalog_items: _Optional[_Iterable[_Union[CatalogItem, _Mapping]]] = ..., media_id: _Optional[str] = ...) -> None: ...

class CatalogItem(_message.Message):
    __slots__ = ("product_retailer_id", "quantity")
    PRODUCT_RETAILER_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    product_retailer_id: str
    quantity: int
    def __init__(self, product_retailer_id: _Optional[str] = ..., quantity: _Optional[int] = ...) -> None: ...

class HandleMessageResponse(_message.Message):
    __slots__ = ("reply", "intent", "confidence", "handled_by", "handoff_active", "conversation_id", "duplicate", "inbound_message_id", "reply_message_id")
    REPLY_FIELD_NUMBER: _ClassVar[int]
    INTENT_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    HANDLED_BY_FIELD_NUMBER: _ClassVar[int]
    HANDOFF_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    INBOUND_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    REPLY_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    reply: Reply
    intent: Intent
    confidence: float
    handled_by: str
    handoff_active: bool
    conversation_id: str
    duplicate: bool
    inbound_message_id: str
    reply_message_id: str
    def __init__(self, reply: _Optional[_Union[Reply, _Mapping]] = ..., intent: _Optional[_Union[Intent, str]] = ..., confidence: _Optional[float] = ..., handled_by: _Optional[str] = ..., handoff_active: _Optional[bool] = ..., conversation_id: _Optional[str] = ..., duplicate: _Optional[bool] = ..., inbound_message_id: _Optional[str] = ..., reply_message_id: _Optional[str] = ...) -> None: ...

class GetDialogueStateRequest(_message.Message):
    __slots__ = ("tenant_id", "conversation_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    conversation_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., conversation_id: _Optional[str] = ...) -> None: ...

class GetDialogueStateResponse(_message.Message):
    __slots__ = ("dialogue_state",)
    DIALOGUE_STATE_FIELD_NUMBER: _ClassVar[int]
    dialogue_state: DialogueState
    def __init__(self, dialogue_state: _Optional[_Union[DialogueState, _Mapping]] = ...) -> None: ...

class ResetDialogueStateRequest(_message.Message):
    __slots__ = ("tenant_id", "conversation_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    conversation_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., conversation_id: _Optional[str] = ...) -> None: ...

class ResetDialogueStateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
