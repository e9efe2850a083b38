"""The Cloud API stand-in's media endpoints over real HTTP, as Meta answers them, and the
OpenAI transcription adapter against a local server speaking OpenAI's wire format."""

import hashlib
import uuid

import httpx
import pytest

from adapters.local.cloud_api_standin import running_standin
from adapters.openai.client import OpenAIGateway, build_client
from adapters.openai.transcription import OpenAITranscriber
from core.shared.errors import Unavailable
from tests.openai_server import running_openai_server

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def cloud():
    async with running_standin(token=TOKEN) as (base_url, _):
        async with httpx.AsyncClient(base_url=base_url) as client:
            yield client


async def test_an_upload_is_described_then_downloaded(cloud):
    photo = b"\xff\xd8 a photo" * 100_000  # past aiohttp's 1 MB form limit
    files = {"file": ("photo.jpg", photo, "image/jpeg")}
    data = {"messaging_product": "whatsapp", "type": "image/jpeg"}
    uploaded = await cloud.post(
        "/v21.0/100000000000001/media", files=files, data=data, headers=AUTH
    )
    media_id = uploaded.json()["id"]
    assert media_id.isdigit() and len(media_id) == 16
    info = (await cloud.get(f"/v21.0/{media_id}", headers=AUTH)).json()
    assert info["mime_type"] == "image/jpeg" and info["file_size"] == len(photo)
    assert info["sha256"] == hashlib.sha256(photo).hexdigest()
    assert info["messaging_product"] == "whatsapp" and info["id"] == media_id
    download = await cloud.get(info["url"], headers=AUTH)
    assert download.content == photo and download.headers["Content-Type"] == "image/jpeg"


async def test_media_wants_the_token_and_a_known_id(cloud):
    media_id = (
        await cloud.post("/_standin/media", content=b"ogg", headers={"Content-Type": "audio/ogg"})
    ).json()["id"]
    assert (await cloud.get(f"/v21.0/{media_id}")).status_code == 401
    assert (await cloud.get(f"/_standin/media/{media_id}")).status_code == 401
    unknown = await cloud.get("/v21.0/1234567890123456", headers=AUTH)
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == 100
    no_file = await cloud.post("/v21.0/1/media", files={"other": ("x", b"x")}, headers=AUTH)
    assert no_file.status_code == 400


async def test_planned_failures_come_before_the_answer(cloud):
    media_id = (
        await cloud.post("/_standin/media", content=b"x", headers={"Content-Type": "image/png"})
    ).json()["id"]
    await cloud.post("/_standin/media/fail", json={"status": 500, "count": 1})
    assert (await cloud.get(f"/v21.0/{media_id}", headers=AUTH)).status_code == 500
    assert (await cloud.get(f"/v21.0/{media_id}", headers=AUTH)).status_code == 200


class NoUsage:
    async def record(self, usage) -> None:
        pass


async def test_transcription_speaks_openais_wire_format_and_an_outage_is_unavailable():
    async with running_openai_server() as (url, state):
        client = build_client("sk-test", base_url=url)
        transcriber = OpenAITranscriber(
            OpenAIGateway(client, NoUsage(), attempts=2, base_delay=0.001)
        )
        text = await transcriber.transcribe(
            uuid.uuid4(), "¿Abrís el domingo?".encode(), "audio/mpeg"
        )
        assert text == "¿Abrís el domingo?"
        [request] = state.bodies("/v1/audio/transcriptions")
        assert request == {
            "model": "gpt-4o-mini-transcribe",
            "filename": "voice.mp3",
            "type": "audio/mpeg",
        }
        state.fail_next(500, count=2)
        with pytest.raises(Unavailable):
            await transcriber.transcribe(uuid.uuid4(), b"hello", "audio/ogg")
        await client.close()
