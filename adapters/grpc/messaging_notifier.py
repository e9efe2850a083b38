"""The Notifier port over messaging's SendMessage: order news reach the customer on WhatsApp."""

from crm.messaging.v1 import messaging_pb2, messaging_pb2_grpc

from core.order.orders import Order

from .catalog_mapping import text_id
from .peers import call, open_channel


class GrpcMessagingNotifier:
    """Queues a text in messaging's outbox, which sends (and retries) it on its own."""

    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = messaging_pb2_grpc.MessagingServiceStub(self._channel)

    async def notify(self, order: Order, text: str, key: str) -> None:
        request = messaging_pb2.SendMessageRequest(
            tenant_id=str(order.tenant_id),
            outlet_id=str(order.outlet_id),
            to=order.customer_phone,
            conversation_id=text_id(order.conversation_id),
            text=messaging_pb2.TextContent(body=text),
            idempotency_key=key,
        )
        await call(self._stub.SendMessage, request)

    async def aclose(self) -> None:
        await self._channel.close()
