"""The local answer writer quotes what answers the question, and admits when nothing does."""

import uuid

from adapters.local.answers import ExtractiveAnswerWriter
from core.orchestrator.nlu import Passage

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
