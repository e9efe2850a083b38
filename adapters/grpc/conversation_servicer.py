"""crm.conversation.v1.ConversationService: proto -> command -> use case -> proto."""

import uuid
from collections.abc import Callable

from crm.conversation.v1 import conversation_pb2 as pb
from crm.conversation.v1 import conversation_pb2_grpc

from core.conversation import commands as c
from core.conversation import handlers
from core.conversation.agents import Outbound, ReplyAsAgent, awaiting_agent, reply_as_agent
from core.conversation.model import Conversation, ConversationStatus, utcnow
from core.conversation.ports import Clock, ConversationUnitOfWork, HistoryCache, Staff
from core.shared.errors import PermissionDenied, Unavailable
from core.shared.ids import parse_id
from core.shared.outlets import Outlets
from core.shared.scope import current

from .conversation_mapping import (
    CONVERSATION_READERS,
    append_command,
    conversation_message,
    message_message,
)
from .convert import (
    changed_fields,
    enum_to_domain,
    optional_id,
    page_query,
    present,
    tenant_and,
    to_datetime,
)
from .permissions import AGENT


class ConversationServicer(conversation_pb2_grpc.ConversationServiceServicer):
    def __init__(
        self,
        unit_of_work: Callable[[], ConversationUnitOfWork],
        history: HistoryCache,
        outlets: Outlets,
        staff: Staff,
        clock: Clock = utcnow,
        outbound: Outbound | None = None,
    ) -> None:
        self._uow = unit_of_work
        self._history = history
        self._outlets = outlets
        self._now = clock
        self._outbound = outbound
        self._staff = staff

    def _message(self, conversation: Conversation) -> pb.Conversation:
        return conversation_message(conversation, self._now())

    # -- conversations ---------------------------------------------------------------------

    async def CreateOrGetConversation(self, request, context):
        command = c.CreateOrGetConversation(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            outlet_id=parse_id(request.outlet_id, "outlet_id"),
            customer_phone=request.customer_phone,
            customer_name=request.customer_name,
        )
        conversation, created = await handlers.create_or_get_conversation(
            command, self._uow(), self._outlets
        )
        return pb.CreateOrGetConversationResponse(
            conversation=self._message(conversation), created=created
        )

    async def GetConversation(self, request, context):
        conversation = await handlers.get_conversation(
            *tenant_and(request, "conversation_id"), self._uow()
        )
        return pb.GetConversationResponse(conversation=self._message(conversation))

    async def ListConversations(self, request, context):
        command = c.ListConversations(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            page=page_query(request.page),
            outlet_id=optional_id(request.outlet_id, "outlet_id"),
            status=enum_to_domain(request, "status", ConversationStatus),
            handoff_only=request.handoff_only,
            handoff_agent_id=optional_id(request.handoff_agent_id, "handoff_agent_id"),
            customer=request.customer_phone.strip(),
        )
        page = await handlers.list_conversations(command, self._uow())
        return pb.ListConversationsResponse(
            conversations=[self._message(item) for item in page.items],
            page={"next_page_token": page.next_token},
        )

    async def UpdateConversation(self, request, context):
        conversation = present(request, "conversation")
        command = c.UpdateConversation(
            tenant_id=parse_id(conversation.tenant_id, "conversation.tenant_id"),
            conversation_id=parse_id(conversation.id, "conversation.id"),
            changes=changed_fields(conversation, request.update_mask, CONVERSATION_READERS),
        )
        updated = await handlers.update_conversation(command, self._uow())
        return pb.UpdateConversationResponse(conversation=self._message(updated))

    async def CloseConversation(self, request, context):
        command = c.CloseConversation(
            *tenant_and(request, "conversation_id"), archive=request.archive
        )
        closed = await handlers.close_conversation(command, self._uow(), self._now)
        return pb.CloseConversationResponse(conversation=self._message(closed))

    # -- messages --------------------------------------------------------------------------

    async def AppendMessage(self, request, context):
        command = append_command(request.tenant_id, present(request, "message"))
        appended = await handlers.append_message(command, self._uow(), self._history, self._now)
        return pb.AppendMessageResponse(
            message=message_message(appended.message),
            conversation=self._message(appended.conversation),
            duplicate=appended.duplicate,
        )

    async def ListMessages(self, request, context):
        command = c.ListMessages(
            *tenant_and(request, "conversation_id"),
            page=page_query(request.page),
            newest_first=request.newest_first,
            before=to_datetime(request, "before_time"),
            after=to_datetime(request, "after_time"),
        )
        page = await handlers.list_messages(command, self._uow(), self._history)
        return pb.ListMessagesResponse(
            messages=[message_message(m) for m in page.items],
            page={"next_page_token": page.next_token},
        )

    # -- handoff ---------------------------------------------------------------------------

    async def RequestHandoff(self, request, context):
        command = c.RequestHandoff(*tenant_and(request, "conversation_id"), reason=request.reason)
        conversation = await handlers.request_handoff(command, self._uow(), self._now)
        return pb.RequestHandoffResponse(conversation=self._message(conversation))

    async def AssignHandoff(self, request, context):
        command = c.AssignHandoff(
            *tenant_and(request, "conversation_id"),
            agent_id=parse_id(request.agent_user_id, "agent_user_id"),
            only_to=_own_id_if_agent(),
        )
        conversation = await handlers.assign_handoff(command, self._uow(), self._staff)
        return pb.AssignHandoffResponse(conversation=self._message(conversation))

    async def ReleaseHandoff(self, request, context):
        conversation = await handlers.release_handoff(
            *tenant_and(request, "conversation_id"), self._uow()
        )
        return pb.ReleaseHandoffResponse(conversation=self._message(conversation))

    async def ReplyAsAgent(self, request, context):
        if self._outbound is None:
            raise Unavailable("this conversation service has no send path configured")
        scope = current()
        command = ReplyAsAgent(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            conversation_id=parse_id(request.conversation_id, "conversation_id"),
            agent_id=optional_id(request.agent_id, "agent_id"),
            text=request.text,
            speaker=scope.user_id if scope else None,
        )
        appended, outbound_id = await reply_as_agent(
            command, self._uow(), self._history, self._outbound, self._now
        )
        return pb.ReplyAsAgentResponse(
            message=message_message(appended.message), outbound_message_id=outbound_id
        )

    async def ListAwaitingAgent(self, request, context):
        page = await awaiting_agent(
            parse_id(request.tenant_id, "tenant_id"),
            page_query(request.page),
            optional_id(request.outlet_id, "outlet_id"),
            self._uow(),
        )
        return pb.ListAwaitingAgentResponse(
            conversations=[self._message(item) for item in page.items],
            page={"next_page_token": page.next_token},
        )


def _own_id_if_agent() -> uuid.UUID | None:
    """An agent's own user id (all they may assign), None for owners, admins and operators."""
    caller = current()
    if caller is None or caller.role != AGENT:
        return None
    if caller.user_id is None:
        raise PermissionDenied("an agent's sign-in names no user; sign in again")
    return caller.user_id
