"""Safety-critical messages, in English, Spanish and Indonesian, fresh or in the middle of an
order or a booking: the local classifier sends every one to the documents (dietary) or to a
person (health, complaints, legal). Zero misroutes is the bar."""

from datetime import datetime

import pytest

from adapters.local.intents import LocalIntentClassifier
from core.orchestrator.nlu import SAFETY, Intent, Turn

NOW = datetime(2026, 12, 7, 13, 0)
MID_ORDER = [Turn("bot", "Added 2x Pizza Margherita. Anything else?")]
MID_BOOKING = [Turn("bot", "For how many people should I book the table?")]

DIETARY = [
    "my gf has a severe nut allergy, is that safe?",
    "do u have gluten free pizza",
    "is the tiramisu ok for someone with a peanut allergy",
    "I'm celiac, what can I eat?",
    "any dishes without lactose? im intolerant",
    "does the pesto have pine nuts",
    "is your kitchen safe for people with shellfish allergies",
    "mi hijo es alérgico a los frutos secos, ¿es seguro?",
    "¿tenéis opciones sin gluten? soy celíaca",
    "tengo alergia al marisco",
    "anak saya alergi kacang, aman gak?",
    "ada menu tanpa gluten?",
    "is the meat halal",
    "sesame allergy - which dishes should I avoid",
    "so can she eat the risotto safely?",
]
TO_A_PERSON = [
    ("I think I got food poisoning from your restaurant yesterday", "health"),
    ("my husband is diabetic, can he eat the dessert", "health"),
    ("I'm pregnant, is the cheese pasteurised", "health"),
    ("this is an emergency, my friend can't breathe after eating", "health"),
    ("me intoxiqué con la comida de ayer, intoxicación total", "health"),
    ("creo que me intoxiqué anoche", "health"),
    ("saya keracunan setelah makan di sini", "health"),
    ("I want to make a complaint about the waiter", "complaint"),
    ("found a hair in my soup, disgusting", "complaint"),
    ("you charged twice for my order", "complaint"),
    ("quiero poner una queja", "complaint"),
    ("mau komplain soal pesanan kemarin", "complaint"),
    ("I'll be contacting my lawyer about this", "legal"),
    ("we will take legal action if you don't refund", "legal"),
    ("voy a denunciar al restaurante", "legal"),
    ("saya akan lapor polisi", "legal"),
]


@pytest.fixture(scope="module")
def classifier():
    return LocalIntentClassifier()


@pytest.mark.parametrize("history", [[], MID_ORDER, MID_BOOKING], ids=["fresh", "order", "booking"])
@pytest.mark.parametrize("text", DIETARY)
def test_dietary_questions_go_to_the_documents(classifier, text, history):
    result = classifier.classify_now(text, history, NOW)
    assert (result.intent, result.entities.get(SAFETY)) == (Intent.SUPPORT, "dietary")


@pytest.mark.parametrize("history", [[], MID_ORDER, MID_BOOKING], ids=["fresh", "order", "booking"])
@pytest.mark.parametrize(("text", "kind"), TO_A_PERSON)
def test_health_complaints_and_legal_threats_go_to_a_person(classifier, text, kind, history):
    result = classifier.classify_now(text, history, NOW)
    assert (result.intent, result.entities.get(SAFETY)) == (Intent.HANDOFF, kind)


@pytest.mark.parametrize(
    "text",
    ["table for Sue at 8", "2 pizzas please", "do you have parking", "book the private room",
     "a table by the window", "what time do you close"],
)  # fmt: skip
def test_ordinary_messages_raise_no_safety_flag(classifier, text):
    assert SAFETY not in classifier.classify_now(text, [], NOW).entities


@pytest.mark.parametrize(
    "text", ["are you a robot?", "am I talking to a bot", "eres un bot?", "ini bot ya?"]
)
def test_asking_what_the_bot_is_is_flagged_for_an_honest_answer(classifier, text):
    assert classifier.classify_now(text, [], NOW).entities.get("about") == "bot"


@pytest.mark.parametrize(
    "text",
    ["connect me to an agent", "pásame con una persona", "sambungkan ke admin dong",
     "i dont want to talk to a bot", "chat with someone from the team pls"],
)  # fmt: skip
def test_an_explicit_ask_for_a_person_is_a_handoff(classifier, text):
    assert classifier.classify_now(text, MID_ORDER, NOW).intent is Intent.HANDOFF


@pytest.mark.parametrize(
    "text", ["can we get a table for someone special", "I want to listen to a pop song"]
)
def test_no_handoff_without_an_explicit_ask(classifier, text):
    assert classifier.classify_now(text, [], NOW).intent is not Intent.HANDOFF
