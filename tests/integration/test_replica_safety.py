"""What keeps several replicas of a service correct, on real PostgreSQL: inbox claims that keep
each conversation in order, one payment sweep at a time, exact usage, no stale history."""

import asyncio
import random
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import text

from adapters.local.memory_cache import InProcessHistoryCache, NoHistoryCache
from adapters.postgres.billing_repository import SqlAlchemyBillingUnitOfWork
from adapters.postgres.conversation_repository import SqlAlchemyConversationUnitOfWork
from adapters.postgres.database import session_factory
from adapters.postgres.locks import held_alone
from adapters.postgres.order_repository import SqlAlchemyOrderUnitOfWork
from core.billing import usage
from core.billing.model import UsageEvent, UsageType
from core.conversation import commands as cc
from core.conversation import handlers as conversations
from core.conversation.model import SenderType, utcnow
from core.messaging.model import InboundMessage, InboundType
from core.messaging.queue import OutletRef
from core.order import catalog_handlers, order_handlers
from core.order import commands as oc
from core.order.orders import FulfillmentType, OrderStatus
from core.order.references import OrderReferences
from core.order.sweeper import PaymentSweeper
from core.shared.paging import PageQuery
from services.conversation.container import history_resource
from tests.fakes import FakeConversations, FakeOutlets, FakePaymentGateway

LEASE = timedelta(seconds=30)
OUTLET = OutletRef(uuid.uuid4(), uuid.uuid4())


def inbound(conversation: int, n: int) -> InboundMessage:
    return InboundMessage(
        whatsapp_message_id=f"wamid.{conversation}.{n}",
        phone_number_id="1001",
        customer_phone=f"3460000{conversation:04d}",
        type=InboundType.TEXT,
        sent_at=datetime.now(UTC),
        text=f"message {n}",
    )


async def add(messaging_uow, *messages: InboundMessage) -> int:
    async with messaging_uow() as uow:
        stored = await uow.inbox.add_new(messages)
        await uow.commit()
    return stored


async def claim(messaging_uow, limit: int = 10):
    async with messaging_uow() as uow:
        items = await uow.inbox.claim(limit, LEASE)
        await uow.commit()
    return items


async def complete(messaging_uow, item_id: uuid.UUID) -> None:
    async with messaging_uow() as uow:
        await uow.inbox.complete(item_id, OUTLET)
        await uow.commit()


# -- the inbox ------------------------------------------------------------------------------


async def test_replicas_claiming_at_once_keep_each_conversation_one_at_a_time_in_order(
    messaging_uow,
):
    conversations_, per_conversation, replicas = 40, 5, 3
    for n in range(per_conversation):  # a webhook per message, as customers write
        for c in range(conversations_):
            await add(messaging_uow, inbound(c, n))
    in_hand: dict[str, set[str]] = defaultdict(set)
    overlaps: list[tuple[str, set[str]]] = []
    worked: dict[str, list[str]] = defaultdict(list)
    total = conversations_ * per_conversation

    async def handle(item) -> None:
        phone = item.message.customer_phone
        in_hand[phone].add(item.message.whatsapp_message_id)
        if len(in_hand[phone]) > 1:
            overlaps.append((phone, set(in_hand[phone])))
        await asyncio.sleep(random.uniform(0, 0.01))
        worked[phone].append(item.message.whatsapp_message_id)
        await complete(messaging_uow, item.id)
        in_hand[phone].discard(item.message.whatsapp_message_id)

    async def replica() -> None:
        while sum(map(len, worked.values())) < total:
            items = await claim(messaging_uow, limit=8)
            await asyncio.gather(*(handle(item) for item in items))
            if not items:
                await asyncio.sleep(0.005)

    await asyncio.gather(*(replica() for _ in range(replicas)))
    assert overlaps == []
    assert worked == {
        f"3460000{c:04d}": [f"wamid.{c}.{n}" for n in range(per_conversation)]
        for c in range(conversations_)
    }


async def waits_for_a_lock(db, task: asyncio.Task) -> bool:
    """Whether the task blocks on an advisory lock in our database (False once it is done)."""
    query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    for _ in range(1_000):
        if task.done():
            return False
        async with db.connect() as conn:
            if await conn.scalar(query):
                return True
        await asyncio.sleep(0.01)
    return False


async def test_a_later_message_waits_until_the_earlier_one_of_its_conversation_is_stored(
    messaging_uow, db
):
    # Two replicas take two webhooks of one customer at the same moment. Without the
    # conversation's lock, the second could commit first and be claimed while the first is
    # still being stored, and both would then be in hand at once.
    first, second = inbound(1, 1), inbound(1, 2)
    async with messaging_uow() as storing:
        await storing.inbox.add_new([first])
        later = asyncio.create_task(add(messaging_uow, second))
        assert await waits_for_a_lock(db, later)
        assert await claim(messaging_uow) == []  # nothing committed yet: nothing to claim
        await storing.commit()
    assert await later == 1
    (head,) = await claim(messaging_uow)
    assert head.message.whatsapp_message_id == first.whatsapp_message_id
    assert await claim(messaging_uow) == []
    await complete(messaging_uow, head.id)
    (then,) = await claim(messaging_uow)
    assert then.message.whatsapp_message_id == second.whatsapp_message_id


# -- the payment sweeper --------------------------------------------------------------------


@pytest.fixture
def order_sessions(db):
    return session_factory(db)


async def overdue_orders(db, sessions, count: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """`count` orders of a new tenant, checked out an hour ago and never paid."""
    tenant = uuid.uuid4()
    uow = partial(SqlAlchemyOrderUnitOfWork, sessions)
    item = await catalog_handlers.create_product(
        oc.CreateProduct(tenant, "Paella", "42.00", stock_quantity=count), uow()
    )
    ids = []
    for _ in range(count):
        order = await order_handlers.create_order(
            oc.CreateOrder(
                tenant, uuid.uuid4(), (oc.ItemRequest(item.id, 1),), FulfillmentType.PICKUP,
                customer_phone="+34600111222",
            ),
            uow(),
            OrderReferences(FakeOutlets(), FakeConversations()),
        )  # fmt: skip
        ref = oc.OrderRef(tenant, order.id)
        await order_handlers.checkout(ref, uow(), FakePaymentGateway(), "EUR")
        ids.append(order.id)
    async with db.begin() as conn:
        await conn.execute(
            text(
                "UPDATE orders.orders SET updated_at = now() - interval '1 hour'"
                " WHERE id = ANY(:ids)"
            ),
            {"ids": ids},
        )
    return tenant, ids


class HeldNotifier:
    """Holds the first notice until released, so a pass is caught in the middle."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.notices: list[uuid.UUID] = []
        self._told = asyncio.Condition()

    async def notify(self, order, notice, key: str) -> None:
        async with self._told:
            self.notices.append(order.id)
            self._told.notify_all()
        await self.release.wait()

    async def told(self, count: int) -> None:
        async with self._told:
            await self._told.wait_for(lambda: len(self.notices) >= count)


def sweeper(sessions, notifier, alone=True) -> PaymentSweeper:
    return PaymentSweeper(
        partial(SqlAlchemyOrderUnitOfWork, sessions), notifier, utcnow,
        timedelta(minutes=15), 1.0, alone=partial(held_alone, sessions) if alone else None,
    )  # fmt: skip


async def test_a_replica_skips_its_sweep_while_another_replicas_pass_runs(db, order_sessions):
    tenant, orders = await overdue_orders(db, order_sessions, 2)
    notifier = HeldNotifier()
    first = asyncio.create_task(sweeper(order_sessions, notifier).sweep())
    await notifier.told(1)  # the first replica cancelled one order and is telling them

    assert await sweeper(order_sessions, notifier).sweep() == 0  # skipped, not waiting

    notifier.release.set()
    assert await first == 2
    assert sorted(notifier.notices) == sorted(orders)  # each customer told once
    uow = partial(SqlAlchemyOrderUnitOfWork, order_sessions)
    for order_id in orders:
        order = await order_handlers.get_order(tenant, order_id, uow())
        assert order.status is OrderStatus.CANCELLED


async def test_without_the_lock_a_second_replica_would_sweep_beside_the_first(db, order_sessions):
    # The control: the same moment without `alone` takes the other order, so the test above
    # would fail if the lock did nothing.
    await overdue_orders(db, order_sessions, 2)
    notifier = HeldNotifier()
    first = asyncio.create_task(sweeper(order_sessions, notifier, alone=False).sweep())
    await notifier.told(1)
    second = asyncio.create_task(sweeper(order_sessions, notifier, alone=False).sweep())
    await notifier.told(2)
    notifier.release.set()
    assert sorted([await first, await second]) == [1, 1]


async def test_the_sweep_lock_is_free_again_after_a_pass(db, order_sessions):
    notifier = HeldNotifier()
    notifier.release.set()
    assert await sweeper(order_sessions, notifier).sweep() == 0
    _, orders = await overdue_orders(db, order_sessions, 1)
    assert await sweeper(order_sessions, notifier).sweep() == 1
    assert notifier.notices == orders


# -- usage and history ----------------------------------------------------------------------


async def test_replicas_flushing_the_same_usage_at_once_count_each_message_once(db):
    sessions = session_factory(db)
    tenant = uuid.uuid4()
    now = datetime.now(UTC)
    keys = [f"wamid.{n}" for n in range(300)]

    def batch(chosen: list[str]) -> list[UsageEvent]:
        return [UsageEvent(tenant, UsageType.MESSAGES_IN, 1, key, now) for key in chosen]

    # Three messaging replicas: each handled (or re-handled after a lease ran out) some of the
    # same messages, and they flush at the same instant.
    flushes = [keys[:200], keys[100:], keys[::3]]
    results = await asyncio.gather(
        *(usage.record_usage(batch(c), SqlAlchemyBillingUnitOfWork(sessions)) for c in flushes)
    )
    assert sum(r.counted for r in results) == len(keys)
    async with db.connect() as conn:
        counted = await conn.scalar(
            text(
                "SELECT sum(count) FROM billing.usage_records"
                " WHERE tenant_id = :t AND usage_type = 'messages_in'"
            ),
            {"t": tenant},
        )
    assert counted == len(keys)


async def two_replicas_history(db, single_replica: bool) -> tuple[list[str], list[str]]:
    """What replica B reads after a message is appended through replica A, and the reverse."""
    sessions = session_factory(db)
    uow = partial(SqlAlchemyConversationUnitOfWork, sessions)
    replicas = [history_resource(None, single_replica) for _ in "ab"]
    a, b = [await anext(r) for r in replicas]
    tenant = uuid.uuid4()
    conversation, _ = await conversations.create_or_get_conversation(
        cc.CreateOrGetConversation(tenant, uuid.uuid4(), "+34600111222"), uow()
    )
    latest = cc.ListMessages(tenant, conversation.id, PageQuery(10), newest_first=True)

    async def append(cache, content: str) -> None:
        command = cc.AppendMessage(tenant, conversation.id, SenderType.CUSTOMER, content)
        await conversations.append_message(command, uow(), cache, utcnow)

    async def read(cache) -> list[str]:
        return [m.content for m in (await conversations.list_messages(latest, uow(), cache)).items]

    await append(a, "hola")
    await read(a), await read(b)  # both replicas have read the conversation once
    await append(b, "a table for two")  # through B: A's memory knows nothing of it
    seen_by_a = await read(a)
    await append(a, "at 8")
    seen_by_b = await read(b)
    return seen_by_a, seen_by_b


async def test_several_replicas_without_redis_read_history_from_the_database(db):
    seen_by_a, seen_by_b = await two_replicas_history(db, single_replica=False)
    assert seen_by_a == ["a table for two", "hola"]
    assert seen_by_b == ["at 8", "a table for two", "hola"]


async def test_a_per_process_cache_beside_another_replica_would_serve_stale_history(db):
    seen_by_a, _ = await two_replicas_history(db, single_replica=True)
    assert seen_by_a == ["hola"]  # why several replicas must not use it


async def test_the_history_cache_is_chosen_by_redis_and_replica_count():
    assert isinstance(await anext(history_resource(None, True)), InProcessHistoryCache)
    assert isinstance(await anext(history_resource(None, False)), NoHistoryCache)
