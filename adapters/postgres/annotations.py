"""Reactions, edits and revokes written onto the stored inbox items and outbound messages."""

from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models.messaging import InboxItemRow, OutboxMessageRow


class SqlAlchemyMessageAnnotations:
    """Only the customer's own messages, and those the business sent them, are changed."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def react(self, customer_phone: str, whatsapp_message_id: str, emoji: str) -> bool:
        reaction = emoji or None
        inbound = await self._inbox(customer_phone, whatsapp_message_id, reaction=reaction)
        if inbound:
            return True
        sent = await self._session.execute(
            update(OutboxMessageRow)
            .where(
                OutboxMessageRow.whatsapp_message_id == whatsapp_message_id,
                OutboxMessageRow.to_phone == customer_phone,
            )
            .values(reaction=reaction)
        )
        return sent.rowcount > 0

    async def edit(
        self, customer_phone: str, whatsapp_message_id: str, text: str, at: datetime
    ) -> bool:
        # The first text is kept through any number of edits.
        original = func.coalesce(InboxItemRow.original_text, InboxItemRow.body)
        return await self._inbox(
            customer_phone, whatsapp_message_id, body=text, original_text=original, edited_at=at
        )

    async def revoke(self, customer_phone: str, whatsapp_message_id: str, at: datetime) -> bool:
        return await self._inbox(customer_phone, whatsapp_message_id, revoked_at=at)

    async def _inbox(self, customer_phone: str, whatsapp_message_id: str, **values) -> bool:
        changed = await self._session.execute(
            update(InboxItemRow)
            .where(
                InboxItemRow.whatsapp_message_id == whatsapp_message_id,
                InboxItemRow.customer_phone == customer_phone,
            )
            .values(**values)
        )
        return changed.rowcount > 0
