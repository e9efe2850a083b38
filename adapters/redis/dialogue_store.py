"""Dialogue state in Redis: one JSON value per conversation, expiring with the dialogue."""

import json
import uuid

from redis.asyncio import Redis

from core.orchestrator.dialogue import STATE_TTL, DialogueState


class RedisDialogueStore:
    def __init__(self, redis: Redis, prefix: str = "crm:dialogue") -> None:
        self._redis = redis
        self._prefix = prefix

    def _key(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> str:
        return f"{self._prefix}:{tenant_id}:{conversation_id}"

    async def load(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> DialogueState | None:
        raw = await self._redis.get(self._key(tenant_id, conversation_id))
        return DialogueState.from_dict(json.loads(raw)) if raw else None

    async def save(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, state: DialogueState
    ) -> None:
        await self._redis.set(
            self._key(tenant_id, conversation_id),
            json.dumps(state.to_dict()),
            ex=int(STATE_TTL.total_seconds()),
        )

    async def reset(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        await self._redis.delete(self._key(tenant_id, conversation_id))
