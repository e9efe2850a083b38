"""The orchestrator as the messaging worker sees it: the ReplyEngine port."""

from crm.orchestrator.v1 import orchestrator_pb2 as pb
from crm.orchestrator.v1 import orchestrator_pb2_grpc

from core.messaging.media import media_id
from core.messaging.model import InboundMessage, InboundType, OutboundContent, ReplyOption
from core.messaging.queue import OutletRef

from .convert import enum_to_proto, timestamp
from .peers import call, open_channel


def e164(wa_id: str) -> str:
    """WhatsApp names customers by wa_id (digits); the rest of the platform uses E.164."""
    return wa_id if wa_id.startswith("+") else f"+{wa_id}"


class GrpcReplyEngine:
    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = orchestrator_pb2_grpc.OrchestratorServiceStub(self._channel)

    async def reply_to(self, message: InboundMessage, outlet: OutletRef) -> OutboundContent | None:
        answer = await call(
            self._stub.HandleMessage,
            pb.HandleMessageRequest(
                tenant_id=str(outlet.tenant_id),
                outlet_id=str(outlet.outlet_id),
                customer_phone=e164(message.customer_phone),
                customer_name=message.customer_name,
                text=message.text,
                message_type=enum_to_proto(message.type, pb.InboundMessageType),
                whatsapp_message_id=message.whatsapp_message_id,
                interactive_reply_id=message.reply_id,
                message_time=timestamp(message.sent_at),
                context_message_id=message.context_message_id,
                catalog_items=catalog_items(message),
                media_id=media_id(message),
            ),
        )
        if answer.handoff_active or not answer.HasField("reply") or not answer.reply.text:
            return None
        return OutboundContent(
            text=answer.reply.text,
            options=tuple(ReplyOption(o.id, o.title, o.description) for o in answer.reply.options),
            list_button=answer.reply.list_button_text or "Choose",
            reply_to=message.whatsapp_message_id,
        )

    async def aclose(self) -> None:
        await self._channel.close()


def catalog_items(message: InboundMessage) -> list[pb.CatalogItem]:
    """The lines of a cart sent from the WhatsApp catalog; a line without a product id or a
    whole quantity from 1 to 1,000 is not one (the webhook stores it as it came)."""
    if message.type is not InboundType.ORDER:
        return []
    lines = (message.payload.get("order") or {}).get("product_items") or []
    found = []
    for line in lines[:100]:
        retailer_id, quantity = str(line.get("product_retailer_id") or ""), line.get("quantity")
        if 0 < len(retailer_id) <= 100 and isinstance(quantity, int) and 1 <= quantity <= 1000:
            found.append(pb.CatalogItem(product_retailer_id=retailer_id, quantity=quantity))
    return found
