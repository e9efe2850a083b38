import uuid

import pytest

from core.conversation import commands as c
from core.conversation import handlers
from core.conversation.agents import ReplyAsAgent, reply_as_agent
from core.conversation.model import SenderType
from core.shared.errors import FailedPrecondition, InvalidInput

from .conftest import TENANT

AGENT = uuid.uuid4()


class RecordingOutbound:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, tenant_id, outlet_id, conversation_id, to, text, idempotency_key):
        self.sent.append((to, text))
        return "outbound-1"


async def test_an_agent_answers_a_handed_off_conversation(uow, history, clock, conversation):
    await handlers.request_handoff(c.RequestHandoff(TENANT, conversation.id), uow, clock)
    outbound = RecordingOutbound()
    appended, outbound_id = await reply_as_agent(
        ReplyAsAgent(TENANT, conversation.id, AGENT, " Hi, this is Marta! "),
        uow,
        history,
        outbound,
        clock,
    )
    assert outbound.sent == [(conversation.customer_phone, "Hi, this is Marta!")]
    assert outbound_id == "outbound-1"
    assert appended.message.sender_type is SenderType.AGENT
    assert appended.message.sender_id == str(AGENT)


async def test_the_bot_keeps_conversations_that_were_not_handed_off(
    uow, history, clock, conversation
):
    outbound = RecordingOutbound()
    with pytest.raises(FailedPrecondition, match="handoff"):
        await reply_as_agent(
            ReplyAsAgent(TENANT, conversation.id, AGENT, "Hi"), uow, history, outbound, clock
        )
    assert outbound.sent == []


async def test_empty_text_is_refused(uow, history, clock, conversation):
    await handlers.request_handoff(c.RequestHandoff(TENANT, conversation.id), uow, clock)
    with pytest.raises(InvalidInput):
        await reply_as_agent(
            ReplyAsAgent(TENANT, conversation.id, AGENT, "  "),
            uow,
            history,
            RecordingOutbound(),
            clock,
        )
