"""The conversation context's Postgres adapter, driven through the use cases, on real PostgreSQL."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from adapters.postgres.models.conversation import ConversationRow, MessageRow
from core.conversation import commands as c
from core.conversation import handlers
from core.conversation.model import ConversationStatus, MessageType, SenderType
from core.shared.errors import NotFound
from core.shared.paging import PageQuery
from tests.fakes import FakeClock, FakeHistoryCache, FakeStaff

TENANT = uuid.uuid4()
OUTLET = uuid.uuid4()
AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


async def open_conversation(uow, phone="+6281234567890", name="Budi", outlet=OUTLET):
    command = c.CreateOrGetConversation(TENANT, outlet, phone, name)
    return await handlers.create_or_get_conversation(command, uow())


async def append(uow, conversation_id, content="hola", **extra):
    command = c.AppendMessage(
        TENANT, conversation_id, extra.pop("sender", SenderType.CUSTOMER), content, **extra
    )
    return await handlers.append_message(command, uow(), FakeHistoryCache(), FakeClock(AT))


async def count(db, row, **match) -> int:
    where = [getattr(row, name) == value for name, value in match.items()]
    async with db.connect() as conn:
        return await conn.scalar(select(func.count()).select_from(row).where(*where))


async def test_conversation_round_trips_every_column(conversation_uow):
    opened, created = await open_conversation(conversation_uow)
    changes = {"customer_name": "Budi S.", "metadata": {"labels": ["vip"], "score": 3}}
    await handlers.update_conversation(
        c.UpdateConversation(TENANT, opened.id, changes), conversation_uow()
    )
    await handlers.request_handoff(
        c.RequestHandoff(TENANT, opened.id, "asked for a person"), conversation_uow(), FakeClock()
    )
    agent = uuid.uuid4()
    assigned = await handlers.assign_handoff(
        c.AssignHandoff(TENANT, opened.id, agent), conversation_uow(), FakeStaff(active={agent})
    )
    loaded = await handlers.get_conversation(TENANT, opened.id, conversation_uow())
    assert created and loaded == assigned
    assert loaded.metadata == changes["metadata"] and loaded.handoff_agent_id == agent
    assert loaded.handoff_at == FakeClock().now and loaded.created_at.tzinfo is not None


async def test_message_round_trips_every_column(conversation_uow):
    opened, _ = await open_conversation(conversation_uow)
    appended = await append(
        conversation_uow,
        opened.id,
        "Pick one",
        sender=SenderType.BOT,
        sender_id="booking",
        message_type=MessageType.INTERACTIVE,
        whatsapp_message_id="wamid.X",
        metadata={"options": [{"id": "a", "title": "A"}]},
    )
    page = await handlers.list_messages(
        c.ListMessages(TENANT, opened.id, PageQuery()), conversation_uow(), FakeHistoryCache()
    )
    assert page.items == [appended.message]
    assert appended.message.timestamp == AT
    assert appended.conversation.last_message_at == AT
    assert appended.conversation.last_customer_message_at is None


async def test_concurrent_create_or_get_of_one_pair_all_return_one_conversation(
    db, conversation_uow
):
    results = await asyncio.gather(*(open_conversation(conversation_uow) for _ in range(8)))
    assert len({conversation.id for conversation, _ in results}) == 1
    assert [created for _, created in results].count(True) == 1
    assert await count(db, ConversationRow) == 1


async def test_concurrent_redeliveries_store_the_message_once(db, conversation_uow):
    opened, _ = await open_conversation(conversation_uow)
    results = await asyncio.gather(
        *(append(conversation_uow, opened.id, whatsapp_message_id="wamid.1") for _ in range(8))
    )
    assert [r.duplicate for r in results].count(False) == 1
    assert len({r.message.id for r in results}) == 1
    assert await count(db, MessageRow) == 1
    stored = await handlers.get_conversation(TENANT, opened.id, conversation_uow())
    assert stored.message_count == 1


async def test_concurrent_appends_are_all_counted(conversation_uow):
    opened, _ = await open_conversation(conversation_uow)
    await asyncio.gather(*(append(conversation_uow, opened.id, f"m{i}") for i in range(10)))
    stored = await handlers.get_conversation(TENANT, opened.id, conversation_uow())
    assert stored.message_count == 10


async def test_messages_without_a_whatsapp_id_never_collide(db, conversation_uow):
    opened, _ = await open_conversation(conversation_uow)
    for _ in range(2):
        assert not (await append(conversation_uow, opened.id, sender=SenderType.BOT)).duplicate
    assert await count(db, MessageRow, whatsapp_message_id=None) == 2


async def test_a_refused_append_leaves_no_message(db, conversation_uow):
    opened, _ = await open_conversation(conversation_uow)
    await handlers.close_conversation(
        c.CloseConversation(TENANT, opened.id), conversation_uow(), FakeClock()
    )
    with pytest.raises(Exception, match="closed"):
        await append(conversation_uow, opened.id)
    assert await count(db, MessageRow) == 0


async def test_another_tenant_sees_nothing(conversation_uow):
    opened, _ = await open_conversation(conversation_uow)
    with pytest.raises(NotFound):
        await handlers.get_conversation(uuid.uuid4(), opened.id, conversation_uow())
    page = await handlers.list_conversations(
        c.ListConversations(uuid.uuid4(), PageQuery()), conversation_uow()
    )
    assert page.items == []


async def list_ids(uow, size=50, token="", **filters) -> tuple[list[uuid.UUID], str]:
    page = await handlers.list_conversations(
        c.ListConversations(TENANT, PageQuery(size, token), **filters), uow()
    )
    return [item.id for item in page.items], page.next_token


async def test_list_is_most_recent_activity_first_and_pages(conversation_uow):
    quiet, _ = await open_conversation(conversation_uow, "+6281111111111", "Ana")
    busy, _ = await open_conversation(conversation_uow, "+6282222222222", "Budi")
    newest, _ = await open_conversation(conversation_uow, "+6283333333333", "Cici")
    await append(conversation_uow, busy.id, timestamp=datetime.now(UTC) + timedelta(hours=1))
    first, token = await list_ids(conversation_uow, size=2)
    rest, last = await list_ids(conversation_uow, size=2, token=token)
    assert first + rest == [busy.id, newest.id, quiet.id]
    assert last == ""


async def test_list_filters(conversation_uow):
    ana, _ = await open_conversation(conversation_uow, "+6281111111111", "Ana 100%")
    budi, _ = await open_conversation(conversation_uow, "+6282222222222", "Budi", uuid.uuid4())
    await handlers.request_handoff(
        c.RequestHandoff(TENANT, budi.id), conversation_uow(), FakeClock()
    )
    archive = c.CloseConversation(TENANT, ana.id, archive=True)
    await handlers.close_conversation(archive, conversation_uow(), FakeClock())

    assert (await list_ids(conversation_uow))[0] == [budi.id]
    assert (await list_ids(conversation_uow, status=ConversationStatus.ARCHIVED))[0] == [ana.id]
    assert (await list_ids(conversation_uow, outlet_id=OUTLET))[0] == []
    assert (await list_ids(conversation_uow, handoff_only=True))[0] == [budi.id]
    assert (await list_ids(conversation_uow, handoff_agent_id=uuid.uuid4()))[0] == []
    assert (await list_ids(conversation_uow, customer="2222"))[0] == [budi.id]
    assert (await list_ids(conversation_uow, customer="bUDi"))[0] == [budi.id]
    archived = ConversationStatus.ARCHIVED
    assert (await list_ids(conversation_uow, status=archived, customer="0%"))[0] == [ana.id]
    assert (await list_ids(conversation_uow, status=archived, customer="1%1"))[0] == []


async def test_messages_page_both_ways_and_within_bounds(conversation_uow):
    opened, _ = await open_conversation(conversation_uow)
    for minute in range(5):
        await append(
            conversation_uow, opened.id, f"m{minute}", timestamp=AT + timedelta(minutes=minute)
        )

    async def contents(size=50, token="", **extra):
        query = c.ListMessages(TENANT, opened.id, PageQuery(size, token), **extra)
        page = await handlers.list_messages(query, conversation_uow(), FakeHistoryCache())
        return [m.content for m in page.items], page.next_token

    newest, token = await contents(2, newest_first=True)
    older, token = await contents(2, token, newest_first=True)
    assert newest + older == ["m4", "m3", "m2", "m1"] and token
    assert (await contents(2, token, newest_first=True)) == (["m0"], "")
    bounded = await contents(after=AT + timedelta(minutes=1), before=AT + timedelta(minutes=3))
    assert bounded == (["m1", "m2"], "")
