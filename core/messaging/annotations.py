"""Reactions, edits and revokes: a customer changing a message already stored, never a new
thing for the bot to answer."""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from core.shared.scope import acting_for

from .model import InboundMessage, InboundType
from .queue import OutletRef

if TYPE_CHECKING:  # the unit of work's port names this module's port
    from .ports import MessagingUnitOfWork

REWRITES = frozenset({InboundType.EDIT, InboundType.REVOKE})
CHANGES = REWRITES | {InboundType.REACTION}

log = logging.getLogger(__name__)
INBOX = "inbox"


class MessageAnnotations(Protocol):
    """Changes to the messages of one customer (by wamid), inbound or outbound.

    Each answers whether it found the message: a change to a message never stored (sent
    before this platform, or of another customer) changes nothing."""

    async def react(self, customer_phone: str, whatsapp_message_id: str, emoji: str) -> bool:
        """The customer's reaction on an inbox item or outbound message; "" takes it back."""

    async def edit(
        self, customer_phone: str, whatsapp_message_id: str, text: str, at: datetime
    ) -> bool:
        """The customer's message now reads `text`; its first text is kept."""

    async def revoke(self, customer_phone: str, whatsapp_message_id: str, at: datetime) -> bool:
        """The customer deleted their message for everyone."""


async def apply_change(
    uow: Callable[[], "MessagingUnitOfWork"], message: InboundMessage, outlet: OutletRef
) -> None:
    """Record a reaction, edit or revoke on the message it names, within the outlet's tenant.
    Applied in arrival order, so the latest change stands."""
    target, phone = message.context_message_id, message.customer_phone
    with acting_for(outlet.tenant_id, INBOX):
        async with uow() as work:
            notes = work.annotations
            if message.type is InboundType.REACTION:
                found = await notes.react(phone, target, message.text)
            elif message.type is InboundType.EDIT:
                found = await notes.edit(phone, target, message.text, message.sent_at)
            else:
                found = await notes.revoke(phone, target, message.sent_at)
            await work.commit()
    if not found:
        log.info("%s %s names no message of this customer", message.type.value, target)
