"""The rows of other services an order names, checked with their owners before it is stored.

An order's outlet belongs to the tenant service and its conversation to the conversation
service; no database key can see across them. Each owner answers in the caller's tenant, so
another tenant's id is NotFound, as an id nobody has.
"""

import uuid
from dataclasses import dataclass

from core.shared.conversations import Conversations
from core.shared.outlets import Outlets


@dataclass(frozen=True, slots=True)
class OrderReferences:
    outlets: Outlets
    conversations: Conversations

    async def ensure(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID, conversation_id: uuid.UUID | None
    ) -> None:
        await self.outlets.ensure_outlet(tenant_id, outlet_id)
        if conversation_id is not None:
            await self.conversations.ensure_conversation(tenant_id, conversation_id)
