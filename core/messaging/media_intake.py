"""The inbox worker's media step: download a customer's media once, keep it, transcribe voice."""

import asyncio
import dataclasses
import logging
from collections.abc import Callable

from core.shared.scope import acting_for

from .media import LIMITS, MediaGone, MediaSource, MediaTooLarge, StoredMedia, Transcriber, media_id
from .model import InboundMessage, InboundType
from .ports import MessagingUnitOfWork
from .queue import OutletRef

log = logging.getLogger(__name__)

INBOX = "inbox"


class MediaIntake:
    """Keeps each media message's bytes in messaging's store before the bot reads the message.

    Media over its kind's limit (or `ceiling`, when lower) or gone from the Cloud API is kept
    as a refusal with its reason; a Cloud API that fails otherwise raises, and the inbox item
    is retried (what was already stored is not fetched again). With a transcriber, audio is
    transcribed and the transcript becomes the message's text. A file is held in memory
    while it is fetched and stored, so at most `downloads` are fetched at once.
    """

    def __init__(
        self,
        uow: Callable[[], MessagingUnitOfWork],
        source: MediaSource,
        ceiling: int,
        transcriber: Transcriber | None = None,
        downloads: int = 4,
    ) -> None:
        self._uow = uow
        self._downloads = asyncio.Semaphore(downloads)
        self._source = source
        self._ceiling = ceiling
        self._transcriber = transcriber

    async def take(self, message: InboundMessage, outlet: OutletRef) -> InboundMessage:
        """The message as the bot should read it: a voice note's transcript as its text."""
        ident = media_id(message)
        if not ident:
            return message
        with acting_for(outlet.tenant_id, INBOX):
            async with self._uow() as uow:
                stored = await uow.media.get(outlet.tenant_id, ident)
            if stored is None:
                async with self._downloads:
                    stored = await self._download(message, ident, outlet)
            transcript = await self._transcript(stored)
        if transcript and not message.text:
            return dataclasses.replace(message, text=transcript)
        return message

    async def _download(
        self, message: InboundMessage, ident: str, outlet: OutletRef
    ) -> StoredMedia:
        limit = min(LIMITS[message.type], self._ceiling)
        base = StoredMedia(outlet.tenant_id, ident, message.whatsapp_message_id, message.type)
        try:
            got = await self._source.fetch(ident, limit)
        except (MediaTooLarge, MediaGone) as refused:
            log.info("media %s of %s not kept: %s", ident, message.whatsapp_message_id, refused)
            stored = dataclasses.replace(base, refusal=f"{message.type.value}: {refused}")
        else:
            stored = dataclasses.replace(
                base, mime_type=got.mime_type, size_bytes=len(got.content), sha256=got.sha256,
                content=got.content,
            )  # fmt: skip
        async with self._uow() as uow:
            await uow.media.add(stored)
            await uow.commit()
        return stored

    async def _transcript(self, stored: StoredMedia) -> str:
        if stored.transcript or self._transcriber is None or stored.refusal:
            return stored.transcript
        if stored.kind is not InboundType.AUDIO:
            return ""
        async with self._uow() as uow:
            audio = await uow.media.content(stored.tenant_id, stored.media_id)
        if audio is None or audio.content is None:
            return ""
        text = (
            await self._transcriber.transcribe(stored.tenant_id, audio.content, audio.mime_type)
        ).strip()
        async with self._uow() as uow:
            await uow.media.set_transcript(stored.tenant_id, stored.media_id, text)
            await uow.commit()
        return text
