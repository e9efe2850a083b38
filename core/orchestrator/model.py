"""What the Router knows and decides: the tenant's voice, the message, the reply."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.messaging.model import InboundType, ReplyOption

# A reaction, edit or revoke is logged with the message it changes, under this key.
CHANGED_BY = {
    InboundType.REACTION: "reaction_to",
    InboundType.EDIT: "edit_of",
    InboundType.REVOKE: "revoke_of",
}

# When even the tenant's own error message cannot be had.
FALLBACK_ERROR = "Sorry, something went wrong on our side. Please try again in a moment."


@dataclass(frozen=True, slots=True)
class TenantProfile:
    tenant_id: uuid.UUID
    name: str
    greeting_message: str
    error_message: str
    tone: dict[str, Any] = field(default_factory=dict)

    def greeting(self) -> str:
        return self.greeting_message or f"Hi! Thanks for writing to {self.name}. How can we help?"


@dataclass(frozen=True, slots=True)
class CustomerMessage:
    """HandleMessage: one inbound message of a customer to an outlet."""

    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    customer_phone: str
    customer_name: str
    type: InboundType
    text: str
    whatsapp_message_id: str
    sent_at: datetime
    reply_id: str = ""
    # A cart from the business's WhatsApp catalog: (product retailer id, quantity) lines.
    catalog: tuple[tuple[str, int], ...] = ()
    context_message_id: str = ""  # the wamid it replies or reacts to
    media_id: str = ""  # a photo's, document's or voice note's, as messaging keeps it

    def metadata(self) -> dict[str, str]:
        """What staff reading the conversation need beside the text: the media to open, the
        message a reaction, edit or revoke is about."""
        kept = {"media_id": self.media_id}
        if self.type in CHANGED_BY:
            kept[CHANGED_BY[self.type]] = self.context_message_id
        return {key: value for key, value in kept.items() if value}


@dataclass(frozen=True, slots=True)
class ConversationRef:
    id: uuid.UUID
    created: bool
    handoff_active: bool


@dataclass(frozen=True, slots=True)
class BotReply:
    text: str
    options: tuple[ReplyOption, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    """The Router's answer; no reply when the bot stays quiet (handoff, reactions)."""

    reply: BotReply | None
    handled_by: str
    conversation_id: uuid.UUID | None = None
    handoff_active: bool = False
    duplicate: bool = False
    intent: str = ""
    confidence: float = 0.0

    def answer(self) -> dict[str, Any]:
        """What is kept (as JSON) to give this same answer to the message again."""
        reply = self.reply and {
            "text": self.reply.text,
            "options": [[o.id, o.title, o.description] for o in self.reply.options],
        }
        return {
            "reply": reply,
            "handled_by": self.handled_by,
            "intent": self.intent,
            "confidence": self.confidence,
        }

    @classmethod
    def again(
        cls, answer: dict[str, Any], conversation_id: uuid.UUID, duplicate: bool
    ) -> "Outcome":
        """The outcome kept by answer(), for the same message delivered once more."""
        reply = answer["reply"]
        return cls(
            BotReply(reply["text"], tuple(ReplyOption(*o) for o in reply["options"]))
            if reply
            else None,
            answer["handled_by"],
            conversation_id,
            duplicate=duplicate,
            intent=answer["intent"],
            confidence=answer["confidence"],
        )
