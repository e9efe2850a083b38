"""The Notifier port over messaging's SendMessage: order news reach the customer on WhatsApp."""

from crm.messaging.v1 import messaging_pb2, messaging_pb2_grpc

from core.order.orders import Order
from core.order.ports import Notice

from .catalog_mapping import text_id
from .peers import call, open_channel


class GrpcMessagingNotifier:
    """Queues the notice in messaging's outbox, which sends (and retries) it on its own: as
    text inside the customer's window, as the notice's template outside it."""

    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = messaging_pb2_grpc.MessagingServiceStub(self._channel)

    async def notify(self, order: Order, notice: Notice, key: str) -> None:
        request = messaging_pb2.SendMessageRequest(
            tenant_id=str(order.tenant_id),
            outlet_id=str(order.outlet_id),
            to=order.customer_phone,
            conversation_id=text_id(order.conversation_id),
            text=messaging_pb2.TextContent(body=notice.text),
            idempotency_key=key,
            template=messaging_pb2.TemplateFallback(
                name=notice.template, parameters=notice.parameters
            ),
        )
        await call(self._stub.SendMessage, request)

    async def aclose(self) -> None:
        await self._channel.close()
