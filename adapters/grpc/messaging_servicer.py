"""crm.messaging.v1.MessagingService: the WhatsApp webhook in, the queues for operators."""

import uuid
from collections.abc import Callable

from crm.messaging.v1 import messaging_pb2 as pb
from crm.messaging.v1 import messaging_pb2_grpc
from google.api.httpbody_pb2 import HttpBody

from adapters.whatsapp.webhook import parse_webhook
from core.messaging import handlers, operations
from core.messaging.model import OutboundContent, ReplyOption
from core.messaging.ports import (
    BusinessAccounts,
    CloudTemplates,
    CustomerWindow,
    MessagingUnitOfWork,
    OutletDirectory,
)
from core.messaging.queue import ProcessingStatus
from core.messaging.sending import SendMessage, send_message
from core.messaging.subscription import verify_subscription
from core.messaging.template_registry import create_template, sync_templates
from core.messaging.templates import Template, TemplateCategory, TemplateFallback, TemplateStatus
from core.shared.errors import InvalidInput
from core.shared.ids import parse_id
from core.shared.scope import across_tenants

from .convert import enum_to_domain, page_query
from .messaging_mapping import (
    inbox_item_message,
    opt_out_message,
    outbound_message,
    template_message,
)

SIGNATURE_HEADER = "x-hub-signature-256"
ALL_TENANTS = "-"


def _tenant_scope(value: str) -> uuid.UUID | None:
    """A tenant id, or None for "-" (every tenant: platform operators only)."""
    return None if value == ALL_TENANTS else parse_id(value, "tenant_id")


def _content(request: pb.SendMessageRequest) -> OutboundContent:
    kind = request.WhichOneof("content")
    if kind is None:
        raise InvalidInput("content", "text or interactive is required")
    if kind == "text":
        return OutboundContent(request.text.body, reply_to=request.reply_to_message_id)
    interactive = request.interactive
    return OutboundContent(
        interactive.body,
        tuple(ReplyOption(o.id, o.title, o.description) for o in interactive.options),
        list_button=interactive.list_button_text or "Choose",
        reply_to=request.reply_to_message_id,
    )


def _fallback(request: pb.SendMessageRequest) -> TemplateFallback | None:
    if not request.HasField("template"):
        return None
    given = request.template
    return TemplateFallback(
        given.name, tuple(given.parameters), tuple(given.button_payloads), given.language
    )


def _new_template(request: pb.CreateMessageTemplateRequest) -> Template:
    given = request.template
    category = enum_to_domain(given, "category", TemplateCategory)
    if category is None:
        raise InvalidInput("template.category", "marketing, utility or authentication")
    return Template(
        tenant_id=parse_id(request.tenant_id, "tenant_id"),
        business_account_id="",
        name=given.name,
        language=given.language,
        category=category,
        body=given.body,
        header=given.header,
        footer=given.footer,
        quick_replies=tuple(given.quick_replies),
    )


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
        outlets: OutletDirectory,
        windows: CustomerWindow,
        on_enqueued: Callable[[], None],
        cloud_templates: CloudTemplates,
        accounts: BusinessAccounts,
    ) -> None:
        self._uow = unit_of_work
        self._app_secret = app_secret
        self._verify_token = verify_token
        self._on_received = on_received
        self._outlets = outlets
        self._windows = windows
        self._on_enqueued = on_enqueued
        self._cloud_templates = cloud_templates
        self._accounts = accounts

    async def VerifyWebhook(self, request, context):
        hub = request.hub
        challenge = verify_subscription(
            hub.mode, hub.verify_token, hub.challenge, self._verify_token
        )
        return HttpBody(content_type="text/plain", data=challenge.encode())

    async def ReceiveWebhook(self, request, context):
        # Signed by Meta, not by a user; one batch may hold several outlets' messages and
        # statuses, and which tenant owns an outlet is only resolved later by the inbox worker.
        with across_tenants("webhook"):
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
        item = await operations.inbox_item(
            self._uow(),
            _tenant_scope(request.tenant_id),
            parse_id(request.inbox_item_id, "inbox_item_id"),
        )
        media = await operations.media_of(self._uow(), [item])
        return pb.GetInboxItemResponse(inbox_item=inbox_item_message(item, media))

    async def ListInboxItems(self, request, context):
        async with self._uow() as uow:
            page = await uow.inbox.list(
                _tenant_scope(request.tenant_id),
                page_query(request.page),
                enum_to_domain(request, "status", ProcessingStatus),
                request.customer_phone,
            )
        media = await operations.media_of(self._uow(), page.items)
        return pb.ListInboxItemsResponse(
            inbox_items=[inbox_item_message(i, media) for i in page.items],
            page={"next_page_token": page.next_token},
        )

    async def RetryInboxItem(self, request, context):
        item = await operations.retry_inbox_item(
            self._uow(),
            _tenant_scope(request.tenant_id),
            parse_id(request.inbox_item_id, "inbox_item_id"),
        )
        self._on_received()
        media = await operations.media_of(self._uow(), [item])
        return pb.RetryInboxItemResponse(inbox_item=inbox_item_message(item, media))

    async def GetOutboundMessage(self, request, context):
        message = await operations.outbound_message(
            self._uow(),
            _tenant_scope(request.tenant_id),
            parse_id(request.message_id, "message_id"),
        )
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

    async def ListOptOuts(self, request, context):
        tenant_id = parse_id(request.tenant_id, "tenant_id")
        async with self._uow() as uow:
            page = await uow.opt_outs.list(tenant_id, page_query(request.page))
        return pb.ListOptOutsResponse(
            opt_outs=[opt_out_message(o) for o in page.items],
            page={"next_page_token": page.next_token},
        )

    async def ListMessageTemplates(self, request, context):
        tenant_id = parse_id(request.tenant_id, "tenant_id")
        status = enum_to_domain(request, "status", TemplateStatus)
        async with self._uow() as uow:
            page = await uow.templates.list(tenant_id, page_query(request.page), status)
        return pb.ListMessageTemplatesResponse(
            templates=[template_message(t) for t in page.items],
            page={"next_page_token": page.next_token},
        )

    async def CreateMessageTemplate(self, request, context):
        template = await create_template(
            _new_template(request),
            parse_id(request.outlet_id, "outlet_id"),
            tuple(request.examples),
            self._uow(),
            self._outlets,
            self._cloud_templates,
        )
        return pb.CreateMessageTemplateResponse(template=template_message(template))

    async def SyncMessageTemplates(self, request, context):
        templates, removed = await sync_templates(
            parse_id(request.tenant_id, "tenant_id"),
            self._uow(),
            self._accounts,
            self._cloud_templates,
        )
        return pb.SyncMessageTemplatesResponse(
            templates=[template_message(t) for t in templates], removed=removed
        )

    async def GetMedia(self, request, context):
        media = await operations.media_content(
            self._uow(), parse_id(request.tenant_id, "tenant_id"), request.media_id
        )
        return HttpBody(
            content_type=media.mime_type or "application/octet-stream", data=media.content
        )

    async def SendMessage(self, request, context):
        command = SendMessage(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            outlet_id=parse_id(request.outlet_id, "outlet_id"),
            conversation_id=parse_id(request.conversation_id, "conversation_id"),
            to=request.to,
            content=_content(request),
            phone_number_id=request.phone_number_id,
            idempotency_key=request.idempotency_key,
            template=_fallback(request),
        )
        queued = await send_message(
            command, self._uow(), self._outlets, self._windows, self._on_enqueued
        )
        return pb.SendMessageResponse(message=outbound_message(queued[0]))

    async def RetryOutboxMessage(self, request, context):
        message = await operations.retry_outbound_message(
            self._uow(),
            _tenant_scope(request.tenant_id),
            parse_id(request.message_id, "message_id"),
        )
        self._on_enqueued()
        return pb.RetryOutboxMessageResponse(message=outbound_message(message))
