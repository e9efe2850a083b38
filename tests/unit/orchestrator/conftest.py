"""Fakes of the Router's ports: every peer in memory, the classifier scripted per text."""

import re
import uuid
from datetime import UTC, datetime

import pytest

from core.messaging.model import InboundType
from core.orchestrator.agents import AgentReply, AgentTurn
from core.orchestrator.dialogue import DialogueState
from core.orchestrator.model import ConversationRef, CustomerMessage, TenantProfile
from core.orchestrator.nlu import Classification, GroundedAnswer, Intent, Passage, Turn
from core.orchestrator.router import Router
from core.shared.errors import Unavailable

TENANT, OUTLET = uuid.uuid4(), uuid.uuid4()


class FakeTenants:
    def __init__(self) -> None:
        self.down = False

    async def profile(self, tenant_id):
        if self.down:
            raise Unavailable("tenant service is down")
        return TenantProfile(
            tenant_id, "Casa Pepe", "¡Hola! Welcome to Casa Pepe.", "Oops, try later."
        )

    async def outlet_timezone(self, tenant_id, outlet_id):
        return "Europe/Madrid"


class FakeConversations:
    def __init__(self) -> None:
        self.conversations: dict[str, ConversationRef] = {}
        self.log: list[Turn] = []
        self.handoffs: list[str] = []
        self.stored: set[str] = set()  # WhatsApp ids of the customer messages kept
        self.down = False

    async def open(self, message: CustomerMessage) -> ConversationRef:
        if self.down:
            raise Unavailable("conversation service is down")
        known = self.conversations.get(message.customer_phone)
        if known:
            return ConversationRef(known.id, False, bool(self.handoffs))
        self.conversations[message.customer_phone] = ConversationRef(uuid.uuid4(), True, False)
        return self.conversations[message.customer_phone]

    async def record_customer(self, conversation, message) -> bool:
        if message.whatsapp_message_id in self.stored:
            return True
        self.stored.add(message.whatsapp_message_id)
        self.log.append(Turn("customer", message.text))
        return False

    async def record_bot(self, conversation, tenant_id, text, language) -> None:
        self.log.append(Turn("bot", text))

    async def recent(self, conversation, tenant_id, limit):
        return self.log[-limit:]

    async def request_handoff(self, conversation, tenant_id, reason) -> None:
        self.handoffs.append(reason)


class MemoryDialogue:
    def __init__(self) -> None:
        self.states: dict[uuid.UUID, dict] = {}

    async def load(self, tenant_id, conversation_id):
        raw = self.states.get(conversation_id)
        return DialogueState.from_dict(raw) if raw else None

    async def save(self, tenant_id, conversation_id, state):
        self.states[conversation_id] = state.to_dict()

    async def reset(self, tenant_id, conversation_id):
        self.states.pop(conversation_id, None)


class ScriptedClassifier:
    """Intent by exact text; anything unscripted is out of scope."""

    def __init__(self) -> None:
        self.script: dict[str, Classification] = {}
        self.histories: list[list[Turn]] = []
        self.nows: list[datetime] = []

    def on(self, text: str, intent: Intent, **entities: str) -> None:
        self.script[text] = Classification(intent, 0.9, entities)

    async def classify(self, tenant_id, text, history, now, vocabulary=None):
        self.histories.append(list(history))
        self.nows.append(now)
        return self.script.get(text, Classification(Intent.OUT_OF_SCOPE, 0.2))


class FakeKnowledge:
    def __init__(self) -> None:
        self.passages: list[Passage] = []
        self.queries: list[str] = []

    async def search(self, tenant_id, outlet_id, query, top_k):
        self.queries.append(query)
        return self.passages


class FakeAnswers:
    """Grounded when the question says "open" or shares a longer word with the passage."""

    async def answer(self, tenant_id, question, passages, tone):
        text = passages[0].text
        shared = any(len(w) > 3 and w in text.lower() for w in re.findall(r"\w+", question.lower()))
        return GroundedAnswer(text, (0,), grounded="open" in question or shared)


class FakeAgent:
    """Asks to confirm on the first turn, books on 'yes', records what it was given."""

    def __init__(self) -> None:
        self.turns: list[AgentTurn] = []

    async def handle(self, turn: AgentTurn) -> AgentReply:
        self.turns.append(turn)
        if turn.intent == Intent.CONFIRM_YES.value:
            return AgentReply("Booked! ID B-1", done=True)
        if turn.intent == Intent.CONFIRM_NO.value:
            return AgentReply("OK, not booked.", done=True)
        slots = {**turn.state, **turn.entities}
        return AgentReply(f"Confirm {slots}?", state=slots, confirmation_pending=True)


class FakeEvents:
    def __init__(self) -> None:
        self.events = []

    async def emit(self, event) -> None:
        self.events.append(event)


@pytest.fixture
def parts():
    return {
        "tenants": FakeTenants(),
        "conversations": FakeConversations(),
        "dialogue": MemoryDialogue(),
        "classifier": ScriptedClassifier(),
        "answers": FakeAnswers(),
        "knowledge": FakeKnowledge(),
        "agents": {"booking": FakeAgent(), "order": FakeAgent()},
        "events": FakeEvents(),
    }


@pytest.fixture
def router(parts) -> Router:
    return Router(**parts)


def send_with(router: Router):
    """A function that sends one customer text (or button tap) and gets the outcome."""

    async def send(
        text: str, reply_id: str = "", kind: InboundType = InboundType.TEXT, phone="+34600"
    ):
        message = CustomerMessage(
            TENANT,
            OUTLET,
            phone,
            "Ana",
            kind,
            text,
            f"wamid.{uuid.uuid4()}",
            datetime.now(UTC),
            reply_id,
        )
        return await router.handle(message)

    return send


@pytest.fixture
def say(router):
    """Send one customer text (or button tap) and get the Router's outcome."""
    return send_with(router)
