"""A message delivered twice is routed once: the second delivery gets the first answer back."""

import asyncio
import uuid
from datetime import UTC, datetime

from crm.orchestrator.v1 import orchestrator_pb2 as pb

from adapters.grpc.orchestrator_servicer import OrchestratorServicer
from core.messaging.model import InboundType
from core.orchestrator import replies
from core.orchestrator.dialogue import ANSWERS_KEPT, DialogueState
from core.orchestrator.model import CustomerMessage
from core.orchestrator.nlu import Intent
from core.orchestrator.router import Router
from core.shared.errors import Unavailable

from .conftest import OUTLET, TENANT


def message(text: str, wamid: str, reply_id: str = "") -> CustomerMessage:
    return CustomerMessage(
        TENANT, OUTLET, "+34600", "Ana", InboundType.TEXT, text, wamid, datetime.now(UTC), reply_id
    )


async def test_a_yes_delivered_twice_books_once_and_answers_the_same(router, parts):
    classifier, agent = parts["classifier"], parts["agents"]["booking"]
    classifier.on("table for 2", Intent.BOOKING_NEW, party_size="2")
    classifier.on("yes", Intent.CONFIRM_YES)
    await router.handle(message("table for 2", "wamid.A"))
    events_before = len(parts["events"].events)
    first = await router.handle(message("yes", "wamid.B"))
    events_after_first = len(parts["events"].events)
    again = await router.handle(message("yes", "wamid.B"))
    assert [t.intent for t in agent.turns] == ["booking.new", "confirm.yes"]  # routed once
    assert (again.reply, again.handled_by, again.intent) == (
        first.reply,
        first.handled_by,
        first.intent,
    )
    assert again.reply.text == "Booked! ID B-1"
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.conversation_id == first.conversation_id
    assert len(classifier.histories) == 2  # no third classification
    assert events_after_first > events_before
    assert len(parts["events"].events) == events_after_first  # analytics counted once
    assert [(t.sender, t.text) for t in parts["conversations"].log][-2:] == [
        ("customer", "yes"),
        ("bot", "Booked! ID B-1"),
    ]


async def test_buttons_of_the_first_answer_come_back_with_it(router, parts):
    parts["knowledge"].passages = []
    parts["classifier"].on("do you have parking?", Intent.SUPPORT)
    first = await router.handle(message("do you have parking?", "wamid.P"))
    again = await router.handle(message("do you have parking?", "wamid.P"))
    assert first.reply.options == replies.yes_no()
    assert again.reply == first.reply


async def test_a_handoff_answer_is_given_again_though_staff_now_have_the_conversation(
    router, parts
):
    parts["classifier"].on("a person please", Intent.HANDOFF)
    first = await router.handle(message("a person please", "wamid.H"))
    again = await router.handle(message("a person please", "wamid.H"))
    assert first.reply.text == again.reply.text == replies.HANDOFF_STARTED
    assert parts["conversations"].handoffs == ["customer asked for a person"]


async def test_a_message_whose_answer_was_never_kept_is_routed_again(router, parts):
    """The first try failed before any answer was kept: the redelivery gets a real answer."""
    classifier = parts["classifier"]
    classifier.on("book for 4", Intent.BOOKING_NEW, party_size="4")
    agent = parts["agents"]["booking"]
    failing = agent.handle

    async def down(turn):
        raise Unavailable("booking service is down")

    agent.handle = down
    failed = await router.handle(message("book for 4", "wamid.F"))
    assert failed.reply.text == "Oops, try later."
    agent.handle = failing
    retried = await router.handle(message("book for 4", "wamid.F"))
    assert retried.duplicate and retried.reply.text.startswith("Confirm")


async def test_a_redelivery_while_the_bot_is_held_gets_the_holding_reply(parts):
    class Unpaid:
        async def may_answer(self, tenant_id):
            return False

    router = Router(**parts, allowance=Unpaid())
    first = await router.handle(message("hi", "wamid.Q"))
    again = await router.handle(message("hi", "wamid.Q"))
    assert first.reply.text == again.reply.text == replies.HOLDING
    assert [t.text for t in parts["conversations"].log].count(replies.HOLDING) == 1


def test_only_the_latest_answers_are_kept():
    state = DialogueState()
    for n in range(ANSWERS_KEPT + 3):
        state.remember(f"wamid.{n}", {"reply": None})
    assert list(state.answered) == [f"wamid.{n}" for n in range(3, ANSWERS_KEPT + 3)]
    assert DialogueState.from_dict(state.to_dict()) == state


async def test_routing_finishes_when_the_caller_gives_up_and_the_retry_gets_its_answer(
    router, parts
):
    """The messaging worker's deadline passed mid-routing: the call is cancelled, the routing
    is not; the redelivered message gets the answer the first routing produced."""
    parts["classifier"].on("table for 2", Intent.BOOKING_NEW, party_size="2")
    agent = parts["agents"]["booking"]
    answering, released = asyncio.Event(), asyncio.Event()
    cut_short = []
    slow = agent.handle
    conversations, logged = parts["conversations"], asyncio.Event()
    record_bot = conversations.record_bot

    async def logs(*args):
        await record_bot(*args)
        logged.set()

    conversations.record_bot = logs

    async def waits(turn):
        answering.set()
        try:
            await released.wait()
        except asyncio.CancelledError:
            cut_short.append(turn)
            logged.set()
            raise
        return await slow(turn)

    agent.handle = waits
    servicer = OrchestratorServicer(router, parts["dialogue"])
    request = pb.HandleMessageRequest(
        tenant_id=str(TENANT),
        outlet_id=str(OUTLET),
        customer_phone="+34600",
        text="table for 2",
        whatsapp_message_id=f"wamid.{uuid.uuid4()}",
    )
    call = asyncio.create_task(servicer.HandleMessage(request, None))
    await answering.wait()
    call.cancel()
    await asyncio.gather(call, return_exceptions=True)
    released.set()
    await logged.wait()  # the abandoned routing ran on to its end
    assert cut_short == []
    agent.handle = slow
    retried = await servicer.HandleMessage(request, None)
    assert retried.duplicate and retried.reply.text.startswith("Confirm")
    assert len(agent.turns) == 1
