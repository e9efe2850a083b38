"""The local answer writer quotes what answers the question, and admits when nothing does."""

import uuid
from pathlib import Path

import numpy as np
import pytest

from adapters.extraction.text import DocumentTextExtractor
from adapters.local.answers import ExtractiveAnswerWriter, default_encoder
from adapters.local.answers_lexicon import to_english, when
from adapters.local.minilm import DEFAULT_MODEL_DIR, MiniLmEmbedder
from core.knowledge.chunking import chunk
from core.orchestrator.nlu import Passage
from services.demo.knowledge import DOCUMENTS

HOURS = Passage(
    "## Opening hours\nMonday to Friday: 12:00 to 23:00.\nSaturday and Sunday: 10:00 to 23:30. "
    "The kitchen closes 30 minutes earlier.",
    0.8,
)
ALLERGENS = Passage(
    "Allergens: every dish on the menu lists its allergens. Ask us for the gluten-free menu.", 0.6
)


async def answer(question: str, *passages: Passage):
    return await ExtractiveAnswerWriter().answer(uuid.uuid4(), question, passages, {})


async def test_quotes_the_sentence_that_answers():
    result = await answer("What time do you open on Sunday?", HOURS, ALLERGENS)
    assert result.grounded and result.used == (0,)
    assert "Saturday and Sunday: 10:00 to 23:30" in result.text
    assert "Monday" not in result.text


async def test_tolerates_typos_and_word_forms():
    result = await answer("do you have a gluten free menu? alergens?", HOURS, ALLERGENS)
    assert result.grounded and "gluten-free" in result.text and result.used == (1,)


async def test_says_no_when_the_passages_do_not_answer():
    result = await answer("Is there parking nearby?", HOURS, ALLERGENS)
    assert not result.grounded and result.text == ""


async def test_no_passages_no_answer():
    assert not (await answer("When do you open?")).grounded


# The demo restaurant's documents, through the real extractor and chunker; the passages a
# question gets are the chunks MiniLM ranks nearest, as dense retrieval would return them.
TOP_K = 5


@pytest.fixture(scope="module")
def model_dir() -> Path:
    if not (DEFAULT_MODEL_DIR / "model.safetensors").exists():
        pytest.fail(f"no model in {DEFAULT_MODEL_DIR}: run `make models`")
    return DEFAULT_MODEL_DIR


@pytest.fixture(scope="module")
async def demo(model_dir):
    extractor, embedder = DocumentTextExtractor(), MiniLmEmbedder(model_dir)
    chunks = []
    for path in sorted(DOCUMENTS.iterdir()):
        text = await extractor.extract(path.read_bytes(), path.suffix.lstrip("."))
        chunks += [(path.name, piece) for piece in chunk(text, path.suffix.lstrip("."))]
    vectors = embedder.encode([piece.contextual for _, piece in chunks])
    writers = {"meaning": ExtractiveAnswerWriter(), "words": ExtractiveAnswerWriter(encoder=None)}

    async def ask(question: str, search: str | None = None, writer: str = "meaning"):
        near = vectors @ embedder.encode([search or question])[0]
        passages = [
            Passage(piece.text, float(near[i]), filename=name, heading=piece.heading)
            for i, (name, piece) in ((i, chunks[i]) for i in np.argsort(-near)[:TOP_K])
        ]
        return await writers[writer].answer(uuid.uuid4(), question, passages, {})

    return ask


@pytest.mark.parametrize(
    ("question", "expected", "not_expected"),
    [
        ("what time do u close on sunday?", "Sunday: 10:00 to 22:00", "December"),
        ("when do you open on wednesday", "Monday to Thursday: 12:00 to 23:00", "Friday"),
        ("saturday hours?", "Saturday: 10:00 to 00:00", "Sunday"),
    ],
)
async def test_a_question_about_a_day_gets_that_days_line(demo, question, expected, not_expected):
    result = await demo(question)
    assert result.grounded and expected in result.text and not_expected not in result.text


@pytest.mark.parametrize("question", ["whats ur address", "where are you located?"])
async def test_the_address_is_found_though_no_word_is_shared(demo, question):
    result = await demo(question)
    assert result.grounded and "Calle del Ejemplo 12, 28004 Madrid" in result.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("are you open on christmas day?", "except 25 December"),
        ("open on xmas?", "except 25 December"),
        ("what time do you close on christmas eve", "On 24 and 31 December we close at 18:00"),
        ("are you open on new year's day?", "25 December and 1 January"),
    ],
)
async def test_holidays_are_read_as_the_dates_documents_print(demo, question, expected):
    result = await demo(question)
    assert result.grounded and expected in result.text


async def test_a_pdf_heading_is_not_quoted_as_part_of_the_answer(demo):
    result = await demo("do you host weddings")
    assert result.grounded and result.text.startswith("Demo Bistro hosts birthdays")
    assert "group menus" not in result.text.lower()


UNANSWERED = ["do you sell car insurance", "who won the match", "siapa yang menang tadi malam"]
# Half their words are in some sentence ("serve it with candles"): only meaning refuses them.
HALF_MATCHED = ["do you serve sushi", "can I smoke inside", "do you have a michelin star"]


@pytest.mark.parametrize("question", UNANSWERED + HALF_MATCHED)
async def test_questions_the_documents_do_not_answer_are_refused(demo, question):
    result = await demo(question)
    assert not result.grounded and result.text == ""


@pytest.mark.parametrize("question", UNANSWERED)
async def test_words_alone_refuse_them_too(demo, question):
    assert not (await demo(question, writer="words")).grounded


async def test_meaning_answers_where_words_alone_do_not(demo):
    question = "which metro station is closest"
    assert not (await demo(question, writer="words")).grounded
    result = await demo(question)
    assert result.grounded and "Metro: Sol" in result.text


async def test_without_the_model_words_alone_still_answer(demo, tmp_path):
    assert ExtractiveAnswerWriter(default_encoder(tmp_path))._encoder is None
    result = await demo("can I pay by card?", writer="words")
    assert result.grounded and "all major cards" in result.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("¿a qué hora cierran el domingo?", "Sunday: 10:00 to 22:00"),
        ("¿cuál es la dirección?", "Calle del Ejemplo 12"),
        ("¿puedo pagar con tarjeta?", "all major cards"),
        ("¿abren en navidad?", "25 December"),
        ("jam buka hari minggu?", "Sunday: 10:00 to 22:00"),
        ("alamatnya di mana?", "Calle del Ejemplo 12"),
        ("bisa bayar pakai kartu?", "all major cards"),
        ("apakah buka saat natal?", "25 December"),
    ],
)
async def test_spanish_and_indonesian_questions_read_english_documents(demo, question, expected):
    """The writer reads the question in the documents' words; retrieval needs the same
    (searching with to_english(question)), as the English-only MiniLM misses these."""
    result = await demo(question, search=to_english(question))
    assert result.grounded and expected in result.text


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Monday to Thursday: 12:00 to 23:00.", {"monday", "tuesday", "wednesday", "thursday"}),
        ("Fri-Sun brunch", {"friday", "saturday", "sunday"}),
        ("On 24 and 31 December we close at 18:00.", {"24 december", "31 december"}),
        ("open on weekends", {"saturday", "sunday"}),
        (to_english("¿abren el 25 de diciembre o en Nochevieja?"), {"25 december", "31 december"}),
    ],
)
def test_the_days_a_sentence_is_about(text, days):
    assert when(text) == days
