"""crm.messaging.v1.MessagingService: the WhatsApp webhook in, the queues for operators."""

import uuid
from collections.abc import Callable

from crm.messaging.v1 import messaging_pb2 as pb
from crm.messaging.v1 import messaging_pb2_grpc
from google.api.httpbody_pb2 import HttpBody

from adapters.whatsapp.webhook import parse_webhook
from core.messaging import handlers
from core.messaging.ports import MessagingUnitOfWork
from core.messaging.queue import ProcessingStatus
from core.messaging.subscription import verify_subscription
from core.shared.errors import NotFound
from core.shared.ids import parse_id

from .convert import enum_to_domain, page_query
from .messaging_mapping import inbox_item_message, outbound_message

SIGNATURE_HEADER = "x-hub-signature-256"
ALL_TENANTS = "-"


def _tenant_scope(value: str) -> uuid.UUID | None:
    """A tenant id, or None for "-" (every tenant: platform operators only)."""
    return None if value == ALL_TENANTS else parse_id(value, "tenant_id")


def _metadata(context, key: str) -> str | None:
    for name, value in context.invocation_metadata() or ():
        if name == key:
            return value
    return None


class MessagingServicer(messaging_pb2_grpc.MessagingServiceServicer):
    def __init__(
        self,
        unit_of_work: Callable[[], MessagingUnitOfWork],
        app_secret: str,
        verify_token: str,
        on_received: Callable[[], None],
    ) -> None:
        self._uow = unit_of_work
        self._app_secret = app_secret
        self._verify_token = verify_token
        self._on_received = on_received

    async def VerifyWebhook(self, request, context):
        hub = request.hub
        challenge = verify_subscription(
            hub.mode, hub.verify_token, hub.challenge, self._verify_token
        )
        return HttpBody(content_type="text/plain", data=challenge.encode())

    async def ReceiveWebhook(self, request, context):
        stored, _ = await handlers.receive_webhook(
            request.data,
            _metadata(context, SIGNATURE_HEADER),
            self._app_secret,
            parse_webhook,
            self._uow(),
        )
        if stored:
            self._on_received()
        return HttpBody(content_type="text/plain", data=b"OK")

    async def GetInboxItem(self, request, context):
        tenant_id = _tenant_scope(request.tenant_id)
        item_id = parse_id(request.inbox_item_id, "inbox_item_id")
        async with self._uow() as uow:
            item = await uow.inbox.get(tenant_id, item_id)
        if item is None:
            raise NotFound("inbox item", item_id)
        return pb.GetInboxItemResponse(inbox_item=inbox_item_message(item))

    async def ListInboxItems(self, request, context):
        async with self._uow() as uow:
            page = await uow.inbox.list(
                _tenant_scope(request.tenant_id),
                page_query(request.page),
                enum_to_domain(request, "status", ProcessingStatus),
                request.customer_phone,
            )
        return pb.ListInboxItemsResponse(
            inbox_items=[inbox_item_message(i) for i in page.items],
            page={"next_page_token": page.next_token},
        )

    async def RetryInboxItem(self, request, context):
        await self.GetInboxItem(request, context)  # scope check: NOT_FOUND across tenants
        async with self._uow() as uow:
            item = await uow.inbox.requeue(parse_id(request.inbox_item_id, "inbox_item_id"))
            await uow.commit()
        self._on_received()
        return pb.RetryInboxItemResponse(inbox_item=inbox_item_message(item))

    async def GetOutboundMessage(self, request, context):
        tenant_id = _tenant_scope(request.tenant_id)
        message_id = parse_id(request.message_id, "message_id")
        async with self._uow() as uow:
            message = await uow.outbox.get(tenant_id, message_id)
        if message is None:
            raise NotFound("outbound message", message_id)
        return pb.GetOutboundMessageResponse(message=outbound_message(message))

    async def ListOutboxMessages(self, request, context):
        async with self._uow() as uow:
            page = await uow.outbox.list(
                _tenant_scope(request.tenant_id), page_query(request.page), request.to
            )
        return pb.ListOutboxMessagesResponse(
            messages=[outbound_message(m) for m in page.items],
            page={"next_page_token": page.next_token},
        )
