"""The conversation service as the Router sees it: open a conversation, record messages."""

import uuid

from crm.conversation.v1 import conversation_pb2 as pb
from crm.conversation.v1 import conversation_pb2_grpc

from core.messaging.model import InboundType, WindowState
from core.orchestrator.model import ConversationRef, CustomerMessage
from core.orchestrator.nlu import Turn

from .convert import struct, timestamp
from .peers import call, open_channel

_MESSAGE_TYPE = {
    InboundType.TEXT: pb.MESSAGE_TYPE_TEXT,
    InboundType.BUTTON_REPLY: pb.MESSAGE_TYPE_INTERACTIVE,
    InboundType.LIST_REPLY: pb.MESSAGE_TYPE_INTERACTIVE,
    InboundType.BUTTON: pb.MESSAGE_TYPE_INTERACTIVE,
    InboundType.IMAGE: pb.MESSAGE_TYPE_IMAGE,
    InboundType.AUDIO: pb.MESSAGE_TYPE_AUDIO,
    InboundType.VIDEO: pb.MESSAGE_TYPE_VIDEO,
    InboundType.DOCUMENT: pb.MESSAGE_TYPE_DOCUMENT,
    InboundType.LOCATION: pb.MESSAGE_TYPE_LOCATION,
}


_SENDER = {
    pb.SENDER_TYPE_CUSTOMER: "customer",
    pb.SENDER_TYPE_BOT: "bot",
    pb.SENDER_TYPE_AGENT: "agent",
}


def _ref(conversation: pb.Conversation, created: bool) -> ConversationRef:
    return ConversationRef(uuid.UUID(conversation.id), created, conversation.handoff_requested)


class GrpcConversationLog:
    """ConversationLog over ConversationService."""

    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = conversation_pb2_grpc.ConversationServiceStub(self._channel)

    async def open(self, message: CustomerMessage) -> ConversationRef:
        reply = await call(
            self._stub.CreateOrGetConversation,
            pb.CreateOrGetConversationRequest(
                tenant_id=str(message.tenant_id),
                outlet_id=str(message.outlet_id),
                customer_phone=message.customer_phone,
                customer_name=message.customer_name,
            ),
        )
        return _ref(reply.conversation, reply.created)

    async def record_customer(
        self, conversation: ConversationRef, message: CustomerMessage
    ) -> bool:
        reply = await call(
            self._stub.AppendMessage,
            pb.AppendMessageRequest(
                tenant_id=str(message.tenant_id),
                message=pb.Message(
                    conversation_id=str(conversation.id),
                    sender_type=pb.SENDER_TYPE_CUSTOMER,
                    sender_id=message.customer_phone,
                    message_type=_MESSAGE_TYPE.get(message.type, pb.MESSAGE_TYPE_OTHER),
                    content=message.text,
                    whatsapp_message_id=message.whatsapp_message_id,
                    timestamp=timestamp(message.sent_at),
                    metadata=struct(message.metadata()),
                ),
            ),
        )
        return reply.duplicate

    async def record_bot(
        self, conversation: ConversationRef, tenant_id: uuid.UUID, text: str, language: str
    ) -> None:
        await call(
            self._stub.AppendMessage,
            pb.AppendMessageRequest(
                tenant_id=str(tenant_id),
                message=pb.Message(
                    conversation_id=str(conversation.id),
                    sender_type=pb.SENDER_TYPE_BOT,
                    message_type=pb.MESSAGE_TYPE_TEXT,
                    content=text,
                    language=language,
                ),
            ),
        )

    async def recent(
        self, conversation: ConversationRef, tenant_id: uuid.UUID, limit: int
    ) -> list[Turn]:
        reply = await call(
            self._stub.ListMessages,
            pb.ListMessagesRequest(
                tenant_id=str(tenant_id),
                conversation_id=str(conversation.id),
                page={"page_size": limit},
                newest_first=True,
            ),
        )
        return [
            Turn(_SENDER.get(m.sender_type, "system"), m.content) for m in reversed(reply.messages)
        ]

    async def request_handoff(
        self, conversation: ConversationRef, tenant_id: uuid.UUID, reason: str
    ) -> None:
        await call(
            self._stub.RequestHandoff,
            pb.RequestHandoffRequest(
                tenant_id=str(tenant_id), conversation_id=str(conversation.id), reason=reason
            ),
        )

    async def aclose(self) -> None:
        await self._channel.close()


class GrpcCustomerWindow:
    """CustomerWindow (messaging) and CustomerLanguages (booking reminders) over
    ConversationService.GetConversation."""

    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = conversation_pb2_grpc.ConversationServiceStub(self._channel)

    async def state(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> WindowState:
        reply = await call(
            self._stub.GetConversation,
            pb.GetConversationRequest(
                tenant_id=str(tenant_id), conversation_id=str(conversation_id)
            ),
        )
        return WindowState(reply.conversation.window_open, reply.conversation.language)

    async def language(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> str:
        return (await self.state(tenant_id, conversation_id)).language

    async def aclose(self) -> None:
        await self._channel.close()


class GrpcConversations:
    """Conversations over ConversationService: whose a conversation is, in the caller's tenant."""

    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = conversation_pb2_grpc.ConversationServiceStub(self._channel)

    async def ensure_conversation(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        """The conversation service answers NOT_FOUND (here NotFound) for another tenant's."""
        await call(
            self._stub.GetConversation,
            pb.GetConversationRequest(
                tenant_id=str(tenant_id), conversation_id=str(conversation_id)
            ),
        )

    async def aclose(self) -> None:
        await self._channel.close()
