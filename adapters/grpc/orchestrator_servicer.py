"""crm.orchestrator.v1.OrchestratorService: HandleMessage for the messaging worker."""

from datetime import UTC, datetime

from crm.orchestrator.v1 import orchestrator_pb2 as pb
from crm.orchestrator.v1 import orchestrator_pb2_grpc

from core.messaging.model import InboundType
from core.orchestrator import handlers
from core.orchestrator.model import CustomerMessage, Outcome
from core.orchestrator.ports import ConversationLog, TenantProfiles
from core.shared.errors import InvalidInput
from core.shared.ids import parse_id

from .convert import enum_to_domain


def customer_message(request: pb.HandleMessageRequest) -> CustomerMessage:
    if not request.customer_phone:
        raise InvalidInput("customer_phone", "is required")
    if not request.whatsapp_message_id:
        raise InvalidInput("whatsapp_message_id", "is required")
    sent_at = (
        request.message_time.ToDatetime(tzinfo=UTC)
        if request.HasField("message_time")
        else datetime.now(UTC)
    )
    return CustomerMessage(
        tenant_id=parse_id(request.tenant_id, "tenant_id"),
        outlet_id=parse_id(request.outlet_id, "outlet_id"),
        customer_phone=request.customer_phone,
        customer_name=request.customer_name,
        type=enum_to_domain(request, "message_type", InboundType) or InboundType.TEXT,
        text=request.text,
        whatsapp_message_id=request.whatsapp_message_id,
        sent_at=sent_at,
        reply_id=request.interactive_reply_id,
    )


def response(outcome: Outcome) -> pb.HandleMessageResponse:
    message = pb.HandleMessageResponse(
        handled_by=outcome.handled_by,
        handoff_active=outcome.handoff_active,
        duplicate=outcome.duplicate,
        conversation_id=str(outcome.conversation_id or ""),
        intent=pb.INTENT_UNKNOWN,
    )
    if outcome.reply is not None:
        message.reply.text = outcome.reply.text
        message.reply.style = (
            pb.REPLY_STYLE_BUTTONS if outcome.reply.options else pb.REPLY_STYLE_TEXT
        )
        message.reply.options.extend(
            pb.ReplyOption(id=o.id, title=o.title, description=o.description)
            for o in outcome.reply.options
        )
    return message


class OrchestratorServicer(orchestrator_pb2_grpc.OrchestratorServiceServicer):
    def __init__(self, tenants: TenantProfiles, conversations: ConversationLog) -> None:
        self._tenants = tenants
        self._conversations = conversations

    async def HandleMessage(self, request, context):
        outcome = await handlers.handle_message(
            customer_message(request), self._tenants, self._conversations
        )
        return response(outcome)
