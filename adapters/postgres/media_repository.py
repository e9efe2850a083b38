"""Customer media in messaging.media: bytes with their MIME type, size and digest, per tenant."""

import uuid

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from core.messaging.media import StoredMedia
from core.messaging.model import InboundType

from .models.messaging_media import MediaRow


def _media(row: MediaRow, with_content: bool = False) -> StoredMedia:
    return StoredMedia(
        tenant_id=row.tenant_id,
        media_id=row.media_id,
        whatsapp_message_id=row.whatsapp_message_id,
        kind=InboundType(row.kind),
        mime_type=row.mime_type,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        refusal=row.refusal or "",
        transcript=row.transcript or "",
        content=row.content if with_content else None,
        created_at=row.created_at,
    )


class SqlAlchemyMediaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _one(self, tenant_id: uuid.UUID, media_id: str):
        return select(MediaRow).where(
            MediaRow.tenant_id == tenant_id, MediaRow.media_id == media_id
        )

    async def get(self, tenant_id: uuid.UUID, media_id: str) -> StoredMedia | None:
        row = await self._session.scalar(self._one(tenant_id, media_id))
        return _media(row) if row else None

    async def content(self, tenant_id: uuid.UUID, media_id: str) -> StoredMedia | None:
        row = await self._session.scalar(
            self._one(tenant_id, media_id).options(undefer(MediaRow.content))
        )
        return _media(row, with_content=True) if row else None

    async def add(self, media: StoredMedia) -> None:
        row = {
            "tenant_id": media.tenant_id,
            "media_id": media.media_id,
            "whatsapp_message_id": media.whatsapp_message_id,
            "kind": media.kind.value,
            "mime_type": media.mime_type,
            "size_bytes": media.size_bytes,
            "sha256": media.sha256,
            "content": media.content,
            "refusal": media.refusal or None,
            "transcript": media.transcript or None,
        }
        await self._session.execute(insert(MediaRow).values(row).on_conflict_do_nothing())

    async def set_transcript(self, tenant_id: uuid.UUID, media_id: str, transcript: str) -> None:
        await self._session.execute(
            update(MediaRow)
            .where(MediaRow.tenant_id == tenant_id, MediaRow.media_id == media_id)
            .values(transcript=transcript)
        )

    async def of_messages(self, whatsapp_message_ids: list[str]) -> dict[str, StoredMedia]:
        if not whatsapp_message_ids:
            return {}
        rows = await self._session.scalars(
            select(MediaRow).where(MediaRow.whatsapp_message_id.in_(whatsapp_message_ids))
        )
        return {row.whatsapp_message_id: _media(row) for row in rows}
