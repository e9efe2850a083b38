"""The ReminderNotifier port over messaging's SendMessage: two buttons inside the customer's
24-hour window, the tenant's booking_reminder template (its quick replies carrying the same
payloads) outside it."""

from crm.messaging.v1 import messaging_pb2 as pb
from crm.messaging.v1 import messaging_pb2_grpc

from core.booking.ports import Reminder

from .peers import call, open_channel


class GrpcReminderNotifier:
    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = messaging_pb2_grpc.MessagingServiceStub(self._channel)

    async def remind(self, reminder: Reminder) -> None:
        booking = reminder.booking
        buttons = [pb.InteractiveOption(id=id_, title=title) for id_, title in reminder.buttons]
        request = pb.SendMessageRequest(
            tenant_id=str(booking.tenant_id),
            outlet_id=str(booking.outlet_id),
            to=booking.customer_phone,
            conversation_id=str(booking.conversation_id),
            interactive=pb.InteractiveContent(
                kind=pb.INTERACTIVE_KIND_BUTTONS, body=reminder.text, options=buttons
            ),
            # A second replica's try, or a retry, queues nothing more.
            idempotency_key=f"reminder:{booking.id}",
            template=pb.TemplateFallback(
                name=reminder.template,
                parameters=reminder.parameters,
                button_payloads=[id_ for id_, _ in reminder.buttons],
            ),
        )
        await call(self._stub.SendMessage, request)

    async def aclose(self) -> None:
        await self._channel.close()
