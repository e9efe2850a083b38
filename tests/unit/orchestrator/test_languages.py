"""The bot answers in the customer's language: detected per message with lingua, kept while
messages are too short to tell, the business's own language before anything is clear."""

import pytest

from adapters.local.language_id import LinguaDetector
from core.orchestrator import replies
from core.orchestrator.nlu import Intent
from core.orchestrator.router import Router


@pytest.fixture(scope="module")
def detector():
    return LinguaDetector()


@pytest.mark.parametrize(
    ("text", "language"),
    [("¿A qué hora abren el sábado?", "es"), ("quiero una mesa para dos esta noche", "es"),
     ("ambil sendiri", "id"), ("mau pesan nasi goreng 2", "id"), ("makasih", "id"),
     ("do u have vegan options?", "en"), ("thanks a lot", "en"), ("gracias", "es"),
     # Too short for lingua alone: told by a word only one language has.
     ("eres un bot?", "es"), ("kamu robot ya?", "id"),
     # English around Spanish dish names is English.
     ("1 croquetas and 1 burrata pls", "en"), ("ok, quiero 2 pizzas and una coca", "es")],
)  # fmt: skip
def test_clear_messages_are_read_in_their_language(detector, text, language):
    assert detector.detect(text) == language


@pytest.mark.parametrize("text", ["ok", "si", "hola", "7"])
def test_a_message_too_short_to_tell_names_no_language(detector, text):
    assert detector.detect(text) is None


@pytest.fixture
def say_in(parts, detector):
    from .conftest import send_with

    return send_with(Router(**parts, languages=detector))


async def test_the_router_answers_in_the_language_the_customer_writes(say_in, parts):
    classifier = parts["classifier"]
    classifier.on("muchas gracias por todo", Intent.THANKS)
    classifier.on("ok", Intent.THANKS)
    classifier.on("terima kasih banyak ya kak", Intent.THANKS)
    classifier.on("do you have parking", Intent.SUPPORT)
    assert (await say_in("muchas gracias por todo")).reply.text == replies.say("thanks", "es")
    assert (await say_in("ok")).reply.text == replies.say("thanks", "es")  # unclear: kept
    assert (await say_in("terima kasih banyak ya kak")).reply.text == replies.say("thanks", "id")
    offer = await say_in("do you have parking")
    assert offer.reply.text == replies.NOT_IN_DOCUMENTS
    assert [o.title for o in offer.reply.options] == ["Yes, please", "No, thanks"]


def test_every_catalog_says_every_phrase():
    english = set(replies.CATALOGS["en"])
    assert all(set(catalog) == english for catalog in replies.CATALOGS.values())


async def test_local_search_puts_spanish_and_indonesian_questions_into_english():
    from adapters.local.answers_lexicon import EnglishQueries

    class Seen:
        queries: list[str] = []

        async def search(self, tenant_id, outlet_id, query, top_k):
            self.queries.append(query)
            return []

    inner = Seen()
    search = EnglishQueries(inner)
    for question in ("¿A qué hora abren el sábado?", "jam buka hari minggu", "where are you"):
        await search.search(None, None, question, 5)
    assert "saturday" in inner.queries[0] and "sunday" in inner.queries[1]
    assert inner.queries[2] == "where are you"


async def test_the_agents_are_told_the_language_the_customer_writes(say_in, parts):
    parts["classifier"].on("quiero reservar una mesa para esta noche", Intent.BOOKING_NEW)
    await say_in("quiero reservar una mesa para esta noche")
    (turn,) = parts["agents"]["booking"].turns
    assert turn.language == "es"


async def test_a_short_answer_mid_task_keeps_the_language(say_in, parts):
    """An English customer who gives a Spanish street is still answered in English; a whole
    sentence in Spanish switches."""
    classifier = parts["classifier"]
    classifier.on("I'd like two pizzas delivered please", Intent.ORDER_ADD)
    classifier.on("Calle de Alcalá 95", Intent.OUT_OF_SCOPE)
    classifier.on("mejor lo recojo yo en el local, gracias", Intent.OUT_OF_SCOPE)
    await say_in("I'd like two pizzas delivered please")
    await say_in("Calle de Alcalá 95")
    order_turns = parts["agents"]["order"].turns
    assert [t.language for t in order_turns] == ["en", "en"]
    await say_in("mejor lo recojo yo en el local, gracias")
    assert order_turns[-1].language == "es"
