"""HandleMessage: keep the exchange, decide the reply (greeting, acknowledgement, fallback)."""

import logging

from core.messaging.model import InboundType
from core.shared.errors import DomainError

from .model import (
    FALLBACK_ERROR,
    BotReply,
    ConversationRef,
    CustomerMessage,
    Outcome,
    TenantProfile,
)
from .ports import ConversationLog, TenantProfiles

log = logging.getLogger(__name__)

ACKNOWLEDGEMENT = "Thanks for your message! We'll get back to you shortly."
TEXT_ONLY = (
    "Thanks! I can only read text messages for now. Could you write what you need in a message?"
)


def compose(
    message: CustomerMessage, conversation: ConversationRef, profile: TenantProfile
) -> BotReply | None:
    """The reply until intent routing arrives: greet newcomers, acknowledge the rest."""
    if message.type is InboundType.REACTION:
        return None  # a reaction needs no answer
    if conversation.created:
        return BotReply(profile.greeting())
    if message.type not in (
        InboundType.TEXT, InboundType.BUTTON_REPLY, InboundType.LIST_REPLY, InboundType.BUTTON
    ):  # fmt: skip
        return BotReply(TEXT_ONLY)
    return BotReply(ACKNOWLEDGEMENT)


async def handle_message(
    message: CustomerMessage, tenants: TenantProfiles, conversations: ConversationLog
) -> Outcome:
    """Both sides of the exchange are saved; a failing peer yields the tenant's error message."""
    try:
        profile = await tenants.profile(message.tenant_id)
    except DomainError as failure:
        log.warning("tenant profile unavailable: %s", failure)
        return Outcome(BotReply(FALLBACK_ERROR), handled_by="fallback")
    try:
        conversation = await conversations.open(message)
        duplicate = await conversations.record_customer(conversation, message)
        if conversation.handoff_active:
            return Outcome(
                None, "handoff", conversation.id, handoff_active=True, duplicate=duplicate
            )
        reply = compose(message, conversation, profile)
        if reply is not None:
            await conversations.record_bot(conversation, message.tenant_id, reply.text)
    except DomainError as failure:
        log.warning("conversation unavailable: %s", failure)
        return Outcome(BotReply(profile.error_message or FALLBACK_ERROR), handled_by="fallback")
    return Outcome(reply, "router", conversation.id, duplicate=duplicate)
