"""What the conversation use cases need from the outside world."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self

from core.shared.facts import FactOutbox
from core.shared.paging import Page

from .commands import ListConversations, ListMessages
from .model import Conversation, Message

Clock = Callable[[], datetime]


class Staff(Protocol):
    """The tenant's people, as the tenant service knows them."""

    async def ensure_active_user(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Return when the user is an active user of the tenant; NotFound for an id of no
        user of theirs (another tenant's included), FailedPrecondition for an inactive one."""
        ...


class ConversationRepository(Protocol):
    async def add_open(self, conversation: Conversation) -> Conversation | None:
        """Store a new open conversation; None when the tenant's (outlet, phone) already has one."""
        ...

    async def get(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, *, for_update: bool = False
    ) -> Conversation | None:
        """The conversation; `for_update` holds it until commit, serialising its writers."""
        ...

    async def get_open(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID, customer_phone: str
    ) -> Conversation | None: ...
    async def update(self, conversation: Conversation) -> Conversation: ...
    async def list(self, query: ListConversations) -> Page[Conversation]:
        """Most recent activity first."""
        ...


class MessageRepository(Protocol):
    async def add_once(self, message: Message) -> Message | None:
        """Store the message; None when its tenant stored its WhatsApp id already."""
        ...

    async def get_by_whatsapp_id(
        self, tenant_id: uuid.UUID, whatsapp_message_id: str
    ) -> Message | None: ...
    async def list(self, query: ListMessages) -> Page[Message]:
        """By timestamp, oldest first unless the query asks for the newest first."""
        ...


class ConversationUnitOfWork(Protocol):
    """One transaction over the conversation context's repositories."""

    conversations: ConversationRepository
    messages: MessageRepository
    facts: FactOutbox

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...


@dataclass(frozen=True, slots=True)
class HistoryKey:
    """The newest `limit` messages of one conversation, as one cache entry."""

    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    limit: int


@dataclass(frozen=True, slots=True)
class CachedHistory:
    """A cache lookup: the page when present, and the generation a refill must carry.

    An append invalidates by moving the generation on, so a refill read from the database
    before that append, but written after it, is never served.
    """

    generation: int
    page: Page[Message] | None = None


class HistoryCache(Protocol):
    """The newest messages of conversations, kept close; it may forget anything at any time."""

    async def get(self, key: HistoryKey) -> CachedHistory: ...
    async def put(self, key: HistoryKey, generation: int, page: Page[Message]) -> None: ...
    async def invalidate(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None: ...
