import uuid
from dataclasses import replace

import pytest

from core.conversation import commands as c
from core.conversation import handlers
from core.conversation.model import ConversationStatus
from core.shared.errors import InvalidInput, NotFound, Unavailable
from core.shared.paging import PageQuery
from tests.fakes import FakeOutlets

from .conftest import OUTLET, PHONE, TENANT


def open_cmd(phone=PHONE, name="", outlet=OUTLET, tenant=TENANT):
    return c.CreateOrGetConversation(tenant, outlet, phone, name)


async def test_the_first_call_creates_and_the_next_ones_get_the_same(uow, conversation):
    again, created = await handlers.create_or_get_conversation(open_cmd(), uow)
    assert not created
    assert again.id == conversation.id
    assert conversation.status is ConversationStatus.OPEN
    assert conversation.customer_name == "Budi"


async def test_whatsapp_digits_and_e164_name_the_same_customer(uow, conversation):
    again, created = await handlers.create_or_get_conversation(open_cmd("6281234567890"), uow)
    assert (again.id, created) == (conversation.id, False)


async def test_a_new_profile_name_is_stored_and_an_empty_one_changes_nothing(uow, conversation):
    renamed, _ = await handlers.create_or_get_conversation(open_cmd(name="Budi S."), uow)
    assert renamed.customer_name == "Budi S."
    kept, _ = await handlers.create_or_get_conversation(open_cmd(name=""), uow)
    assert kept.customer_name == "Budi S."


@pytest.mark.parametrize("phone", ["", "0812-345", "+0812345678", "abc"])
async def test_a_bad_phone_is_refused(uow, phone):
    with pytest.raises(InvalidInput) as refused:
        await handlers.create_or_get_conversation(open_cmd(phone), uow)
    assert refused.value.field == "customer_phone"


async def test_a_closed_conversation_is_followed_by_a_new_one(uow, clock, conversation):
    await handlers.close_conversation(c.CloseConversation(TENANT, conversation.id), uow, clock)
    fresh, created = await handlers.create_or_get_conversation(open_cmd(), uow)
    assert created and fresh.id != conversation.id


async def test_losing_the_race_returns_the_winners_conversation(uow, conversation):
    async def nothing_yet(*_):
        nothing_yet.calls += 1
        return None if nothing_yet.calls == 1 else conversation

    nothing_yet.calls = 0
    uow.conversations.get_open = nothing_yet
    again, created = await handlers.create_or_get_conversation(open_cmd(), uow)
    assert (again.id, created) == (conversation.id, False)


async def test_an_open_and_closed_race_is_retried_by_the_caller(uow, conversation):
    async def never(*_):
        return None

    uow.conversations.get_open = never  # theirs was opened, then closed before our second look
    with pytest.raises(Unavailable, match="try again"):
        await handlers.create_or_get_conversation(open_cmd(), uow)


async def test_another_tenants_outlet_is_not_found_and_nothing_is_opened(uow):
    with pytest.raises(NotFound, match=f"outlet {OUTLET}"):
        await handlers.create_or_get_conversation(open_cmd(), uow, FakeOutlets(OUTLET))
    assert (uow.conversations.rows, uow.commits) == ({}, 0)
    opened, created = await handlers.create_or_get_conversation(open_cmd(), uow, FakeOutlets())
    assert created and opened.outlet_id == OUTLET


async def test_the_same_outlet_id_and_phone_in_two_tenants_are_two_conversations(uow, conversation):
    theirs, created = await handlers.create_or_get_conversation(open_cmd(tenant=uuid.uuid4()), uow)
    assert created and theirs.id != conversation.id


async def test_another_tenant_cannot_see_or_touch_it(uow, clock, conversation):
    other = uuid.uuid4()
    with pytest.raises(NotFound):
        await handlers.get_conversation(other, conversation.id, uow)
    with pytest.raises(NotFound):
        await handlers.close_conversation(c.CloseConversation(other, conversation.id), uow, clock)
    with pytest.raises(NotFound):
        await handlers.update_conversation(
            c.UpdateConversation(other, conversation.id, {"customer_name": "X"}), uow
        )


async def test_update_changes_name_and_metadata_only(uow, conversation):
    changes = {"customer_name": "Budi Santoso", "metadata": {"labels": ["vip"]}}
    updated = await handlers.update_conversation(
        c.UpdateConversation(TENANT, conversation.id, changes), uow
    )
    assert (updated.customer_name, updated.metadata) == ("Budi Santoso", {"labels": ["vip"]})
    with pytest.raises(InvalidInput) as refused:
        await handlers.update_conversation(
            c.UpdateConversation(TENANT, conversation.id, {"status": "closed"}), uow
        )
    assert refused.value.field == "update_mask"


async def test_close_is_idempotent_and_archive_sticks(uow, clock, conversation):
    close = c.CloseConversation(TENANT, conversation.id)
    closed = await handlers.close_conversation(close, uow, clock)
    assert closed.status is ConversationStatus.CLOSED and closed.closed_at == clock.now
    commits = uow.commits
    assert await handlers.close_conversation(close, uow, clock) == closed
    assert uow.commits == commits
    archived = await handlers.close_conversation(replace(close, archive=True), uow, clock)
    assert archived.status is ConversationStatus.ARCHIVED
    assert (await handlers.close_conversation(close, uow, clock)).status is archived.status


async def list_ids(uow, **filters) -> list[uuid.UUID]:
    page = await handlers.list_conversations(
        c.ListConversations(TENANT, PageQuery(), **filters), uow
    )
    return [item.id for item in page.items]


async def test_list_filters_like_an_admin_searches(uow, clock):
    def opened(phone, name="", outlet=OUTLET):
        return handlers.create_or_get_conversation(open_cmd(phone, name, outlet), uow)

    ana, _ = await opened("+6281111111111", "Ana")
    budi, _ = await opened("+6282222222222", "Budi", outlet=uuid.uuid4())
    cici, _ = await opened("+6283333333333", "Cici")
    await handlers.request_handoff(c.RequestHandoff(TENANT, cici.id), uow, clock)
    await handlers.close_conversation(c.CloseConversation(TENANT, ana.id, True), uow, clock)

    assert set(await list_ids(uow)) == {budi.id, cici.id}
    assert await list_ids(uow, status=ConversationStatus.ARCHIVED) == [ana.id]
    assert await list_ids(uow, outlet_id=budi.outlet_id) == [budi.id]
    assert await list_ids(uow, handoff_only=True) == [cici.id]
    assert await list_ids(uow, customer="2222") == [budi.id]
    assert await list_ids(uow, customer="cic") == [cici.id]
    assert await list_ids(uow, customer="nobody") == []
