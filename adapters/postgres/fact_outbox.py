"""A service's outbox of facts for analytics (core.shared.facts) over its facts_pending table."""

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.shared.facts import Fact

from .models.base import PendingFacts


class SqlAlchemyFactOutbox:
    def __init__(self, session: AsyncSession, row: type[PendingFacts]) -> None:
        self._session = session
        self._row = row

    async def add(self, facts: Sequence[Fact]) -> None:
        if not facts:
            return
        values = [
            {
                "id": f.id,
                "tenant_id": f.tenant_id,
                "outlet_id": f.outlet_id,
                "conversation_id": f.conversation_id,
                "event_type": f.name,
                "properties": dict(f.properties),
                "amount": f.amount,
            }
            for f in facts
        ]
        await self._session.execute(insert(self._row).values(values))

    async def claim(self, limit: int) -> list[Fact]:
        # SKIP LOCKED: other replicas' relays pass over rows this transaction holds, and take
        # them if it dies without deleting them.
        rows = await self._session.scalars(
            select(self._row)
            .order_by(self._row.occurred_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [
            Fact(
                tenant_id=row.tenant_id,
                name=row.event_type,
                outlet_id=row.outlet_id,
                conversation_id=row.conversation_id,
                properties=row.properties,
                amount=row.amount,
                id=row.id,
                occurred_at=row.occurred_at,
            )
            for row in rows
        ]

    async def remove(self, ids: Sequence[uuid.UUID]) -> None:
        await self._session.execute(delete(self._row).where(self._row.id.in_(ids)))
