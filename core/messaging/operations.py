"""What operators do with the queues: look items up, and send stuck ones round again."""

import uuid

from core.shared.errors import FailedPrecondition, NotFound

from .media import StoredMedia
from .model import DeliveryStatus
from .ports import MessagingUnitOfWork
from .queue import InboxItem, OutboxMessage, ProcessingStatus

RETRYABLE_INBOX = (ProcessingStatus.FAILED, ProcessingStatus.DEAD)


async def inbox_item(
    uow: MessagingUnitOfWork, tenant_id: uuid.UUID | None, item_id: uuid.UUID
) -> InboxItem:
    """One item; another tenant's is NOT_FOUND (None: a platform operator sees all)."""
    async with uow:
        item = await uow.inbox.get(tenant_id, item_id)
    if item is None:
        raise NotFound("inbox item", item_id)
    return item


async def retry_inbox_item(
    uow: MessagingUnitOfWork, tenant_id: uuid.UUID | None, item_id: uuid.UUID
) -> InboxItem:
    """A failed or dead item is worked again now; one in progress or done is left alone."""
    item = await inbox_item(uow, tenant_id, item_id)
    if item.status not in RETRYABLE_INBOX:
        raise FailedPrecondition(
            f"inbox item {item_id} is {item.status.value}; only failed or dead items are retried"
        )
    async with uow:
        item = await uow.inbox.requeue(item_id)
        await uow.commit()
    return item


async def outbound_message(
    uow: MessagingUnitOfWork, tenant_id: uuid.UUID | None, message_id: uuid.UUID
) -> OutboxMessage:
    async with uow:
        message = await uow.outbox.get(tenant_id, message_id)
    if message is None:
        raise NotFound("outbound message", message_id)
    return message


async def retry_outbound_message(
    uow: MessagingUnitOfWork, tenant_id: uuid.UUID | None, message_id: uuid.UUID
) -> OutboxMessage:
    """A send that failed is queued again; one WhatsApp accepted is never sent twice."""
    message = await outbound_message(uow, tenant_id, message_id)
    if message.status not in (DeliveryStatus.FAILED, DeliveryStatus.QUEUED):
        raise FailedPrecondition(
            f"outbound message {message_id} is {message.status.value}; it was sent already"
        )
    async with uow:
        message = await uow.outbox.requeue(message_id)
        await uow.commit()
    return message


async def media_content(
    uow: MessagingUnitOfWork, tenant_id: uuid.UUID, media_id: str
) -> StoredMedia:
    """A customer's media with its bytes; another tenant's is NOT_FOUND, and media that was
    not kept is FAILED_PRECONDITION with the reason."""
    async with uow:
        media = await uow.media.content(tenant_id, media_id)
    if media is None:
        raise NotFound("media", media_id)
    if media.content is None:
        raise FailedPrecondition(f"media {media_id} was not kept: {media.refusal}")
    return media


async def media_of(uow: MessagingUnitOfWork, items: list[InboxItem]) -> dict[str, StoredMedia]:
    """The media of these inbox items, by their wamid, without the bytes."""
    async with uow:
        return await uow.media.of_messages([i.message.whatsapp_message_id for i in items])
