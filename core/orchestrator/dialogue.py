"""Dialogue state the Router keeps per conversation: who is talking, what was asked."""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

# A conversation idle this long starts afresh: a half-finished booking from last week
# should not swallow today's "yes".
STATE_TTL = timedelta(hours=2)

HANDOFF_OFFER = "handoff"  # the pending confirmation the Router itself asks

# Answers kept per conversation, by the WhatsApp id of the message they answer: a message
# delivered again (a messaging replica died before committing, a call timed out) gets the
# same answer back instead of being routed a second time.
ANSWERS_KEPT = 8


@dataclass(slots=True)
class DialogueState:
    active_agent: str = ""  # "booking" | "order" | "support" | ""
    agent_state: dict[str, Any] = field(default_factory=dict)  # the agent's own, opaque
    pending: str = ""  # who awaits the customer's yes/no: an agent's name or HANDOFF_OFFER
    last_intent: str = ""
    turn_count: int = 0
    answered: dict[str, Any] = field(default_factory=dict)  # wamid -> answer, oldest first
    language: str = ""  # the customer's language, once a message made it clear
    concern: str = ""  # the customer's last dietary-safety message, read with the next one
    asked: str = ""  # the question the documents answered last turn, for "and on saturday?"
    unread_media: bool = False  # the last message was media the bot could not read

    def switch_to(self, agent: str) -> None:
        """A new task: the previous agent's half-collected slots are dropped."""
        if agent != self.active_agent:
            self.active_agent, self.agent_state, self.pending = agent, {}, ""

    def finish(self) -> None:
        self.active_agent, self.agent_state, self.pending = "", {}, ""

    def remember(self, whatsapp_message_id: str, answer: dict[str, Any]) -> None:
        """Saved with the state it produced, so a retry finds both or neither."""
        self.answered[whatsapp_message_id] = answer
        for old in list(self.answered)[:-ANSWERS_KEPT]:
            del self.answered[old]

    def to_dict(self) -> dict[str, Any]:
        return {
            "active_agent": self.active_agent,
            "agent_state": self.agent_state,
            "pending": self.pending,
            "last_intent": self.last_intent,
            "turn_count": self.turn_count,
            "answered": self.answered,
            "language": self.language,
            "concern": self.concern,
            "asked": self.asked,
            "unread_media": self.unread_media,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "DialogueState":
        return cls(**{k: raw[k] for k in cls.__slots__ if k in raw})


class DialogueStore(Protocol):
    """Keeps each conversation's state for STATE_TTL after its last change."""

    async def load(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID
    ) -> DialogueState | None: ...
    async def save(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, state: DialogueState
    ) -> None: ...
    async def reset(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None: ...
