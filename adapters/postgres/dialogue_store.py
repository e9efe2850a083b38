"""Dialogue state in Postgres when Redis is not configured; expired rows read as absent."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from core.orchestrator.dialogue import STATE_TTL, DialogueState

from .database import Sessions
from .models.orchestrator import DialogueStateRow


class PostgresDialogueStore:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    async def load(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> DialogueState | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(DialogueStateRow).where(
                    DialogueStateRow.tenant_id == tenant_id,
                    DialogueStateRow.conversation_id == conversation_id,
                    DialogueStateRow.expires_at > datetime.now(UTC),
                )
            )
        return DialogueState.from_dict(row.state) if row else None

    async def save(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, state: DialogueState
    ) -> None:
        values = {
            "conversation_id": conversation_id,
            "tenant_id": tenant_id,
            "state": state.to_dict(),
            "expires_at": datetime.now(UTC) + STATE_TTL,
        }
        statement = insert(DialogueStateRow).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=["conversation_id"],
            set_={"state": statement.excluded.state, "expires_at": statement.excluded.expires_at},
            where=DialogueStateRow.tenant_id == tenant_id,
        )
        async with self._sessions() as session:
            await session.execute(statement)
            await session.commit()

    async def reset(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        async with self._sessions() as session:
            await session.execute(
                delete(DialogueStateRow).where(
                    DialogueStateRow.tenant_id == tenant_id,
                    DialogueStateRow.conversation_id == conversation_id,
                )
            )
            await session.commit()
