"""History caches without Redis: this process's memory (one replica), or none (several)."""

import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from core.conversation.model import Message
from core.conversation.ports import CachedHistory, HistoryKey
from core.shared.paging import Page


@dataclass(slots=True)
class _Stored:
    generation: int
    expires: float
    page: Page[Message]


@dataclass(slots=True)
class _Conversation:
    generation: int
    pages: dict[int, _Stored] = field(default_factory=dict)  # by limit


class InProcessHistoryCache:
    """Pages of the newest messages, for at most `max_conversations` (least recently used go).

    Generations come from one counter. Evicting a conversation forgets its generation, so
    the horizon moves past every generation handed out: a refill begun before the eviction
    can then never be served.
    """

    def __init__(
        self,
        max_conversations: int = 10_000,
        ttl_seconds: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._conversations: OrderedDict[tuple[uuid.UUID, uuid.UUID], _Conversation] = OrderedDict()
        self._max = max_conversations
        self._ttl = ttl_seconds
        self._clock = clock
        self._counter = 0
        self._horizon = 0

    async def get(self, key: HistoryKey) -> CachedHistory:
        entry = self._conversations.get((key.tenant_id, key.conversation_id))
        if entry is None:
            return CachedHistory(self._horizon)
        self._conversations.move_to_end((key.tenant_id, key.conversation_id))
        stored = entry.pages.get(key.limit)
        fresh = stored and stored.generation == entry.generation and stored.expires > self._clock()
        return CachedHistory(entry.generation, stored.page if fresh else None)

    async def put(self, key: HistoryKey, generation: int, page: Page[Message]) -> None:
        entry = self._entry(key.tenant_id, key.conversation_id)
        entry.pages[key.limit] = _Stored(generation, self._clock() + self._ttl, page)

    async def invalidate(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        entry = self._entry(tenant_id, conversation_id)
        entry.generation = self._next()
        entry.pages.clear()

    def _entry(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> _Conversation:
        key = (tenant_id, conversation_id)
        if key not in self._conversations:
            self._conversations[key] = _Conversation(self._horizon)
            if len(self._conversations) > self._max:
                self._conversations.popitem(last=False)
                self._horizon = self._next()
        self._conversations.move_to_end(key)
        return self._conversations[key]

    def _next(self) -> int:
        self._counter += 1
        return self._counter


class NoHistoryCache:
    """Remembers nothing, so every read goes to the database: for several replicas without
    Redis, where one process's memory would not see the appends made through another."""

    async def get(self, key: HistoryKey) -> CachedHistory:
        return CachedHistory(0)

    async def put(self, key: HistoryKey, generation: int, page: Page[Message]) -> None:
        return None

    async def invalidate(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        return None
