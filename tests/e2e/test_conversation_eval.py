"""The conversation evaluation (`make eval`, part "conversations") end to end: a few of its
scripted conversations through the real mesh and the same runner, and a wrong expectation of
each kind caught."""

import pytest

from services.tools import eval_conversations as ev

# A booking with an informal time (booked: checks the booking over REST), a hand-off in
# Spanish (language and handoff), and answers from the documents.
CHOSEN = ("book-tmrw-9ish", "es-persona", "delivery-fee-accessibility")


@pytest.fixture(scope="module")
async def target(pg_server_url):
    async with ev.eval_mesh(pg_server_url) as started:
        yield started


@pytest.fixture(scope="module")
def checker():
    return ev.Checker(ev.LinguaDetector())


def by_name(name: str) -> ev.Conversation:
    (conversation,) = [c for c in ev.load_conversations() if c.name == name]
    return conversation


@pytest.mark.parametrize("name", CHOSEN)
async def test_a_scripted_conversation_passes_through_the_mesh(target, checker, name):
    (result,) = await ev.run_all(target, [by_name(name)], checker=checker)
    assert result.checked == len(result.conversation.turns) > 0
    failures = [(t.turn, t.customer, t.reply, t.failed) for t in result.turns if t.failed]
    assert result.ok, failures
    assert all(t.reply and t.reply != ev.NO_REPLY for t in result.turns)


async def test_wrong_expectations_fail_and_say_which_check(target, checker):
    wrong = ev.Conversation(
        "wrong-on-purpose",
        "en",
        (
            ev.Turn("Book a table for 2 tomorrow at 1pm", expect={"booked": True}),
            ev.Turn("yes", expect={"booked": {"people": 3, "at": "13:00"}, "handoff": True}),
            # Sundays close at 22:00; the right answer must not satisfy a wrong fact
            ev.Turn("what time do u close on sundays", expect={"any": ["23:00"]}),
            ev.Turn("thanks", expect={"language": "es", "none": ["welcome"]}),
            ev.Turn("ok thanks", expect={"silent": True}),
        ),
        customer="44698000001",
    )
    (result,) = await ev.run_all(target, [wrong], checker=checker)
    failed = {t.turn: " | ".join(t.failed) for t in result.turns}
    assert failed[1] == "booked: no booking", failed  # proposed, not yet booked
    assert "booked: has 2p" in failed[2] and "handoff: False, wanted True" in failed[2], failed
    assert failed[3].startswith("any: none of"), failed
    assert "language: en, wanted es" in failed[4] and "none: has" in failed[4], failed
    assert failed[5] == "silent: the bot replied", failed
    assert result.passed == 0 and result.checked == 5
    figures = ev.figures_of([result], {})
    assert figures["replies_passed"] == 0 and len(figures["failures"]) == 5


def test_echoed_words_prove_nothing():
    said = ev._fold("and a kids menu?")
    reply = ev._fold("Sorry, I couldn't find 'kids menu' on our menu. What time would you like?")
    told = ev._without_echoes(reply, said)
    assert not ev._has(told, "kids menu") and ev._has(reply, "kids menu")
    assert not ev._has(reply, "tim") and ev._has(ev._fold("Order #1001 is placed"), "Order #")
