"""Customer media (photos, documents, audio, video, stickers) as messaging keeps it, and the
ports that fetch it from the Cloud API, store it and turn voice notes into text."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .model import InboundMessage, InboundType

MB = 1024 * 1024
# Meta's own limits per kind (stickers: 500 KB animated); a stricter ceiling may apply on top.
LIMITS = {
    InboundType.IMAGE: 5 * MB,
    InboundType.AUDIO: 16 * MB,
    InboundType.VIDEO: 16 * MB,
    InboundType.DOCUMENT: 100 * MB,
    InboundType.STICKER: 500 * 1024,
}
MEDIA_TYPES = frozenset(LIMITS)


def media_id(message: InboundMessage) -> str:
    """The Cloud API media id a media message carries; empty for other messages."""
    if message.type not in MEDIA_TYPES:
        return ""
    body = message.payload.get(message.type.value)
    return str(body.get("id") or "") if isinstance(body, dict) else ""


@dataclass(frozen=True, slots=True)
class Download:
    mime_type: str
    content: bytes
    sha256: str  # hex, of the content as received


@dataclass(frozen=True, slots=True)
class StoredMedia:
    """A customer's media as kept: its bytes (loaded only to serve them), or why there are none."""

    tenant_id: uuid.UUID
    media_id: str
    whatsapp_message_id: str
    kind: InboundType
    mime_type: str = ""
    size_bytes: int = 0
    sha256: str = ""
    refusal: str = ""  # over the size limit, or gone from the Cloud API
    transcript: str = ""
    content: bytes | None = None
    created_at: datetime | None = None


class MediaTooLarge(Exception):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} bytes is over the limit of {limit} bytes")


class MediaGone(Exception):
    """The Cloud API no longer has the media (or never had it): asking again will not help."""


class MediaSource(Protocol):
    """The Cloud API's media endpoints. Raises MediaTooLarge (nothing past `limit` is read),
    MediaGone, or anything else when trying later may work."""

    async def fetch(self, media_id: str, limit: int) -> Download: ...


class Transcriber(Protocol):
    """Speech to text; raises when the service cannot be had right now."""

    async def transcribe(self, tenant_id: uuid.UUID, audio: bytes, mime_type: str) -> str: ...


class MediaRepository(Protocol):
    async def get(self, tenant_id: uuid.UUID, media_id: str) -> StoredMedia | None:
        """The media without its bytes."""

    async def content(self, tenant_id: uuid.UUID, media_id: str) -> StoredMedia | None:
        """The media with its bytes."""

    async def add(self, media: StoredMedia) -> None:
        """Keep it; media its tenant already keeps adds nothing."""

    async def set_transcript(
        self, tenant_id: uuid.UUID, media_id: str, transcript: str
    ) -> None: ...

    async def of_messages(self, whatsapp_message_ids: list[str]) -> dict[str, StoredMedia]:
        """The media of these messages, without bytes, by wamid (those the scope may see)."""
