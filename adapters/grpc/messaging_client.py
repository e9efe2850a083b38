"""The messaging service's send path, for services that write to customers (staff replies)."""

import uuid

from crm.messaging.v1 import messaging_pb2 as pb
from crm.messaging.v1 import messaging_pb2_grpc

from .peers import call, open_channel


class GrpcOutbound:
    """Outbound port over MessagingService.SendMessage."""

    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = messaging_pb2_grpc.MessagingServiceStub(self._channel)

    async def send(
        self,
        tenant_id: uuid.UUID,
        outlet_id: uuid.UUID,
        conversation_id: uuid.UUID,
        to: str,
        text: str,
        idempotency_key: str,
    ) -> str:
        reply = await call(
            self._stub.SendMessage,
            pb.SendMessageRequest(
                tenant_id=str(tenant_id),
                outlet_id=str(outlet_id),
                conversation_id=str(conversation_id),
                to=to,
                text=pb.TextContent(body=text),
                idempotency_key=idempotency_key,
            ),
        )
        return reply.message.id

    async def aclose(self) -> None:
        await self._channel.close()
