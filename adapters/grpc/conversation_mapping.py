"""Conversation context entities <-> crm.conversation.v1 messages."""

from datetime import datetime
from typing import Any

from crm.conversation.v1 import conversation_pb2 as pb

from core.conversation import commands as c
from core.conversation.model import Conversation, Message, MessageType, SenderType
from core.shared.ids import parse_id

from .convert import enum_to_domain, enum_to_proto, from_struct, struct, timestamp, to_datetime


def conversation_message(conversation: Conversation, now: datetime) -> pb.Conversation:
    """The proto of a conversation; `window_open` as of `now`, the time of the response."""
    agent = conversation.handoff_agent_id
    return pb.Conversation(
        id=str(conversation.id),
        tenant_id=str(conversation.tenant_id),
        outlet_id=str(conversation.outlet_id),
        customer_phone=conversation.customer_phone,
        customer_name=conversation.customer_name,
        language=conversation.language,
        status=enum_to_proto(conversation.status, pb.ConversationStatus),
        handoff_requested=conversation.handoff_requested,
        handoff_agent_id=str(agent) if agent else "",
        handoff_reason=conversation.handoff_reason,
        handoff_time=timestamp(conversation.handoff_at),
        last_message_at=timestamp(conversation.last_message_at),
        last_customer_message_at=timestamp(conversation.last_customer_message_at),
        window_expires_at=timestamp(conversation.window_expires_at),
        window_open=conversation.window_open(now),
        message_count=conversation.message_count,
        metadata=struct(conversation.metadata),
        close_time=timestamp(conversation.closed_at),
        create_time=timestamp(conversation.created_at),
        update_time=timestamp(conversation.updated_at),
    )


def message_message(message: Message) -> pb.Message:
    return pb.Message(
        id=str(message.id),
        conversation_id=str(message.conversation_id),
        tenant_id=str(message.tenant_id),
        sender_type=enum_to_proto(message.sender_type, pb.SenderType),
        sender_id=message.sender_id,
        message_type=enum_to_proto(message.message_type, pb.MessageType),
        content=message.content,
        language=message.language,
        whatsapp_message_id=message.whatsapp_message_id,
        timestamp=timestamp(message.timestamp),
        metadata=struct(message.metadata),
        create_time=timestamp(message.created_at),
        update_time=timestamp(message.updated_at),
    )


def append_command(tenant_id: str, message: pb.Message) -> c.AppendMessage:
    return c.AppendMessage(
        tenant_id=parse_id(tenant_id, "tenant_id"),
        conversation_id=parse_id(message.conversation_id, "message.conversation_id"),
        sender_type=enum_to_domain(message, "sender_type", SenderType),
        sender_id=message.sender_id,
        message_type=enum_to_domain(message, "message_type", MessageType),
        content=message.content,
        whatsapp_message_id=message.whatsapp_message_id,
        timestamp=to_datetime(message, "timestamp"),
        metadata=from_struct(message.metadata),
        language=message.language,
    )


# How each field UpdateConversation may change is read from the message.
CONVERSATION_READERS: dict[str, Any] = {
    "customer_name": lambda m: m.customer_name,
    "metadata": lambda m: from_struct(m.metadata),
}
