"""What the Router needs from other services."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .model import ConversationRef, CustomerMessage, TenantProfile
from .nlu import Passage, Turn, Vocabulary


class TenantProfiles(Protocol):
    async def profile(self, tenant_id: uuid.UUID) -> TenantProfile: ...

    async def outlet_timezone(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> str:
        """IANA name; dates the customer says are read in the outlet's time zone."""


class ConversationLog(Protocol):
    """The conversation service: where both sides of every exchange are kept."""

    async def open(self, message: CustomerMessage) -> ConversationRef: ...

    async def record_customer(
        self, conversation: ConversationRef, message: CustomerMessage
    ) -> bool:
        """Store the customer's message; True when it had been stored before."""

    async def record_bot(
        self, conversation: ConversationRef, tenant_id: uuid.UUID, text: str, language: str
    ) -> None:
        """Store the bot's answer, written in `language` (which the conversation keeps, so
        what the business starts later speaks it)."""

    async def recent(
        self, conversation: ConversationRef, tenant_id: uuid.UUID, limit: int
    ) -> list[Turn]:
        """The latest messages, oldest first (the one being handled included)."""

    async def request_handoff(
        self, conversation: ConversationRef, tenant_id: uuid.UUID, reason: str
    ) -> None: ...


class BotAllowance(Protocol):
    """Whether the tenant's plan still pays for bot replies (billing)."""

    async def may_answer(self, tenant_id: uuid.UUID) -> bool:
        """False once the message quota is used up and the overage cannot be paid. Cheap (a
        cached answer, never a billing call per message) and True when billing cannot tell."""


class VocabularySource(Protocol):
    async def vocabulary(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> Vocabulary:
        """Product and resource names of the outlet, for matching what customers write."""


class KnowledgeSearch(Protocol):
    async def search(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID, query: str, top_k: int
    ) -> Sequence[Passage]: ...


@dataclass(frozen=True, slots=True)
class Event:
    """Something analytics counts: an intent routed, a reply given, its latency."""

    name: str
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    properties: dict[str, Any] = field(default_factory=dict)
    value: float = 0.0


class Events(Protocol):
    async def emit(self, event: Event) -> None:
        """Best effort: a lost event never fails a customer's message."""


class LanguageDetector(Protocol):
    def detect(self, text: str) -> str | None:
        """The ISO 639-1 code of the language `text` is clearly written in, else None."""
