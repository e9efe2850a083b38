"""A tenant whose plan no longer pays for the bot: staff take over after one holding reply."""

import uuid
from datetime import UTC, datetime

import pytest

from core.messaging.model import InboundType
from core.orchestrator import replies
from core.orchestrator.model import CustomerMessage
from core.orchestrator.nlu import Intent
from core.orchestrator.router import Router

from .conftest import OUTLET, TENANT


class SwitchableAllowance:
    def __init__(self) -> None:
        self.paid = True
        self.asked: list[uuid.UUID] = []

    async def may_answer(self, tenant_id: uuid.UUID) -> bool:
        self.asked.append(tenant_id)
        return self.paid


@pytest.fixture
def allowance() -> SwitchableAllowance:
    return SwitchableAllowance()


@pytest.fixture
def send(parts, allowance):
    router = Router(**parts, allowance=allowance)

    async def run(text: str, phone: str = "+34600"):
        message = CustomerMessage(
            TENANT, OUTLET, phone, "Ana", InboundType.TEXT, text, f"wamid.{uuid.uuid4()}",
            datetime.now(UTC),
        )  # fmt: skip
        return await router.handle(message)

    return run


async def test_a_paid_plan_gets_the_bot(send, parts, allowance):
    parts["classifier"].on("hola", Intent.GREETING)
    outcome = await send("hola")
    assert outcome.reply.text == "¡Hola! Welcome to Casa Pepe."
    assert (allowance.asked, parts["conversations"].handoffs) == ([TENANT], [])


async def test_an_unpaid_plan_stores_the_message_hands_off_and_holds_once(send, parts, allowance):
    allowance.paid = False
    conversations = parts["conversations"]
    first = await send("do you have a table tonight?")
    # Handed off by this message, not before it: its holding reply is sent.
    assert (first.reply.text, first.handled_by, first.handoff_active) == (
        replies.HOLDING,
        "billing",
        False,
    )
    assert conversations.handoffs == ["message quota used up and overage unpaid"]
    second = await send("hello?")
    assert (second.reply, second.handled_by) == (None, "handoff")  # staff have it now
    assert [(t.sender, t.text) for t in conversations.log] == [
        ("customer", "do you have a table tonight?"),
        ("bot", replies.HOLDING),
        ("customer", "hello?"),
    ]
    assert parts["classifier"].histories == []  # the bot did no work for the unpaid tenant
    assert parts["events"].events == []  # the handoff is told by the conversation service


async def test_without_an_allowance_wired_the_bot_answers(parts):
    parts["classifier"].on("hola", Intent.GREETING)
    message = CustomerMessage(
        TENANT, OUTLET, "+34600", "Ana", InboundType.TEXT, "hola", "wamid.1", datetime.now(UTC)
    )
    outcome = await Router(**parts).handle(message)
    assert outcome.reply.text == "¡Hola! Welcome to Casa Pepe."
