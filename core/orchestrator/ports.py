"""What the Router needs from other services."""

import uuid
from typing import Protocol

from .model import ConversationRef, CustomerMessage, TenantProfile


class TenantProfiles(Protocol):
    async def profile(self, tenant_id: uuid.UUID) -> TenantProfile: ...


class ConversationLog(Protocol):
    """The conversation service: where both sides of every exchange are kept."""

    async def open(self, message: CustomerMessage) -> ConversationRef: ...

    async def record_customer(
        self, conversation: ConversationRef, message: CustomerMessage
    ) -> bool:
        """Store the customer's message; True when it had been stored before."""

    async def record_bot(
        self, conversation: ConversationRef, tenant_id: uuid.UUID, text: str
    ) -> None: ...
