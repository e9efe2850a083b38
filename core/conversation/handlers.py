"""Use cases of the conversation context; each runs inside one unit of work."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from core.shared.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unavailable,
)
from core.shared.outlets import Outlets
from core.shared.paging import Page
from core.shared.validation import optional_text, validated

from . import commands as c
from .facts import handoff_facts, message_facts
from .model import (
    CONVERSATION_FIELDS,
    MESSAGE_FIELDS,
    Conversation,
    Message,
    MessageType,
    customer_phone,
)
from .ports import Clock, ConversationUnitOfWork, HistoryCache, HistoryKey, Staff


@dataclass(frozen=True, slots=True)
class Appended:
    message: Message
    conversation: Conversation
    duplicate: bool  # the message was stored before; nothing changed


async def _conversation(
    uow: ConversationUnitOfWork,
    tenant_id: uuid.UUID,
    conversation_id: uuid.UUID,
    lock: bool = False,
) -> Conversation:
    conversation = await uow.conversations.get(tenant_id, conversation_id, for_update=lock)
    if conversation is None:
        raise NotFound("conversation", conversation_id)
    return conversation


async def _change(
    uow: ConversationUnitOfWork,
    tenant_id: uuid.UUID,
    conversation_id: uuid.UUID,
    change: Callable[[Conversation], Conversation],
) -> Conversation:
    """Apply a state change under the row lock; write only when something changed."""
    async with uow:
        conversation = await _conversation(uow, tenant_id, conversation_id, lock=True)
        changed = change(conversation)
        if changed != conversation:
            before, conversation = conversation, await uow.conversations.update(changed)
            await uow.facts.add(handoff_facts(before, conversation))
            await uow.commit()
    return conversation


# -- conversations -------------------------------------------------------------------------


async def _open_conversation(
    uow: ConversationUnitOfWork, fresh: Conversation
) -> tuple[Conversation, bool]:
    """The pair's open conversation, or `fresh` stored as it; True when stored."""
    pair = (fresh.tenant_id, fresh.outlet_id, fresh.customer_phone)
    found = await uow.conversations.get_open(*pair)
    if found:
        return found, False
    created = await uow.conversations.add_open(fresh)
    if created:
        return created, True
    # A concurrent call opened one between our read and our insert: take theirs.
    found = await uow.conversations.get_open(*pair)
    if found is None:  # ... and closed it already
        raise Unavailable("the conversation changed while it was being opened; try again")
    return found, False


async def create_or_get_conversation(
    cmd: c.CreateOrGetConversation, uow: ConversationUnitOfWork, outlets: Outlets | None = None
) -> tuple[Conversation, bool]:
    """The open conversation of (outlet, phone), created when there is none; True if created.
    The outlet must be the tenant's (`outlets` None: the caller made it, a seed or a tool)."""
    phone = customer_phone(cmd.customer_phone)
    name = optional_text(200)(cmd.customer_name.strip(), "customer_name")
    if outlets is not None:
        await outlets.ensure_outlet(cmd.tenant_id, cmd.outlet_id)
    async with uow:
        fresh = Conversation(cmd.tenant_id, cmd.outlet_id, phone, customer_name=name)
        conversation, created = await _open_conversation(uow, fresh)
        if name and name != conversation.customer_name:
            conversation = await uow.conversations.update(replace(conversation, customer_name=name))
        await uow.commit()
    return conversation, created


async def get_conversation(
    tenant_id: uuid.UUID, conversation_id: uuid.UUID, uow: ConversationUnitOfWork
) -> Conversation:
    async with uow:
        return await _conversation(uow, tenant_id, conversation_id)


async def list_conversations(
    cmd: c.ListConversations, uow: ConversationUnitOfWork
) -> Page[Conversation]:
    async with uow:
        return await uow.conversations.list(cmd)


async def update_conversation(
    cmd: c.UpdateConversation, uow: ConversationUnitOfWork
) -> Conversation:
    changes = validated(dict(cmd.changes), CONVERSATION_FIELDS, mask_field="update_mask")
    return await _change(
        uow, cmd.tenant_id, cmd.conversation_id, lambda conv: replace(conv, **changes)
    )


async def close_conversation(
    cmd: c.CloseConversation, uow: ConversationUnitOfWork, now: Clock
) -> Conversation:
    return await _change(
        uow, cmd.tenant_id, cmd.conversation_id, lambda conv: conv.closed(cmd.archive, now())
    )


# -- handoff -------------------------------------------------------------------------------


async def request_handoff(
    cmd: c.RequestHandoff, uow: ConversationUnitOfWork, now: Clock
) -> Conversation:
    reason = optional_text(500)(cmd.reason.strip(), "reason")
    return await _change(
        uow, cmd.tenant_id, cmd.conversation_id, lambda conv: conv.handed_off(reason, now())
    )


async def assign_handoff(
    cmd: c.AssignHandoff, uow: ConversationUnitOfWork, staff: Staff
) -> Conversation:
    """Hand the conversation to one of the tenant's active users. An agent takes handoffs for
    themselves; sharing work out among people is an owner's or admin's call."""
    await staff.ensure_active_user(cmd.tenant_id, cmd.agent_id)
    if cmd.only_to is not None and cmd.agent_id != cmd.only_to:
        raise PermissionDenied(
            "an agent may assign a handoff only to themselves; ask an owner or admin"
        )
    return await _change(
        uow, cmd.tenant_id, cmd.conversation_id, lambda conv: conv.assigned(cmd.agent_id)
    )


async def release_handoff(
    tenant_id: uuid.UUID, conversation_id: uuid.UUID, uow: ConversationUnitOfWork
) -> Conversation:
    return await _change(uow, tenant_id, conversation_id, Conversation.released)


# -- messages ------------------------------------------------------------------------------


def _new_message(cmd: c.AppendMessage, now: Clock) -> Message:
    if cmd.sender_type is None:
        raise InvalidInput("sender_type", "is required")
    fields = {name: getattr(cmd, name) for name in MESSAGE_FIELDS}
    return Message(
        tenant_id=cmd.tenant_id,
        conversation_id=cmd.conversation_id,
        sender_type=cmd.sender_type,
        timestamp=cmd.timestamp or now(),
        message_type=cmd.message_type or MessageType.TEXT,
        content=cmd.content,
        **validated(fields, MESSAGE_FIELDS, mask_field="message"),
    )


async def _stored_before(uow: ConversationUnitOfWork, message: Message) -> Message:
    """The message this tenant stored under this WhatsApp id before (ids are per tenant)."""
    wamid = message.whatsapp_message_id
    stored = await uow.messages.get_by_whatsapp_id(message.tenant_id, wamid)
    if stored is None:
        raise AlreadyExists("message", "whatsapp_message_id", wamid)
    return stored


async def append_message(
    cmd: c.AppendMessage, uow: ConversationUnitOfWork, history: HistoryCache, now: Clock
) -> Appended:
    """Store a message once per WhatsApp id; the conversation's lock orders its appends."""
    message = _new_message(cmd, now)
    async with uow:
        conversation = await _conversation(uow, cmd.tenant_id, cmd.conversation_id, lock=True)
        stored = await uow.messages.add_once(message)
        if stored is None:
            return Appended(await _stored_before(uow, message), conversation, duplicate=True)
        # Refused (conversation closed) means no commit: the insert is rolled back.
        conversation = await uow.conversations.update(conversation.recording(stored))
        await uow.facts.add(message_facts(conversation, stored))
        await uow.commit()
    await history.invalidate(cmd.tenant_id, cmd.conversation_id)
    return Appended(stored, conversation, duplicate=False)


async def list_messages(
    cmd: c.ListMessages, uow: ConversationUnitOfWork, history: HistoryCache
) -> Page[Message]:
    """A conversation's messages; the newest N (the bot's every turn) read through the cache."""
    if not cmd.is_latest:
        return await _messages(cmd, uow)
    key = HistoryKey(cmd.tenant_id, cmd.conversation_id, cmd.page.size)
    cached = await history.get(key)
    if cached.page is not None:
        return cached.page
    page = await _messages(cmd, uow)
    await history.put(key, cached.generation, page)
    return page


async def _messages(cmd: c.ListMessages, uow: ConversationUnitOfWork) -> Page[Message]:
    if cmd.before and cmd.after and cmd.after >= cmd.before:
        raise InvalidInput("after_time", "must be before before_time")
    async with uow:
        await _conversation(uow, cmd.tenant_id, cmd.conversation_id)
        return await uow.messages.list(cmd)
