"""Use cases of the messaging context: take webhooks in, work the inbox, send the outbox."""

import logging
import uuid
from collections.abc import Callable
from datetime import timedelta

from core.shared.backoff import Backoff
from core.shared.errors import DomainError, FailedPrecondition, NotFound
from core.shared.scope import across_tenants, acting_for

from .annotations import CHANGES, REWRITES, apply_change
from .fitting import fit
from .media_intake import MediaIntake
from .model import InboundMessage, OutboundContent, SendFailure, WebhookBatch
from .opt_out import OptCommand, OptRequest, confirmation, opt_request
from .ports import (
    MessagingUnitOfWork,
    OutletDirectory,
    ReplyEngine,
    WhatsAppSender,
)
from .queue import InboxItem, OutboxMessage, OutletRef
from .signature import verify_signature
from .usage import MESSAGES_IN, UsageEntry, usage_of

# Whom the queue workers' work is done by, as the scope names it.
INBOX, OUTBOX = "inbox", "outbox"

log = logging.getLogger(__name__)

UnitOfWork = Callable[[], MessagingUnitOfWork]


async def receive_webhook(
    raw_body: bytes,
    signature: str | None,
    app_secret: str,
    parse: Callable[[bytes], WebhookBatch],
    uow: MessagingUnitOfWork,
) -> tuple[int, int]:
    """Verify, parse and store a webhook before it is acknowledged.

    New messages go to the inbox (a redelivered one changes nothing); a malformed one is kept
    as rejected, with its reason, beside them; statuses move outbound messages forward.
    Returns (messages stored, statuses applied).
    """
    verify_signature(app_secret, raw_body, signature)
    batch = parse(raw_body)
    for rejected in batch.rejected:
        log.warning("webhook message %s rejected: %s", rejected.key, rejected.reason)
    async with uow:
        stored = await uow.inbox.add_new(batch.messages)
        await uow.inbox.add_rejected(batch.rejected)
        applied = await uow.outbox.apply_statuses(batch.statuses)
        for review in batch.reviews:
            await uow.templates.review(review)
        await uow.commit()
    return stored, applied


class InboxWorker:
    """Turns an inbox item into queued replies: resolve the outlet, ask for the reply.

    The message's usage is stored with the item's completion (keyed by its wamid, so an item
    worked twice counts once) and reaches billing through the usage relay. The customer's
    message is marked read (blue ticks) once handled; that receipt is a courtesy, so its
    failure is logged and nothing more.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        outlets: OutletDirectory,
        replies: ReplyEngine,
        on_enqueued: Callable[[], None],
        lease: timedelta,
        backoff: Backoff | None = None,
        receipts: WhatsAppSender | None = None,
        media: MediaIntake | None = None,
    ) -> None:
        self._uow = uow
        self._outlets = outlets
        self._replies = replies
        self._receipts = receipts
        self._media = media
        self._on_enqueued = on_enqueued
        self._lease = lease
        self._backoff = backoff or Backoff()

    async def claim(self, limit: int) -> list[InboxItem]:
        with across_tenants(INBOX):
            async with self._uow() as uow:
                items = await uow.inbox.claim(limit, self._lease)
                await uow.commit()
        return items

    async def handle(self, item: InboxItem) -> None:
        # The item belongs to no tenant until its outlet is resolved, so the queue's own rows
        # are kept across tenants; the reply is worked out for the outlet's tenant alone.
        with across_tenants(INBOX):
            await self._handle(item)

    async def _handle(self, item: InboxItem) -> None:
        opting = opt_request(item.message)
        try:
            outlet = await self._outlets.resolve(item.message.phone_number_id)
            if opting:  # STOP or START: the messaging service's own answer
                reply: OutboundContent | None = OutboundContent(confirmation(opting))
            else:
                reply = await self._reply(item.message, outlet)
        except (NotFound, FailedPrecondition) as refused:
            await self._settle(item, bury=str(refused))
            return
        except Exception as error:  # a peer is down, slow or broken: keep the item, retry
            log.warning("inbox item %s will be retried: %s", item.id, error)
            await self._settle(item, retry=_describe(error))
            return
        pieces = fit(reply) if reply else []
        queued = [
            OutboxMessage(
                id=uuid.uuid4(),
                tenant_id=outlet.tenant_id,
                outlet_id=outlet.outlet_id,
                phone_number_id=item.message.phone_number_id,
                to_phone=item.message.customer_phone,
                piece=piece,
                reply_to_message_id=item.message.whatsapp_message_id if i == 0 else "",
                idempotency_key=f"reply:{item.message.whatsapp_message_id}:{i}",
            )
            for i, piece in enumerate(pieces)
        ]
        used = UsageEntry(
            outlet.tenant_id,
            MESSAGES_IN,
            item.message.whatsapp_message_id,
            outlet_id=outlet.outlet_id,
        )
        async with self._uow() as uow:
            if opting:
                await _record(uow, outlet.tenant_id, item.message.customer_phone, opting)
            await uow.outbox.enqueue(queued)
            await uow.inbox.complete(item.id, outlet)
            if item.message.type not in REWRITES:  # the message they change was counted
                await uow.usage.add([used])
            await uow.commit()
        if queued:
            self._on_enqueued()
        await self._mark_read(item)

    async def _reply(self, message: InboundMessage, outlet: OutletRef) -> OutboundContent | None:
        """The bot's answer. A reaction, edit or revoke changes the message it names and is
        never answered, only logged in the conversation; media is stored first, and a voice
        note reaches the bot as its transcript."""
        if message.type in CHANGES:
            await apply_change(self._uow, message, outlet)
        elif self._media is not None:
            message = await self._media.take(message, outlet)
        with acting_for(outlet.tenant_id, INBOX):
            reply = await self._replies.reply_to(message, outlet)
        return None if message.type in CHANGES else reply

    async def _mark_read(self, item: InboxItem) -> None:
        if self._receipts is None:
            return
        try:
            await self._receipts.mark_read(
                item.message.phone_number_id, item.message.whatsapp_message_id
            )
        except SendFailure as failure:
            log.info("read receipt for %s not sent: %s", item.message.whatsapp_message_id, failure)

    async def _settle(self, item: InboxItem, *, bury: str = "", retry: str = "") -> None:
        async with self._uow() as uow:
            if bury:
                await uow.inbox.bury(item.id, bury)
            else:
                await uow.inbox.retry_later(item.id, retry, self._backoff.after(item.attempts))
            await uow.commit()


class OutboxSender:
    """Sends queued messages through the Cloud API; 429/5xx come back later, never dropped.

    A sent message's usage is stored with its mark_sent, keyed by the outbox id."""

    def __init__(
        self,
        uow: UnitOfWork,
        sender: WhatsAppSender,
        lease: timedelta,
        backoff: Backoff | None = None,
    ) -> None:
        self._uow = uow
        self._sender = sender
        self._lease = lease
        self._backoff = backoff or Backoff()

    async def claim(self, limit: int) -> list[OutboxMessage]:
        with across_tenants(OUTBOX):
            async with self._uow() as uow:
                messages = await uow.outbox.claim(limit, self._lease)
                await uow.commit()
        return messages

    async def handle(self, message: OutboxMessage) -> None:
        with acting_for(message.tenant_id, OUTBOX):
            await self._handle(message)

    async def _handle(self, message: OutboxMessage) -> None:
        try:
            result = await self._sender.send(
                message.phone_number_id,
                message.to_phone,
                message.piece,
                message.reply_to_message_id,
            )
        except SendFailure as failure:
            await self._failed(message, failure)
            return
        used = UsageEntry(
            message.tenant_id, usage_of(message.piece), f"out:{message.id}",
            outlet_id=message.outlet_id,
        )  # fmt: skip
        async with self._uow() as uow:
            await uow.outbox.mark_sent(message.id, result.whatsapp_message_id)
            await uow.usage.add([used])
            await uow.commit()

    async def _failed(self, message: OutboxMessage, failure: SendFailure) -> None:
        error = {"message": str(failure), "code": failure.code, "retryable": failure.retryable,
                 **failure.details}  # fmt: skip
        async with self._uow() as uow:
            if failure.retryable:
                delay = max(
                    self._backoff.after(message.attempts),
                    timedelta(seconds=failure.retry_after or 0),
                )
                await uow.outbox.retry_later(message.id, error, delay)
            else:
                await uow.outbox.mark_failed(message.id, error)
            await uow.commit()


def _describe(error: Exception) -> str:
    return error.message if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"


async def _record(
    uow: MessagingUnitOfWork, tenant_id: uuid.UUID, customer_phone: str, opting: OptRequest
) -> None:
    if opting.command is OptCommand.STOP:
        await uow.opt_outs.opt_out(tenant_id, customer_phone)
    else:
        await uow.opt_outs.opt_in(tenant_id, customer_phone)
