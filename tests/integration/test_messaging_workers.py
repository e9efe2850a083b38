"""The inbox worker and outbox sender over real PostgreSQL and the Cloud API stand-in."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from adapters.local.cloud_api_standin import running_standin
from adapters.whatsapp.cloud_api import CloudApiSender
from core.messaging.handlers import InboxWorker, OutboxSender
from core.messaging.model import DeliveryStatus, InboundMessage, InboundType, OutboundContent
from core.messaging.queue import OutletRef, ProcessingStatus
from core.shared.backoff import Backoff
from core.shared.errors import NotFound, Unavailable

OUTLET = OutletRef(uuid.uuid4(), uuid.uuid4())
TOKEN = "test-token"


class Directory:
    def __init__(self, known: bool = True) -> None:
        self.known = known

    async def resolve(self, phone_number_id: str) -> OutletRef:
        if not self.known:
            raise NotFound("outlet with phone_number_id", phone_number_id)
        return OUTLET


class Replies:
    """Answers every message with its own text, after `failures` refusals."""

    def __init__(self, failures: int = 0, text: str = "") -> None:
        self.failures = failures
        self.text = text
        self.asked: list[str] = []

    async def reply_to(self, message: InboundMessage, outlet: OutletRef) -> OutboundContent:
        self.asked.append(message.whatsapp_message_id)
        if self.failures:
            self.failures -= 1
            raise Unavailable("orchestrator is down")
        return OutboundContent(self.text or f"echo: {message.text}")


def inbound(wamid: str) -> InboundMessage:
    return InboundMessage(
        wamid, "1001", "34600000001", InboundType.TEXT, datetime.now(UTC), text=wamid
    )


async def store(uow_factory, *messages: InboundMessage) -> None:
    async with uow_factory() as uow:
        await uow.inbox.add_new(messages)
        await uow.commit()


async def inbox_item(uow_factory, wamid: str):
    async with uow_factory() as uow:
        page = await uow.inbox.list(
            None, __import__("core.shared.paging", fromlist=["x"]).PageQuery(), None, ""
        )
    return next(i for i in page.items if i.message.whatsapp_message_id == wamid)


def worker(uow_factory, replies, directory=None, woken=None, backoff_ms=10) -> InboxWorker:
    return InboxWorker(
        uow_factory,
        directory or Directory(),
        replies,
        on_enqueued=lambda: woken.append(True) if woken is not None else None,
        lease=timedelta(seconds=30),
        backoff=Backoff(base=timedelta(milliseconds=backoff_ms)),
    )


async def work_all(w: InboxWorker) -> int:
    handled = 0
    while items := await w.claim(10):
        for item in items:
            await w.handle(item)
            handled += 1
    return handled


async def test_reply_is_queued_and_the_item_done_in_one_step(messaging_uow):
    woken: list[bool] = []
    await store(messaging_uow, inbound("w1"))
    await work_all(worker(messaging_uow, Replies(), woken=woken))
    item = await inbox_item(messaging_uow, "w1")
    assert item.status is ProcessingStatus.DONE and item.tenant_id == OUTLET.tenant_id
    async with messaging_uow() as uow:
        (queued,) = (
            await uow.outbox.list(
                None, __import__("core.shared.paging", fromlist=["x"]).PageQuery(), ""
            )
        ).items
    assert queued.piece.body == "echo: w1" and queued.reply_to_message_id == "w1"
    assert woken == [True]


async def test_a_down_orchestrator_keeps_the_item_for_a_retry(messaging_uow):
    replies = Replies(failures=1)
    await store(messaging_uow, inbound("w1"))
    # A backoff longer than one pass of the loop, even on a loaded machine: the item must
    # not come due again before the pass ends.
    w = worker(messaging_uow, replies, backoff_ms=1000)
    await work_all(w)
    item = await inbox_item(messaging_uow, "w1")
    assert item.status is ProcessingStatus.FAILED and "down" in item.last_error
    import asyncio

    await asyncio.sleep(1.05)
    await work_all(w)
    assert (await inbox_item(messaging_uow, "w1")).status is ProcessingStatus.DONE
    assert replies.asked == ["w1", "w1"]


async def test_an_unknown_business_number_is_dead_not_retried(messaging_uow):
    await store(messaging_uow, inbound("w1"))
    await work_all(worker(messaging_uow, Replies(), directory=Directory(known=False)))
    item = await inbox_item(messaging_uow, "w1")
    assert item.status is ProcessingStatus.DEAD and "1001" in item.last_error


async def test_a_long_reply_goes_out_in_order_through_the_cloud_api(messaging_uow):
    long_reply = "\n\n".join(f"Paragraph {i}. " + "word " * 300 for i in range(5))
    await store(messaging_uow, inbound("w1"))
    await work_all(worker(messaging_uow, Replies(text=long_reply)))
    async with running_standin(token=TOKEN) as (base_url, state):
        cloud = CloudApiSender(base_url=base_url, version="v21.0", token=TOKEN, base_delay=0.01)
        sender = OutboxSender(messaging_uow, cloud, lease=timedelta(seconds=30))
        while messages := await sender.claim(10):
            for message in messages:
                await sender.handle(message)
        await cloud.aclose()
    bodies = [s["payload"]["text"]["body"] for s in state.sent]
    assert len(bodies) > 1 and all(len(b) <= 4096 for b in bodies)
    whole = "\n\n".join(bodies)
    positions = [whole.index(f"Paragraph {i}.") for i in range(5)]
    assert positions == sorted(positions)


@pytest.mark.parametrize("plan", [{"status": 429, "count": 6}, {"status": 500, "count": 6}])
async def test_throttling_beyond_the_senders_retries_is_kept_for_later(messaging_uow, plan):
    await store(messaging_uow, inbound("w1"))
    await work_all(worker(messaging_uow, Replies()))
    async with running_standin(token=TOKEN) as (base_url, state):
        state.plan_failures(plan["status"], plan["count"])
        cloud = CloudApiSender(
            base_url=base_url, version="v21.0", token=TOKEN, attempts=2, base_delay=0.01
        )
        sender = OutboxSender(messaging_uow, cloud, lease=timedelta(seconds=30),
                              backoff=Backoff(base=timedelta(milliseconds=10)))  # fmt: skip
        (message,) = await sender.claim(10)
        await sender.handle(message)
        async with messaging_uow() as uow:
            kept = await uow.outbox.get(None, message.id)
        assert kept.status is DeliveryStatus.QUEUED and kept.error["retryable"] is True
        state.planned.clear()
        import asyncio

        await asyncio.sleep(0.05)
        (again,) = await sender.claim(10)
        await sender.handle(again)
        await cloud.aclose()
    async with messaging_uow() as uow:
        assert (await uow.outbox.get(None, message.id)).status is DeliveryStatus.SENT
    assert len(state.sent) == 1
