import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from core.conversation import commands as c
from core.conversation import handlers
from core.conversation.model import MessageType, SenderType
from core.shared.errors import FailedPrecondition, InvalidInput, NotFound
from core.shared.paging import PageQuery

from .conftest import OUTLET, TENANT

CUSTOMER, BOT = SenderType.CUSTOMER, SenderType.BOT


async def test_append_records_activity_and_opens_the_window(clock, append):
    appended = await append(CUSTOMER, "hola", whatsapp_message_id="wamid.1")
    conversation = appended.conversation
    assert not appended.duplicate
    assert appended.message.timestamp == clock.now
    assert appended.message.message_type is MessageType.TEXT
    assert conversation.message_count == 1
    assert conversation.last_message_at == conversation.last_customer_message_at == clock.now
    assert conversation.window_expires_at == clock.now + timedelta(hours=24)


async def test_bot_messages_move_activity_but_not_the_window(clock, append):
    await append(CUSTOMER, "hola")
    clock.advance(timedelta(minutes=1))
    replied = (await append(BOT, "¡Hola!", sender_id="greeter")).conversation
    assert replied.last_message_at == clock.now
    assert replied.last_customer_message_at == clock.now - timedelta(minutes=1)
    assert replied.message_count == 2


async def test_a_redelivered_whatsapp_id_changes_nothing(uow, history, append):
    first = await append(CUSTOMER, "hola", whatsapp_message_id="wamid.1")
    commits, generations = uow.commits, dict(history.generations)
    again = await append(CUSTOMER, "hola (again)", whatsapp_message_id="wamid.1")
    assert again.duplicate
    assert again.message == first.message
    assert again.conversation.message_count == 1
    assert (uow.commits, history.generations) == (commits, generations)


async def test_a_redelivery_after_the_conversation_closed_is_still_a_duplicate(
    uow, clock, conversation, append
):
    first = await append(CUSTOMER, "hola", whatsapp_message_id="wamid.1")
    await handlers.close_conversation(c.CloseConversation(TENANT, conversation.id), uow, clock)
    reopened, _ = await handlers.create_or_get_conversation(
        c.CreateOrGetConversation(TENANT, OUTLET, conversation.customer_phone), uow
    )
    again = await append(CUSTOMER, "hola", reopened.id, whatsapp_message_id="wamid.1")
    assert again.duplicate and again.message == first.message
    assert again.conversation.message_count == 0


async def test_another_tenants_whatsapp_id_is_no_duplicate_here(uow, append):
    """Ids are unique per tenant: whether another tenant holds one must not show."""
    await append(CUSTOMER, "hola", whatsapp_message_id="wamid.1")
    uow.messages.rows = {
        k: replace(m, tenant_id=uuid.uuid4()) for k, m in uow.messages.rows.items()
    }
    mine = await append(CUSTOMER, "x", whatsapp_message_id="wamid.1")
    assert not mine.duplicate
    assert (mine.message.content, mine.conversation.message_count) == ("x", 2)


async def test_a_late_old_message_does_not_move_activity_back(clock, append):
    await append(CUSTOMER, "new")
    late = await append(CUSTOMER, "old", timestamp=clock.now - timedelta(hours=1))
    assert late.conversation.last_message_at == clock.now
    assert late.conversation.last_customer_message_at == clock.now


async def test_sender_type_is_required_and_fields_are_checked(append):
    with pytest.raises(InvalidInput) as refused:
        await append(None, "hola")
    assert refused.value.field == "sender_type"
    with pytest.raises(InvalidInput) as refused:
        await append(BOT, "hi", sender_id="x" * 129)
    assert refused.value.field == "sender_id"


async def test_unknown_other_tenant_and_closed_conversations_take_no_messages(
    uow, clock, conversation, append
):
    with pytest.raises(NotFound):
        await append(CUSTOMER, "hola", conversation_id=uuid.uuid4())
    await handlers.close_conversation(c.CloseConversation(TENANT, conversation.id), uow, clock)
    with pytest.raises(FailedPrecondition, match="closed"):
        await append(CUSTOMER, "hola")


def list_cmd(conversation, size=50, **extra) -> c.ListMessages:
    return c.ListMessages(TENANT, conversation.id, PageQuery(size=size), **extra)


async def contents(uow, history, command) -> list[str]:
    page = await handlers.list_messages(command, uow, history)
    return [m.content for m in page.items]


async def three_messages(append, clock):
    for text in ("one", "two", "three"):
        await append(CUSTOMER, text)
        clock.advance(timedelta(seconds=10))


async def test_history_pages_oldest_first_or_gives_the_newest_n(
    uow, history, clock, conversation, append
):
    await three_messages(append, clock)
    first = await handlers.list_messages(list_cmd(conversation, 2), uow, history)
    assert [m.content for m in first.items] == ["one", "two"]
    second = c.ListMessages(TENANT, conversation.id, PageQuery(2, first.next_token))
    rest = await handlers.list_messages(second, uow, history)
    assert [m.content for m in rest.items] == ["three"] and rest.next_token == ""
    newest = list_cmd(conversation, 2, newest_first=True)
    assert await contents(uow, history, newest) == ["three", "two"]


async def test_time_bounds(uow, history, clock, conversation, append):
    start = clock.now
    await three_messages(append, clock)
    bounded = list_cmd(
        conversation, after=start + timedelta(seconds=10), before=start + timedelta(seconds=20)
    )
    assert await contents(uow, history, bounded) == ["two"]
    with pytest.raises(InvalidInput, match="after_time"):
        await contents(uow, history, list_cmd(conversation, after=start, before=start))


async def test_the_newest_n_are_read_through_the_cache_and_an_append_refreshes_them(
    uow, history, clock, conversation, append
):
    await three_messages(append, clock)
    newest = list_cmd(conversation, 2, newest_first=True)
    assert await contents(uow, history, newest) == ["three", "two"]
    assert await contents(uow, history, newest) == ["three", "two"]
    assert history.hits == 1
    await append(BOT, "four")
    assert await contents(uow, history, newest) == ["four", "three"]
    assert history.hits == 1


async def test_other_listings_bypass_the_cache(uow, history, clock, conversation, append):
    await three_messages(append, clock)
    for command in (list_cmd(conversation, 2), list_cmd(conversation, 2, after=clock.now)):
        await contents(uow, history, command)
    assert history.pages == {}


async def test_listing_another_tenants_conversation_is_not_found(uow, history, conversation):
    command = c.ListMessages(uuid.uuid4(), conversation.id, PageQuery(), newest_first=True)
    with pytest.raises(NotFound):
        await handlers.list_messages(command, uow, history)
    assert history.pages == {}
