"""History cache in Redis, shared by every replica: one hash per conversation, JSON pages.

The hash holds a `generation` counter, which an append increments, and one field per page
size; a page records the generation it was read under and counts only while that is current.
Redis trouble degrades to a miss (logged): the database stays the truth.
"""

import json
import logging
import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from core.conversation.model import Message, MessageType, SenderType
from core.conversation.ports import CachedHistory, HistoryKey
from core.shared.paging import Page

log = logging.getLogger(__name__)

_GENERATION = "generation"
# The generation of a failed read: no page carries it, so the refill that follows is never served.
_UNKNOWN = -1


def _parsed(raw: dict[str, Any]) -> dict[str, Any]:
    """A message's JSON fields back as the types the entity holds."""
    parsed = dict(raw)
    for name in ("id", "tenant_id", "conversation_id"):
        parsed[name] = uuid.UUID(raw[name])
    for name in ("timestamp", "created_at", "updated_at"):
        parsed[name] = datetime.fromisoformat(raw[name]) if raw[name] else None
    parsed["sender_type"] = SenderType(raw["sender_type"])
    parsed["message_type"] = MessageType(raw["message_type"])
    return parsed


def _encode(generation: int, page: Page[Message]) -> str:
    items = [asdict(message) for message in page.items]
    return json.dumps(
        {"generation": generation, "items": items, "next": page.next_token}, default=str
    )


def _decode(raw: str | bytes) -> tuple[int, Page[Message]]:
    data = json.loads(raw)
    items = [Message(**_parsed(item)) for item in data["items"]]
    return data["generation"], Page(items, data["next"])


class RedisHistoryCache:
    """HistoryCache over redis.asyncio; keys are `<prefix>:<tenant id>:<conversation id>`."""

    def __init__(
        self, client: Redis, prefix: str = "crm:history", ttl_seconds: float = 600.0
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._ttl_ms = int(ttl_seconds * 1000)

    def _key(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> str:
        return f"{self._prefix}:{tenant_id}:{conversation_id}"

    async def get(self, key: HistoryKey) -> CachedHistory:
        hash_key = self._key(key.tenant_id, key.conversation_id)
        try:
            generation, raw = await self._redis.hmget(hash_key, [_GENERATION, str(key.limit)])
        except RedisError:
            log.warning("history cache unavailable; reading the database", exc_info=True)
            return CachedHistory(_UNKNOWN)
        current = int(generation or 0)
        if raw is None:
            return CachedHistory(current)
        stored_generation, page = _decode(raw)
        return CachedHistory(current, page if stored_generation == current else None)

    async def put(self, key: HistoryKey, generation: int, page: Page[Message]) -> None:
        hash_key = self._key(key.tenant_id, key.conversation_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(hash_key, str(key.limit), _encode(generation, page))
            pipe.pexpire(hash_key, self._ttl_ms)
            await self._quietly(pipe)

    async def invalidate(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        hash_key = self._key(tenant_id, conversation_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hincrby(hash_key, _GENERATION, 1)
            pipe.pexpire(hash_key, self._ttl_ms)
            await self._quietly(pipe)

    @staticmethod
    async def _quietly(pipe: Any) -> None:
        try:
            await pipe.execute()
        except RedisError:
            log.warning("history cache write failed; entries expire on their own", exc_info=True)
