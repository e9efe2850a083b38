"""crm.orchestrator.v1.OrchestratorService: HandleMessage for the messaging worker."""

import asyncio
from datetime import UTC, datetime

from crm.orchestrator.v1 import orchestrator_pb2 as pb
from crm.orchestrator.v1 import orchestrator_pb2_grpc

from core.messaging.model import InboundType
from core.orchestrator.dialogue import DialogueStore
from core.orchestrator.model import CustomerMessage, Outcome
from core.orchestrator.nlu import Intent
from core.orchestrator.router import Router
from core.shared.errors import InvalidInput
from core.shared.ids import parse_id

from .convert import enum_to_domain, struct


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
        catalog=tuple((i.product_retailer_id, i.quantity) for i in request.catalog_items),
        context_message_id=request.context_message_id,
        media_id=request.media_id,
    )


# The contract's coarse intents; the Router's finer ones fold into them.
_INTENT = {
    "booking": pb.INTENT_BOOKING,
    "order": pb.INTENT_ORDER,
    "support": pb.INTENT_SUPPORT,
    "handoff": pb.INTENT_HANDOFF,
    "greeting": pb.INTENT_GREETING,
}


def response(outcome: Outcome) -> pb.HandleMessageResponse:
    domain = Intent(outcome.intent).domain if outcome.intent else ""
    message = pb.HandleMessageResponse(
        handled_by=outcome.handled_by,
        handoff_active=outcome.handoff_active,
        duplicate=outcome.duplicate,
        conversation_id=str(outcome.conversation_id or ""),
        intent=_INTENT.get(domain, pb.INTENT_UNKNOWN),
        confidence=outcome.confidence,
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
    def __init__(self, router: Router, dialogue: DialogueStore) -> None:
        self._router = router
        self._dialogue = dialogue
        self._routing: set[asyncio.Task] = set()  # held so a call its caller left still ends

    async def HandleMessage(self, request, context):
        """Routing runs to its end even when the caller gives up (its deadline passed): the
        answer is kept, and the message's redelivery gets it instead of a second routing."""
        routing = asyncio.create_task(self._router.handle(customer_message(request)))
        self._routing.add(routing)
        routing.add_done_callback(self._routing.discard)
        return response(await asyncio.shield(routing))

    async def GetDialogueState(self, request, context):
        tenant_id = parse_id(request.tenant_id, "tenant_id")
        conversation_id = parse_id(request.conversation_id, "conversation_id")
        state = await self._dialogue.load(tenant_id, conversation_id)
        found = state.to_dict() if state else {}
        return pb.GetDialogueStateResponse(
            dialogue_state=pb.DialogueState(
                tenant_id=str(tenant_id),
                conversation_id=str(conversation_id),
                active_agent=found.get("active_agent", ""),
                agent_state=struct(found.get("agent_state", {})),
                confirmation_pending=bool(found.get("pending")),
                turn_count=found.get("turn_count", 0),
            )
        )

    async def ResetDialogueState(self, request, context):
        await self._dialogue.reset(
            parse_id(request.tenant_id, "tenant_id"),
            parse_id(request.conversation_id, "conversation_id"),
        )
        return pb.ResetDialogueStateResponse()
