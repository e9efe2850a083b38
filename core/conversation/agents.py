"""Human agents: answering a handed-off conversation, and the queue of those waiting."""

import uuid
from dataclasses import dataclass
from typing import Protocol

from core.shared.errors import FailedPrecondition, InvalidInput, NotFound, PermissionDenied
from core.shared.paging import PageQuery

from . import commands as c
from .handlers import Appended, append_message, list_conversations
from .model import ConversationStatus, MessageType, SenderType
from .ports import Clock, ConversationUnitOfWork, HistoryCache

MAX_TEXT = 4096


@dataclass(frozen=True)
class ReplyAsAgent:
    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    agent_id: uuid.UUID | None  # whom the platform or a peer writes for; None: the speaker
    text: str
    speaker: uuid.UUID | None = None  # the signed-in staff member, who writes as themselves

    def author(self) -> uuid.UUID:
        """Who the message is from: a signed-in person is always themselves."""
        if self.speaker is not None:
            if self.agent_id not in (None, self.speaker):
                raise PermissionDenied("agent_id: you may only reply as yourself")
            return self.speaker
        if self.agent_id is None:
            raise InvalidInput("agent_id", "is required")
        return self.agent_id


class Outbound(Protocol):
    """The messaging service's send path; refuses (FailedPrecondition) outside the window."""

    async def send(
        self,
        tenant_id: uuid.UUID,
        outlet_id: uuid.UUID,
        conversation_id: uuid.UUID,
        to: str,
        text: str,
        idempotency_key: str,
    ) -> str:
        """The outbound message's id."""


async def reply_as_agent(
    cmd: ReplyAsAgent,
    uow: ConversationUnitOfWork,
    history: HistoryCache,
    outbound: Outbound,
    now: Clock,
) -> tuple[Appended, str]:
    """Send the agent's words to the customer, then keep them in the conversation."""
    text = cmd.text.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput("text", f"must be 1-{MAX_TEXT} characters")
    async with uow:
        conversation = await uow.conversations.get(cmd.tenant_id, cmd.conversation_id)
    if conversation is None:
        raise NotFound("conversation", cmd.conversation_id)
    author = cmd.author()
    if not conversation.handoff_requested:
        raise FailedPrecondition("the bot is answering this conversation; request a handoff first")
    outbound_id = await outbound.send(
        cmd.tenant_id,
        conversation.outlet_id,
        conversation.id,
        conversation.customer_phone,
        text,
        idempotency_key=f"agent:{uuid.uuid4()}",
    )
    appended = await append_message(
        c.AppendMessage(
            tenant_id=cmd.tenant_id,
            conversation_id=cmd.conversation_id,
            sender_type=SenderType.AGENT,
            content=text,
            sender_id=str(author),
            message_type=MessageType.TEXT,
            metadata={"outbound_message_id": outbound_id},
        ),
        uow,
        history,
        now,
    )
    return appended, outbound_id


async def awaiting_agent(
    tenant_id: uuid.UUID, page: PageQuery, outlet_id: uuid.UUID | None, uow: ConversationUnitOfWork
):
    """Open conversations handed to people, the longest-waiting first."""
    query = c.ListConversations(
        tenant_id=tenant_id,
        page=page,
        outlet_id=outlet_id,
        status=ConversationStatus.OPEN,
        handoff_only=True,
        longest_waiting=True,
    )
    return await list_conversations(query, uow)
