"""The OpenAI adapters with the real SDK against a local server that speaks OpenAI's REST API."""

import asyncio
import math
import time
import uuid
from datetime import datetime

import pytest

from adapters.openai.answers import OpenAIAnswerWriter
from adapters.openai.breaker import CircuitBreaker
from adapters.openai.client import OpenAIGateway, build_client
from adapters.openai.embeddings import OpenAIEmbedder
from adapters.openai.intents import OpenAIIntentClassifier
from core.orchestrator.nlu import Classification, Intent, Passage, Turn, Usage, Vocabulary
from core.shared.errors import Unavailable
from tests.openai_server import running_openai_server

TENANT = uuid.UUID("00000000-0000-4000-8000-000000000001")
OTHER_TENANT = uuid.UUID("00000000-0000-4000-8000-000000000002")
NOW = datetime(2025, 3, 14, 18, 30)  # a Friday
CHAT = "/v1/chat/completions"
PASSAGES = [
    Passage("We are open Monday to Saturday from 12:00 to 23:00; closed on Sundays.", 0.8),
    Passage("Free parking is available behind the restaurant.", 0.6),
]


class FakeUsageMeter:
    def __init__(self) -> None:
        self.usages: list[Usage] = []

    async def record(self, usage: Usage) -> None:
        self.usages.append(usage)


@pytest.fixture(scope="module")
async def server():
    async with running_openai_server() as running:
        yield running


@pytest.fixture
def state(server):
    server[1].reset()
    return server[1]


@pytest.fixture
def meter():
    return FakeUsageMeter()


@pytest.fixture
async def gateway_for(server, meter):
    """A factory of gateways with short delays, their SDK clients closed after the test."""
    clients = []

    def make(attempts=3, threshold=5, cooldown=0.2, timeout=2.0):
        client = build_client("sk-test", base_url=server[0], timeout=timeout)
        clients.append(client)
        breaker = CircuitBreaker(threshold, cooldown)
        return OpenAIGateway(client, meter, breaker, attempts, base_delay=0.001, max_delay=0.5)

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
def classifier(gateway_for):
    return OpenAIIntentClassifier(gateway_for())


async def test_classification_from_a_forced_tool_call(classifier, state):
    text = "Hi, can I book a table for 4 tomorrow at 8pm?"
    result = await classifier.classify(TENANT, text, [], NOW)
    entities = {"date": "2025-03-15", "time": "20:00", "party_size": "4"}
    assert result == Classification(Intent.BOOKING_NEW, 0.9, entities)
    [sent] = state.bodies(CHAT)
    assert sent["model"] == "gpt-4o-mini"
    function = sent["tools"][0]["function"]
    assert function["name"] == "classify_message" and function["strict"] is True
    schema = function["parameters"]["properties"]
    assert schema["intent"]["enum"] == [intent.value for intent in Intent]
    assert {"date", "time", "party_size", "quantity", "product"} <= set(
        schema["entities"]["properties"]
    )
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "classify_message"}}
    assert "2025-03-14 18:30 (Friday)" in sent["messages"][0]["content"]
    assert sent["messages"][-1] == {"role": "user", "content": text}


async def test_history_is_passed_as_prior_turns(classifier, state):
    history = [Turn("customer", "Do you deliver?"), Turn("bot", "We do!"), Turn("agent", "Hi")]
    result = await classifier.classify(TENANT, "yes", history, NOW)
    assert result.intent is Intent.CONFIRM_YES
    roles = [(m["role"], m["content"]) for m in state.bodies(CHAT)[0]["messages"][1:]]
    assert roles == [
        ("user", "Do you deliver?"),
        ("assistant", "We do!"),
        ("assistant", "Hi"),
        ("user", "yes"),
    ]


async def test_entities_matched_to_the_vocabulary_pass_through(classifier, state):
    vocabulary = Vocabulary(products=("Pizza Margherita", "Tiramisu"), resources=("Terrace",))
    result = await classifier.classify(TENANT, "I want 2 margheritas", [], NOW, vocabulary)
    assert result == Classification(
        Intent.ORDER_ADD, 0.9, {"quantity": "2", "product": "Pizza Margherita"}
    )
    assert "Products: Pizza Margherita, Tiramisu" in state.bodies(CHAT)[0]["messages"][0]["content"]


@pytest.mark.parametrize(
    "arguments",
    ['{"intent": "booking.new", "confid', '{"intent": "weather", "confidence": 0.9}', "[1, 2]"],
)
async def test_unreadable_tool_arguments_are_out_of_scope(classifier, state, arguments):
    state.raw_replies.append(arguments)
    result = await classifier.classify(TENANT, "book a table", [], NOW)
    assert result == Classification(Intent.OUT_OF_SCOPE, 0.0)


async def test_grounded_answer_in_the_tenant_tone(gateway_for, state):
    writer = OpenAIAnswerWriter(gateway_for())
    tone = {"style": "warm", "language": "en"}
    answer = await writer.answer(TENANT, "Where can I park?", PASSAGES, tone)
    assert answer.grounded and answer.used == (1,)
    assert answer.text == PASSAGES[1].text
    [sent] = state.bodies(CHAT)
    assert sent["response_format"] == {"type": "json_object"}
    system, user = (m["content"] for m in sent["messages"])
    assert "Write in a warm tone." in system and "Reply in en" in system
    assert "[1] We are open" in user and "[2] Free parking" in user


async def test_an_answer_the_passages_lack_is_not_grounded(gateway_for, state):
    writer = OpenAIAnswerWriter(gateway_for())
    answer = await writer.answer(TENANT, "Do you sell bicycles?", PASSAGES, {})
    assert not answer.grounded and answer.used == ()
    assert "person" in answer.text


async def test_an_unreadable_answer_is_unavailable(gateway_for, state):
    state.raw_replies.append("Sure! We open at noon.")
    with pytest.raises(Unavailable, match="unreadable"):
        await OpenAIAnswerWriter(gateway_for()).answer(TENANT, "Hours?", PASSAGES, {})


async def test_embeddings_are_batched_normalised_and_in_order(gateway_for, state):
    embedder = OpenAIEmbedder(gateway_for(), batch_size=2)
    texts = ["opening hours", "parking", "menu", "gluten free", "opening hours"]
    vectors = await embedder.embed_documents(texts)
    assert [len(b["input"]) for b in state.bodies("/v1/embeddings")] == [2, 2, 1]
    assert embedder.dimensions == 1536 and all(len(v) == 1536 for v in vectors)
    assert all(math.isclose(math.hypot(*v), 1.0) for v in vectors)
    assert vectors[0] == vectors[4] != vectors[1]
    assert await embedder.embed_query("parking") == vectors[1]


async def test_requested_dimensions_are_honoured(gateway_for, state):
    embedder = OpenAIEmbedder(gateway_for(), model="text-embedding-3-large", dimensions=256)
    [vector] = await embedder.embed_documents(["menu"])
    assert len(vector) == 256 and embedder.dimensions == 256
    assert state.bodies("/v1/embeddings")[0]["dimensions"] == 256
    assert embedder.name == "openai/text-embedding-3-large/256"


async def test_usage_is_recorded_per_tenant(gateway_for, state, meter):
    gateway = gateway_for()
    await OpenAIIntentClassifier(gateway).classify(TENANT, "hello", [], NOW)
    await OpenAIAnswerWriter(gateway, model="gpt-4o").answer(OTHER_TENANT, "Park?", PASSAGES, {})
    served = [r["usage"] for r in state.requests]
    assert meter.usages == [
        Usage(TENANT, "gpt-4o-mini", served[0]["prompt_tokens"], served[0]["completion_tokens"]),
        Usage(OTHER_TENANT, "gpt-4o", served[1]["prompt_tokens"], served[1]["completion_tokens"]),
    ]
    assert all(u.prompt_tokens > 0 and u.completion_tokens > 0 for u in meter.usages)


async def test_rate_limits_are_retried_after_the_delay_asked(classifier, state, meter):
    state.fail_next(429, 2)
    state.retry_after = "0.1"
    started = time.monotonic()
    result = await classifier.classify(TENANT, "hello", [], NOW)
    assert result.intent is Intent.GREETING and len(state.requests) == 3
    assert time.monotonic() - started >= 0.2
    assert len(meter.usages) == 1


async def test_a_persistent_server_error_is_unavailable(gateway_for, state, meter):
    state.fail_next(500, 5)
    with pytest.raises(Unavailable, match="500 after 3 attempts"):
        await OpenAIIntentClassifier(gateway_for(attempts=3)).classify(TENANT, "hi", [], NOW)
    assert len(state.requests) == 3 and meter.usages == []


async def test_a_refusal_is_not_retried_and_leaves_the_breaker_closed(gateway_for, state):
    gateway = gateway_for(threshold=1)
    state.fail_next(400)
    with pytest.raises(Unavailable, match="400"):
        await OpenAIIntentClassifier(gateway).classify(TENANT, "hi", [], NOW)
    assert len(state.requests) == 1 and gateway.breaker.state == "closed"


async def test_the_breaker_fails_fast_then_recovers_after_the_cool_down(gateway_for, state):
    gateway = gateway_for(attempts=1, threshold=3, cooldown=0.2)
    classifier = OpenAIIntentClassifier(gateway)
    state.fail_next(500, 3)
    for _ in range(3):
        with pytest.raises(Unavailable, match="500"):
            await classifier.classify(TENANT, "hi", [], NOW)
    with pytest.raises(Unavailable, match="too many recent failures"):
        await classifier.classify(TENANT, "hi", [], NOW)
    assert len(state.requests) == 3 and gateway.breaker.state == "open"
    await asyncio.sleep(0.25)
    assert (await classifier.classify(TENANT, "hi", [], NOW)).intent is Intent.GREETING
    assert len(state.requests) == 4 and gateway.breaker.state == "closed"


async def test_a_failed_probe_reopens_the_breaker(gateway_for, state):
    gateway = gateway_for(attempts=3, threshold=2, cooldown=0.2)
    state.fail_next(500, 3)
    with pytest.raises(Unavailable, match="too many recent failures"):  # opened mid-retries
        await OpenAIEmbedder(gateway).embed_query("menu")
    await asyncio.sleep(0.25)
    with pytest.raises(Unavailable, match="too many recent failures"):  # the probe failed
        await OpenAIEmbedder(gateway).embed_query("menu")
    assert len(state.requests) == 3 and gateway.breaker.state == "open"


async def test_a_timeout_is_retried(gateway_for, state):
    state.fail_next("hang")
    classifier = OpenAIIntentClassifier(gateway_for(timeout=0.2))
    assert (await classifier.classify(TENANT, "thanks!", [], NOW)).intent is Intent.THANKS
    assert len(state.requests) == 2


async def test_persistent_timeouts_are_unavailable(gateway_for, state):
    state.fail_next("hang", 2)
    classifier = OpenAIIntentClassifier(gateway_for(attempts=2, timeout=0.2))
    started = time.monotonic()
    with pytest.raises(Unavailable, match="timed out"):
        await classifier.classify(TENANT, "hi", [], NOW)
    assert len(state.requests) == 2 and time.monotonic() - started < 1.0


def test_half_open_lets_one_probe_through():
    now = [0.0]
    breaker = CircuitBreaker(threshold=2, cooldown=10.0, clock=lambda: now[0])
    breaker.failed()
    assert breaker.allow()
    breaker.failed()
    assert not breaker.allow()
    now[0] = 10.0
    assert breaker.allow() and not breaker.allow()  # one probe at a time
    breaker.abandoned()  # the probe was cancelled: another may go
    assert breaker.allow()
    breaker.succeeded()
    assert breaker.state == "closed" and breaker.allow()
