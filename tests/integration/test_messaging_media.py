"""Customer media through the inbox worker: fetched from the Cloud API stand-in over real
HTTP, kept in Postgres within the size limits, voice notes transcribed by OpenAI's wire
format, and retried when the Cloud API fails."""

import asyncio
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from adapters.local.cloud_api_standin import running_standin
from adapters.openai.client import OpenAIGateway, build_client
from adapters.openai.transcription import OpenAITranscriber
from adapters.whatsapp.media import CloudApiMedia
from core.messaging.handlers import InboxWorker
from core.messaging.media_intake import MediaIntake
from core.messaging.model import InboundMessage, InboundType
from core.messaging.queue import ProcessingStatus
from core.shared.backoff import Backoff
from core.shared.paging import PageQuery
from tests.openai_server import running_openai_server

from .test_messaging_workers import OUTLET, Directory, Replies, inbox_item, store, work_all

TOKEN = "test-token"
PHOTO = b"\xff\xd8\xff\xe0 a small JPEG"


class NoUsage:
    async def record(self, usage) -> None:
        pass


@pytest.fixture
async def standin():
    async with running_standin(token=TOKEN) as (base_url, _):
        async with httpx.AsyncClient(base_url=base_url) as control:
            yield base_url, control


@pytest.fixture
async def media_source(standin):
    source = CloudApiMedia(base_url=standin[0], version="v21.0", token=TOKEN)
    yield source
    await source.aclose()


async def put(control: httpx.AsyncClient, content: bytes, mime_type: str) -> str:
    answer = await control.post(
        "/_standin/media", content=content, headers={"Content-Type": mime_type}
    )
    return answer.json()["id"]


def media_message(wamid: str, kind: str, media_id: str, caption: str = "") -> InboundMessage:
    body = {"id": media_id, "mime_type": "image/jpeg", **({"caption": caption} if caption else {})}
    return InboundMessage(
        wamid, "1001", "34600000001", InboundType(kind), datetime.now(UTC), text=caption,
        payload={"type": kind, kind: body},
    )  # fmt: skip


def media_worker(messaging_uow, source, replies, ceiling=10**8, transcriber=None, backoff_ms=10):
    return InboxWorker(
        messaging_uow,
        Directory(),
        replies,
        on_enqueued=lambda: None,
        lease=timedelta(seconds=30),
        backoff=Backoff(base=timedelta(milliseconds=backoff_ms)),
        media=MediaIntake(messaging_uow, source, ceiling, transcriber),
    )


async def kept(messaging_uow, media_id: str):
    async with messaging_uow() as uow:
        return await uow.media.content(OUTLET.tenant_id, media_id)


async def test_a_photo_is_downloaded_and_kept_with_its_type_size_and_digest(
    messaging_uow, standin, media_source
):
    media_id = await put(standin[1], PHOTO, "image/jpeg")
    replies = Replies()
    await store(
        messaging_uow, media_message("w1", "image", media_id, caption="Is this on the menu?")
    )
    await work_all(media_worker(messaging_uow, media_source, replies))
    media = await kept(messaging_uow, media_id)
    assert (media.content, media.mime_type, media.size_bytes) == (PHOTO, "image/jpeg", len(PHOTO))
    assert media.sha256 == hashlib.sha256(PHOTO).hexdigest() and media.refusal == ""
    assert media.whatsapp_message_id == "w1" and media.kind is InboundType.IMAGE
    assert replies.asked == ["w1"]
    async with messaging_uow() as uow:
        assert (await uow.media.of_messages(["w1"]))["w1"].content is None  # listed without bytes


async def test_media_over_the_ceiling_is_refused_with_the_reason_and_still_answered(
    messaging_uow, standin, media_source
):
    media_id = await put(standin[1], b"x" * 2048, "application/pdf")
    replies = Replies()
    await store(messaging_uow, media_message("w1", "document", media_id))
    await work_all(media_worker(messaging_uow, media_source, replies, ceiling=1024))
    media = await kept(messaging_uow, media_id)
    assert media.content is None
    assert media.refusal == "document: 2048 bytes is over the limit of 1024 bytes"
    assert (await inbox_item(messaging_uow, "w1")).status is ProcessingStatus.DONE
    assert replies.asked == ["w1"]


async def test_media_the_cloud_api_does_not_have_is_kept_as_gone(messaging_uow, media_source):
    await store(messaging_uow, media_message("w1", "image", "4040404040404040"))
    await work_all(media_worker(messaging_uow, media_source, Replies()))
    media = await kept(messaging_uow, "4040404040404040")
    assert "has no media 4040404040404040" in media.refusal


async def test_a_failing_cloud_api_is_retried_like_other_inbox_work(
    messaging_uow, standin, media_source
):
    media_id = await put(standin[1], PHOTO, "image/jpeg")
    await standin[1].post("/_standin/media/fail", json={"status": 503, "count": 1})
    replies = Replies()
    await store(messaging_uow, media_message("w1", "image", media_id))
    w = media_worker(messaging_uow, media_source, replies, backoff_ms=500)
    await work_all(w)
    item = await inbox_item(messaging_uow, "w1")
    assert item.status is ProcessingStatus.FAILED and "503" in item.last_error
    assert replies.asked == [] and await kept(messaging_uow, media_id) is None
    await asyncio.sleep(0.55)
    await work_all(w)
    assert (await inbox_item(messaging_uow, "w1")).status is ProcessingStatus.DONE
    assert (await kept(messaging_uow, media_id)).content == PHOTO


async def test_a_voice_note_reaches_the_bot_as_its_transcript(messaging_uow, standin, media_source):
    speech = "I'd like a table for two tonight"
    media_id = await put(standin[1], speech.encode(), "audio/ogg; codecs=opus")
    replies = Replies()
    async with running_openai_server() as (openai_url, openai_state):
        client = build_client("sk-test", base_url=openai_url)
        transcriber = OpenAITranscriber(OpenAIGateway(client, NoUsage()), "whisper-1")
        note = replace(media_message("w1", "audio", media_id), payload={"audio": {"id": media_id}})
        await store(messaging_uow, note)
        w = media_worker(messaging_uow, media_source, replies, transcriber=transcriber)
        await work_all(w)
        await client.close()
    [request] = openai_state.bodies("/v1/audio/transcriptions")
    assert (request["model"], request["filename"], request["type"]) == (
        "whisper-1", "voice.ogg", "audio/ogg",
    )  # fmt: skip
    assert (await kept(messaging_uow, media_id)).transcript == speech
    async with messaging_uow() as uow:
        page = await uow.outbox.list(None, PageQuery(), "")
    assert [m.piece.body for m in page.items] == [f"echo: {speech}"]
