"""The inbox and outbox on real PostgreSQL: idempotent intake, ordered leased claims."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from core.messaging.model import (
    DeliveryStatus,
    InboundMessage,
    InboundType,
    StatusUpdate,
    TextPiece,
)
from core.messaging.queue import OutboxMessage, OutletRef, ProcessingStatus
from core.shared.paging import PageQuery

LEASE = timedelta(seconds=30)
OUTLET = OutletRef(uuid.uuid4(), uuid.uuid4())


def inbound(wamid: str, customer: str = "34600000001") -> InboundMessage:
    return InboundMessage(
        whatsapp_message_id=wamid,
        phone_number_id="1001",
        customer_phone=customer,
        type=InboundType.TEXT,
        sent_at=datetime.now(UTC),
        text=f"text of {wamid}",
        payload={"id": wamid},
    )


async def add(uow_factory, *messages: InboundMessage) -> int:
    async with uow_factory() as uow:
        stored = await uow.inbox.add_new(messages)
        await uow.commit()
    return stored


async def claim(uow_factory, limit: int = 10, lease: timedelta = LEASE):
    async with uow_factory() as uow:
        items = await uow.inbox.claim(limit, lease)
        await uow.commit()
    return items


async def settle(uow_factory, action: str, item_id, *args) -> None:
    async with uow_factory() as uow:
        await getattr(uow.inbox, action)(item_id, *args)
        await uow.commit()


async def test_a_redelivered_message_is_stored_once(messaging_uow):
    assert await add(messaging_uow, inbound("w1"), inbound("w2")) == 2
    assert await add(messaging_uow, inbound("w1"), inbound("w3")) == 1
    results = await asyncio.gather(*(add(messaging_uow, inbound("w4")) for _ in range(5)))
    assert sorted(results) == [0, 0, 0, 0, 1]


async def test_one_conversation_is_worked_strictly_in_arrival_order(messaging_uow):
    await add(messaging_uow, inbound("a1", "1"), inbound("a2", "1"), inbound("b1", "2"))
    await add(messaging_uow, inbound("a3", "1"))

    first = await claim(messaging_uow)
    assert [i.message.whatsapp_message_id for i in first] == ["a1", "b1"]
    assert await claim(messaging_uow) == []  # a2 waits while a1 is in hand

    await settle(messaging_uow, "complete", first[0].id, OUTLET)
    second = await claim(messaging_uow)
    assert [i.message.whatsapp_message_id for i in second] == ["a2"]


async def test_a_failed_item_holds_back_its_conversation_until_its_retry(messaging_uow):
    await add(messaging_uow, inbound("a1"), inbound("a2"))
    (item,) = await claim(messaging_uow)
    await settle(messaging_uow, "retry_later", item.id, "orchestrator down", timedelta(seconds=0.3))
    assert await claim(messaging_uow) == []
    await asyncio.sleep(0.4)
    (again,) = await claim(messaging_uow)
    assert again.message.whatsapp_message_id == "a1"
    assert again.attempts == 2
    assert again.last_error == "orchestrator down"


async def test_an_expired_lease_lets_another_worker_take_the_item(messaging_uow):
    await add(messaging_uow, inbound("w1"))
    (taken,) = await claim(messaging_uow, lease=timedelta(seconds=0.2))
    assert await claim(messaging_uow) == []
    await asyncio.sleep(0.3)
    (retaken,) = await claim(messaging_uow)
    assert retaken.id == taken.id and retaken.attempts == 2


async def test_concurrent_workers_never_take_the_same_item(messaging_uow):
    await add(messaging_uow, *(inbound(f"w{i}", customer=str(i)) for i in range(40)))
    batches = await asyncio.gather(*(claim(messaging_uow, limit=7) for _ in range(8)))
    ids = [item.id for batch in batches for item in batch]
    assert len(ids) == len(set(ids)) == 40


async def test_a_dead_item_is_listed_for_operators_and_can_be_requeued(messaging_uow):
    await add(messaging_uow, inbound("w1"))
    (item,) = await claim(messaging_uow)
    await settle(messaging_uow, "bury", item.id, "no outlet has phone_number_id 1001")
    async with messaging_uow() as uow:
        page = await uow.inbox.list(
            None,
            PageQuery(),
            ProcessingStatus.DEAD,
            "",
        )
        assert [i.id for i in page.items] == [item.id]
        requeued = await uow.inbox.requeue(item.id)
        await uow.commit()
    assert requeued.status is ProcessingStatus.PENDING
    assert [i.id for i in await claim(messaging_uow)] == [item.id]


def outbound(key: str, to: str = "34600000001") -> OutboxMessage:
    return OutboxMessage(
        id=uuid.uuid4(),
        tenant_id=OUTLET.tenant_id,
        outlet_id=OUTLET.outlet_id,
        phone_number_id="1001",
        to_phone=to,
        piece=TextPiece(f"reply {key}"),
        idempotency_key=key,
    )


async def enqueue(uow_factory, *messages: OutboxMessage) -> None:
    async with uow_factory() as uow:
        await uow.outbox.enqueue(messages)
        await uow.commit()


async def test_operators_read_a_recipients_messages_newest_first_by_e164_number(messaging_uow):
    for key in ("r:1", "r:2", "r:3"):  # one transaction each: creation times differ
        await enqueue(messaging_uow, outbound(key))
    await enqueue(messaging_uow, outbound("s:1", to="2"))
    async with messaging_uow() as uow:
        first = await uow.outbox.list(None, PageQuery(size=2), "+34600000001")
        rest = await uow.outbox.list(
            None, PageQuery(size=2, token=first.next_token), "+34600000001"
        )
    listed = [m.idempotency_key for m in [*first.items, *rest.items]]
    assert listed == ["r:3", "r:2", "r:1"] and rest.next_token == ""


async def claim_outbox(uow_factory, limit: int = 10):
    async with uow_factory() as uow:
        messages = await uow.outbox.claim(limit, LEASE)
        await uow.commit()
    return messages


async def test_outbox_sends_a_recipients_pieces_in_order_and_queues_a_key_once(messaging_uow):
    await enqueue(messaging_uow, outbound("r:1"), outbound("r:2"), outbound("s:1", to="2"))
    await enqueue(messaging_uow, outbound("r:1"))
    first = await claim_outbox(messaging_uow)
    assert [m.idempotency_key for m in first] == ["r:1", "s:1"]
    assert first[0].piece == TextPiece("reply r:1")
    async with messaging_uow() as uow:
        await uow.outbox.mark_sent(first[0].id, "wamid.sent-1")
        await uow.commit()
    assert [m.idempotency_key for m in await claim_outbox(messaging_uow)] == ["r:2"]


async def test_statuses_only_move_forward_whatever_order_they_arrive_in(messaging_uow):
    await enqueue(messaging_uow, outbound("r:1"))
    (message,) = await claim_outbox(messaging_uow)
    async with messaging_uow() as uow:
        await uow.outbox.mark_sent(message.id, "wamid.x")
        await uow.commit()

    def status(kind: DeliveryStatus) -> StatusUpdate:
        return StatusUpdate("wamid.x", "1001", "34600000001", kind, datetime.now(UTC))

    async with messaging_uow() as uow:
        moved = await uow.outbox.apply_statuses(
            [status(DeliveryStatus.READ), status(DeliveryStatus.DELIVERED)]
        )
        unknown = await uow.outbox.apply_statuses(
            [StatusUpdate("wamid.other", "1001", "1", DeliveryStatus.READ, datetime.now(UTC))]
        )
        await uow.commit()
        stored = await uow.outbox.get(None, message.id)
    assert (moved, unknown) == (1, 0)
    assert stored.status is DeliveryStatus.READ


async def test_outbox_is_scoped_by_tenant(messaging_uow):
    await enqueue(messaging_uow, outbound("r:1"))
    (message,) = await claim_outbox(messaging_uow)
    async with messaging_uow() as uow:
        assert await uow.outbox.get(uuid.uuid4(), message.id) is None
        assert (await uow.outbox.get(OUTLET.tenant_id, message.id)).id == message.id


async def test_operators_retry_only_what_is_stuck_and_only_in_their_tenant(messaging_uow):
    import pytest

    from core.messaging import operations
    from core.shared.errors import FailedPrecondition, NotFound

    await add(messaging_uow, inbound("w1"), inbound("w2", customer="2"))
    first, second = await claim(messaging_uow)
    await settle(messaging_uow, "complete", first.id, OUTLET)
    await settle(messaging_uow, "bury", second.id, "no outlet")
    with pytest.raises(FailedPrecondition, match="done"):
        await operations.retry_inbox_item(messaging_uow(), None, first.id)
    retried = await operations.retry_inbox_item(messaging_uow(), None, second.id)
    assert retried.status is ProcessingStatus.PENDING
    with pytest.raises(NotFound):
        await operations.inbox_item(messaging_uow(), uuid.uuid4(), first.id)

    await enqueue(messaging_uow, outbound("r:1"))
    (message,) = await claim_outbox(messaging_uow)
    async with messaging_uow() as uow:
        await uow.outbox.mark_sent(message.id, "wamid.sent")
        await uow.commit()
    with pytest.raises(FailedPrecondition, match="sent already"):
        await operations.retry_outbound_message(messaging_uow(), OUTLET.tenant_id, message.id)
