import uuid
from datetime import timedelta

import pytest

from core.conversation import commands as c
from core.conversation import handlers
from core.conversation.model import SenderType
from core.shared.errors import FailedPrecondition, NotFound

from .conftest import TENANT

AGENT = uuid.uuid4()


async def test_request_assign_release(uow, clock, conversation):
    asked = await handlers.request_handoff(
        c.RequestHandoff(TENANT, conversation.id, " wants a person "), uow, clock
    )
    assert asked.handoff_requested and asked.handoff_reason == "wants a person"
    assert asked.handoff_at == clock.now and asked.handoff_agent_id is None

    taken = await handlers.assign_handoff(c.AssignHandoff(TENANT, conversation.id, AGENT), uow)
    assert taken.handoff_agent_id == AGENT and taken.handoff_requested

    released = await handlers.release_handoff(TENANT, conversation.id, uow)
    assert not released.handoff_requested
    assert (released.handoff_agent_id, released.handoff_reason, released.handoff_at) == (
        None,
        "",
        None,
    )


async def test_asking_again_keeps_the_start_and_the_agent(uow, clock, conversation):
    first = await handlers.request_handoff(c.RequestHandoff(TENANT, conversation.id), uow, clock)
    await handlers.assign_handoff(c.AssignHandoff(TENANT, conversation.id, AGENT), uow)
    clock.advance(timedelta(minutes=5))
    again = await handlers.request_handoff(
        c.RequestHandoff(TENANT, conversation.id, "still waiting"), uow, clock
    )
    assert again.handoff_at == first.handoff_at
    assert again.handoff_agent_id == AGENT and again.handoff_reason == "still waiting"


async def test_assigning_without_a_handoff_is_refused(uow, conversation):
    with pytest.raises(FailedPrecondition, match="no active handoff"):
        await handlers.assign_handoff(c.AssignHandoff(TENANT, conversation.id, AGENT), uow)


async def test_messages_still_land_during_a_handoff(uow, clock, conversation, append):
    await handlers.request_handoff(c.RequestHandoff(TENANT, conversation.id), uow, clock)
    appended = await append(SenderType.CUSTOMER, "hello?")
    assert appended.conversation.handoff_requested
    assert appended.conversation.message_count == 1


async def test_closing_ends_the_handoff_and_a_closed_one_takes_none(uow, clock, conversation):
    await handlers.request_handoff(c.RequestHandoff(TENANT, conversation.id), uow, clock)
    closed = await handlers.close_conversation(
        c.CloseConversation(TENANT, conversation.id), uow, clock
    )
    assert not closed.handoff_requested
    with pytest.raises(FailedPrecondition, match="closed"):
        await handlers.request_handoff(c.RequestHandoff(TENANT, conversation.id), uow, clock)


async def test_handoff_is_scoped_by_tenant(uow, clock, conversation):
    with pytest.raises(NotFound):
        await handlers.request_handoff(c.RequestHandoff(uuid.uuid4(), conversation.id), uow, clock)
    with pytest.raises(NotFound):
        await handlers.release_handoff(uuid.uuid4(), conversation.id, uow)
