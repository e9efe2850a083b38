"""Conversations are the conversation service's: other contexts ask it whose one is."""

import uuid
from typing import Protocol


class Conversations(Protocol):
    async def ensure_conversation(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        """Return when the conversation is the tenant's; else raise NotFound, exactly as for an
        id no tenant has (so another tenant's conversation ids reveal nothing)."""
        ...
