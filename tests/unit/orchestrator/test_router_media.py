"""Photos, documents, voice notes and stickers: read by their caption or transcript, else
answered honestly, and handed to a person when the customer keeps sending what the bot
cannot read."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from core.messaging.model import InboundType
from core.orchestrator import replies
from core.orchestrator.model import CustomerMessage
from core.orchestrator.nlu import Intent
from core.orchestrator.router import Router

from .conftest import send_with


class KnownLanguages:
    """Names the language of the texts it was told, nothing else."""

    def __init__(self, **languages: str) -> None:
        self._languages = {text.replace("_", " "): code for text, code in languages.items()}

    def detect(self, text: str) -> str | None:
        return self._languages.get(text)


async def test_a_caption_is_read_as_the_customers_text(say, parts):
    parts["classifier"].on("do you have parking", Intent.SUPPORT)
    outcome = await say("do you have parking", kind=InboundType.IMAGE)
    assert outcome.reply.text == replies.NOT_IN_DOCUMENTS


async def test_a_transcribed_voice_note_is_read_as_text(say, parts):
    parts["classifier"].on("let me talk to a person", Intent.HANDOFF)
    outcome = await say("let me talk to a person", kind=InboundType.AUDIO)
    assert outcome.reply.text == replies.HANDOFF_STARTED


async def test_a_photo_without_caption_gets_an_honest_reply_in_the_customers_language(parts):
    say = send_with(Router(**parts, languages=KnownLanguages(muchas_gracias_por_todo="es")))
    parts["classifier"].on("hola", Intent.GREETING)
    await say("hola")
    assert (await say("", kind=InboundType.IMAGE)).reply.text == replies.say("media_image")
    parts["classifier"].on("muchas gracias por todo", Intent.THANKS)
    await say("muchas gracias por todo")
    outcome = await say("", kind=InboundType.DOCUMENT)
    assert outcome.reply.text == replies.say("media_document", "es")
    assert not parts["conversations"].handoffs


async def test_a_second_unreadable_media_in_a_row_goes_to_a_person(say, parts):
    await say("", kind=InboundType.AUDIO)
    outcome = await say("", kind=InboundType.DOCUMENT)
    assert outcome.reply.text == replies.HANDOFF_STARTED
    assert parts["conversations"].handoffs == ["document the bot cannot read, twice in a row"]
    assert (await say("", kind=InboundType.IMAGE)).reply is None  # staff have it now


async def test_text_between_two_photos_starts_the_count_again(say, parts):
    parts["classifier"].on("thanks", Intent.THANKS)
    await say("", kind=InboundType.IMAGE)
    await say("thanks")
    assert (await say("", kind=InboundType.IMAGE)).reply.text == replies.say("media_image")
    assert not parts["conversations"].handoffs


async def test_stickers_never_hand_off(say, parts):
    for _ in range(3):
        outcome = await say("", kind=InboundType.STICKER)
        assert outcome.reply.text == replies.say("media_sticker")
    assert not parts["conversations"].handoffs


def test_the_conversation_keeps_the_media_id_and_what_a_reaction_is_about():
    photo = CustomerMessage(
        uuid.uuid4(), uuid.uuid4(), "+34600", "Ana", InboundType.IMAGE, "", "wamid.1",
        datetime.now(UTC), media_id="1479537139650973",
    )  # fmt: skip
    assert photo.metadata() == {"media_id": "1479537139650973"}
    reaction = replace(photo, type=InboundType.REACTION, media_id="", context_message_id="wamid.0")
    assert reaction.metadata() == {"reaction_to": "wamid.0"}
    edit = replace(reaction, type=InboundType.EDIT)
    assert edit.metadata() == {"edit_of": "wamid.0"}
    assert replace(photo, type=InboundType.TEXT, media_id="").metadata() == {}


async def test_edits_and_revokes_are_never_answered(say):
    assert (await say("table for 5", kind=InboundType.EDIT)).reply is None
    assert (await say("", kind=InboundType.REVOKE)).reply is None
