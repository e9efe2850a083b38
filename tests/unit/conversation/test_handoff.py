import uuid
from datetime import timedelta

import pytest

from core.conversation import commands as c
from core.conversation import handlers
from core.conversation.model import SenderType
from core.shared.errors import FailedPrecondition, NotFound, PermissionDenied
from tests.fakes import FakeStaff

from .conftest import TENANT

AGENT = uuid.uuid4()
COLLEAGUE = uuid.uuid4()
FORMER = uuid.uuid4()
STAFF = FakeStaff(active={AGENT, COLLEAGUE}, inactive={FORMER})


async def test_request_assign_release(uow, clock, conversation):
    asked = await handlers.request_handoff(
        c.RequestHandoff(TENANT, conversation.id, " wants a person "), uow, clock
    )
    assert asked.handoff_requested and asked.handoff_reason == "wants a person"
    assert asked.handoff_at == clock.now and asked.handoff_agent_id is None

    taken = await handlers.assign_handoff(
        c.AssignHandoff(TENANT, conversation.id, AGENT), uow, STAFF
    )
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
    await handlers.assign_handoff(c.AssignHandoff(TENANT, conversation.id, AGENT), uow, STAFF)
    clock.advance(timedelta(minutes=5))
    again = await handlers.request_handoff(
        c.RequestHandoff(TENANT, conversation.id, "still waiting"), uow, clock
    )
    assert again.handoff_at == first.handoff_at
    assert again.handoff_agent_id == AGENT and again.handoff_reason == "still waiting"


async def test_assigning_without_a_handoff_is_refused(uow, conversation):
    with pytest.raises(FailedPrecondition, match="no active handoff"):
        await handlers.assign_handoff(c.AssignHandoff(TENANT, conversation.id, AGENT), uow, STAFF)


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


async def test_an_owner_or_admin_assigns_any_active_user_of_the_tenant(uow, clock, conversation):
    await handlers.request_handoff(c.RequestHandoff(TENANT, conversation.id), uow, clock)
    taken = await handlers.assign_handoff(
        c.AssignHandoff(TENANT, conversation.id, COLLEAGUE), uow, STAFF
    )
    assert taken.handoff_agent_id == COLLEAGUE


async def test_a_user_the_tenant_does_not_have_is_not_found(uow, clock, conversation):
    await handlers.request_handoff(c.RequestHandoff(TENANT, conversation.id), uow, clock)
    stranger = uuid.uuid4()  # another tenant's user, as the tenant service answers for it
    with pytest.raises(NotFound, match=str(stranger)):
        await handlers.assign_handoff(
            c.AssignHandoff(TENANT, conversation.id, stranger), uow, STAFF
        )
    with pytest.raises(FailedPrecondition, match="inactive"):
        await handlers.assign_handoff(c.AssignHandoff(TENANT, conversation.id, FORMER), uow, STAFF)
    assert (await handlers.get_conversation(TENANT, conversation.id, uow)).handoff_agent_id is None


async def test_an_agent_assigns_only_themselves(uow, clock, conversation):
    await handlers.request_handoff(c.RequestHandoff(TENANT, conversation.id), uow, clock)
    with pytest.raises(PermissionDenied, match="only to themselves"):
        await handlers.assign_handoff(
            c.AssignHandoff(TENANT, conversation.id, COLLEAGUE, only_to=AGENT), uow, STAFF
        )
    taken = await handlers.assign_handoff(
        c.AssignHandoff(TENANT, conversation.id, AGENT, only_to=AGENT), uow, STAFF
    )
    assert taken.handoff_agent_id == AGENT


async def test_analytics_hears_of_each_handoff_step_and_staff_reply_once(
    uow, clock, conversation, append
):
    ask = c.RequestHandoff(TENANT, conversation.id, "allergy question")
    await handlers.request_handoff(ask, uow, clock)
    await handlers.request_handoff(ask, uow, clock)  # asked again: nothing new happened
    await handlers.assign_handoff(c.AssignHandoff(TENANT, conversation.id, AGENT), uow, STAFF)
    await append(SenderType.CUSTOMER, "hello?")
    await append(SenderType.AGENT, "Hi, Marta here", sender_id=str(AGENT))
    await handlers.release_handoff(TENANT, conversation.id, uow)
    assert uow.facts.names() == [
        "handoff.requested", "handoff.assigned", "agent.replied", "handoff.released",
    ]  # fmt: skip
    requested, _, replied, _ = uow.facts.facts
    assert requested.properties == {"reason": "allergy question"}
    assert replied.properties == {"agent": str(AGENT)}
    assert {f.conversation_id for f in uow.facts.facts} == {conversation.id}
