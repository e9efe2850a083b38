"""`make chat`'s commands against the Cloud API stand-in: what they send reads, at the webhook,
as the location or photo a phone would have sent."""

import httpx
import pytest

from adapters.local.cloud_api_standin import running_standin
from adapters.whatsapp.media import CloudApiMedia
from adapters.whatsapp.webhook import parse_webhook
from core.messaging.media import media_id
from core.messaging.model import InboundType
from services.chat_commands import CommandError, command_update
from services.settings import Settings

TOKEN = "chat-token"


@pytest.fixture
async def chat():
    async with running_standin(token=TOKEN) as (base_url, _):
        settings = Settings(whatsapp_api_base_url=base_url, whatsapp_token=TOKEN)
        async with httpx.AsyncClient() as http:

            async def send(line: str):
                update = await command_update(line, settings, http, "34600123456", "Alex")
                [message] = parse_webhook(httpx.Request("POST", "/", json=update).content).messages
                return message

            yield send, base_url


async def test_a_location_with_a_place_name(chat):
    send, _ = chat
    message = await send("/location 40.4168 -3.7038 Puerta del Sol")
    assert message.type is InboundType.LOCATION
    assert message.text == "Puerta del Sol (40.41680, -3.70380)"


async def test_an_image_is_uploaded_then_sent_with_its_caption(chat, tmp_path):
    send, base_url = chat
    photo = tmp_path / "paella.jpg"
    photo.write_bytes(b"\xff\xd8 paella")
    message = await send(f"/image {photo} Is this the paella for two?")
    assert (message.type, message.text) == (InboundType.IMAGE, "Is this the paella for two?")
    source = CloudApiMedia(base_url=base_url, version="v21.0", token=TOKEN)
    got = await source.fetch(media_id(message), 10_000)
    await source.aclose()
    assert (got.content, got.mime_type) == (b"\xff\xd8 paella", "image/jpeg")


@pytest.mark.parametrize(
    "line", ["/location 91 0", "/location here", "/image /no/such/file.jpg", "/sticker x"]
)
async def test_a_command_that_cannot_be_sent_says_why(chat, line):
    with pytest.raises(CommandError):
        await chat[0](line)
