"""The buffered emitter: emit() never waits, batches arrive, and analytics down harms nobody."""

import asyncio
import socket
import time
import uuid

import pytest

from adapters.grpc.analytics_emitter import BufferedAnalyticsEmitter
from core.analytics import queries
from core.analytics.window import utcnow, window
from core.messaging.model import InboundType
from core.orchestrator.model import CustomerMessage
from core.orchestrator.ports import Event
from core.orchestrator.router import Router
from tests.unit.orchestrator import conftest as fakes

TENANT = uuid.uuid4()


def _routed(i: int) -> Event:
    properties = {"intent": "order", "confidence": 0.5, "conversation_id": str(uuid.uuid4())}
    return Event("message.routed", TENANT, uuid.uuid4(), properties, value=float(i))


@pytest.fixture
def dead_address() -> str:
    """An address nothing listens on: analytics is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


async def test_emit_never_suspends_and_a_full_buffer_drops(dead_address):
    emitter = BufferedAnalyticsEmitter(dead_address, capacity=1_000)
    started = time.perf_counter()
    for i in range(5_000):
        with pytest.raises(StopIteration):  # finished on its first step: it never awaited
            emitter.emit(_routed(i)).send(None)
    assert time.perf_counter() - started < 1.0
    assert emitter.dropped == 4_000


async def test_batches_reach_the_service_and_close_flushes(live_analytics):
    address, uow = live_analytics
    emitter = BufferedAnalyticsEmitter(address, batch_size=200, flush_seconds=0.05)
    await emitter.start()
    for i in range(450):
        await emitter.emit(_routed(i))
    await asyncio.sleep(0.2)
    await emitter.emit(_routed(450))
    await emitter.aclose()
    assert (emitter.sent, emitter.dropped) == (451, 0)
    mix = await queries.intent_breakdown(window(TENANT, (None, None), utcnow()), uow())
    assert [(i.intent, i.count) for i in mix] == [("order", 451)]


async def test_a_conversation_gets_its_replies_while_analytics_is_down(dead_address):
    emitter = BufferedAnalyticsEmitter(dead_address, batch_size=1, flush_seconds=0.01)
    await emitter.start()
    parts = {
        "tenants": fakes.FakeTenants(),
        "conversations": fakes.FakeConversations(),
        "dialogue": fakes.MemoryDialogue(),
        "classifier": fakes.ScriptedClassifier(),
        "answers": fakes.FakeAnswers(),
        "knowledge": fakes.FakeKnowledge(),
        "agents": {"booking": fakes.FakeAgent(), "order": fakes.FakeAgent()},
        "events": emitter,
    }
    parts["classifier"].on("hola", fakes.Intent.GREETING)
    message = CustomerMessage(
        fakes.TENANT, fakes.OUTLET, "+34600", "Ana", InboundType.TEXT, "hola", "wamid.1", utcnow()
    )
    outcome = await Router(**parts).handle(message)
    assert outcome.reply.text == "¡Hola! Welcome to Casa Pepe."
    await asyncio.sleep(0.3)
    await emitter.aclose()
    assert (emitter.sent, emitter.dropped) == (0, 3)  # received, routed, sent: all dropped
