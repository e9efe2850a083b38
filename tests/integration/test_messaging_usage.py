"""Usage stored with the work that used it (real PostgreSQL), and the relay that hands it on."""

import asyncio
import logging
import uuid
from datetime import timedelta

import pytest

from adapters.grpc.usage_reporter import GrpcUsageReporter
from core.messaging.handlers import InboxWorker, OutboxSender
from core.messaging.model import SendResult, TextPiece
from core.messaging.queue import OutboxMessage
from core.messaging.relay import UsageRelay
from core.messaging.usage import MESSAGES_IN, MESSAGES_OUT, UsageEntry
from core.shared.backoff import Backoff
from core.shared.errors import Unavailable
from core.shared.scope import across_tenants

from .test_messaging_workers import OUTLET, Directory, Replies, inbound, inbox_item, store, work_all

LEASE = timedelta(seconds=30)


async def pending(uow_factory) -> list[tuple[str, str]]:
    """(usage type, key) of every row waiting for billing, as the relay would see them."""
    with across_tenants("test"):
        async with uow_factory() as uow:
            return sorted((e.usage_type, e.idempotency_key) for e in await uow.usage.claim(10_000))


async def keep(uow_factory, *entries: UsageEntry) -> None:
    with across_tenants("test"):
        async with uow_factory() as uow:
            await uow.usage.add(entries)
            await uow.commit()


def inbox_worker(uow_factory) -> InboxWorker:
    return InboxWorker(uow_factory, Directory(), Replies(), lambda: None, LEASE)


class CrashingCommit:
    """The messaging unit of work whose commit dies: the process is killed before it lands."""

    def __init__(self, uow_factory) -> None:
        self._factory = uow_factory

    def __call__(self):
        uow = self._factory()

        async def commit() -> None:
            raise ConnectionError("killed before the commit")

        uow.commit = commit
        return uow


async def test_an_items_usage_commits_with_it_and_once_however_often_it_is_worked(messaging_uow):
    await store(messaging_uow, inbound("w1"))
    await work_all(inbox_worker(messaging_uow))
    await store(messaging_uow, inbound("w1"))  # redelivered: stored once, worked once
    async with messaging_uow() as uow:  # and were it completed twice, it would count once
        await uow.usage.add([UsageEntry(OUTLET.tenant_id, MESSAGES_IN, "w1")])
        await uow.commit()
    assert await pending(messaging_uow) == [(MESSAGES_IN, "w1")]


async def test_no_usage_is_kept_when_the_items_transaction_does_not_commit(messaging_uow):
    await store(messaging_uow, inbound("w1"))
    worker = inbox_worker(messaging_uow)
    (item,) = await worker.claim(10)
    crashing = InboxWorker(
        CrashingCommit(messaging_uow), Directory(), Replies(), lambda: None, LEASE
    )
    with pytest.raises(ConnectionError):
        await crashing.handle(item)
    assert await pending(messaging_uow) == []
    assert (await inbox_item(messaging_uow, "w1")).status.value == "processing"


class Cloud:
    async def send(self, phone_number_id, to, piece, reply_to=""):
        return SendResult(f"wamid.out.{to}")


async def test_a_sent_replys_usage_commits_with_its_mark_sent(messaging_uow):
    message = OutboxMessage(
        uuid.uuid4(), OUTLET.tenant_id, OUTLET.outlet_id, "1001", "34600000001",
        TextPiece("hello"), idempotency_key="k1",
    )  # fmt: skip
    async with messaging_uow() as uow:
        await uow.outbox.enqueue([message])
        await uow.commit()
    sender = OutboxSender(messaging_uow, Cloud(), LEASE)
    (claimed,) = await sender.claim(10)
    await sender.handle(claimed)
    assert await pending(messaging_uow) == [(MESSAGES_OUT, f"out:{message.id}")]


class Billing:
    """Records each batch; holds it a moment, as a billing round trip does."""

    def __init__(self) -> None:
        self.received: list[str] = []

    async def report(self, entries) -> None:
        await asyncio.sleep(0.01)
        self.received.extend(e.idempotency_key for e in entries)


async def test_relays_of_several_replicas_send_each_row_once(messaging_uow):
    keys = [f"w{n}" for n in range(300)]
    await keep(messaging_uow, *(UsageEntry(OUTLET.tenant_id, MESSAGES_IN, k) for k in keys))
    billing = Billing()
    relays = [UsageRelay(messaging_uow, billing, batch=40) for _ in range(3)]

    async def relay_all(relay: UsageRelay) -> None:
        while await relay.relay_once():
            pass

    await asyncio.gather(*(relay_all(relay) for relay in relays))
    assert sorted(billing.received) == sorted(keys)
    assert await pending(messaging_uow) == []


class Tries:
    """A billing reporter that counts its calls; `tried` is set after `enough` of them."""

    def __init__(self, reporter, enough: int) -> None:
        self._reporter = reporter
        self._left = enough
        self.tried = asyncio.Event()

    async def report(self, entries) -> None:
        self._left -= 1
        if self._left <= 0:
            self.tried.set()
        await self._reporter.report(entries)


async def test_a_down_billing_keeps_the_rows_and_the_relay_backs_off(messaging_uow, caplog):
    await keep(messaging_uow, UsageEntry(OUTLET.tenant_id, MESSAGES_IN, "w1"))
    down = GrpcUsageReporter("127.0.0.1:9")  # nothing listens there
    try:
        with pytest.raises(Unavailable):
            await UsageRelay(messaging_uow, down).relay_once()
        tries, stopping = Tries(down, enough=3), asyncio.Event()
        relay = UsageRelay(messaging_uow, tries, backoff=Backoff(base=timedelta(milliseconds=5)))
        with caplog.at_level(logging.WARNING, logger="core.messaging.relay"):
            running = asyncio.create_task(relay.run(stopping))
            await asyncio.wait_for(tries.tried.wait(), 30)  # it keeps trying (bounded)
            stopping.set()
            await running
    finally:
        await down.aclose()
    assert len(caplog.records) >= 3
    assert all("kept" in r.getMessage() for r in caplog.records)
    assert await pending(messaging_uow) == [(MESSAGES_IN, "w1")]
