"""Reactions, edits and revokes over real PostgreSQL: kept on the message they name (the
customer's own or the business's), within the customer's own messages, never answered."""

from dataclasses import replace
from datetime import UTC, datetime

from core.messaging.model import InboundMessage, InboundType
from core.shared.paging import PageQuery

from .test_messaging_workers import Replies, inbound, inbox_item, store, work_all, worker

CUSTOMER = "34600000001"  # the sender of test_messaging_workers.inbound


def change(wamid: str, kind: InboundType, target: str, text: str = "", phone=CUSTOMER):
    return InboundMessage(
        wamid, "1001", phone, kind, datetime.now(UTC), text=text, context_message_id=target
    )


async def outbound(messaging_uow):
    async with messaging_uow() as uow:
        return (await uow.outbox.list(None, PageQuery(), "")).items


async def test_a_reaction_is_kept_on_the_business_message_and_on_the_customers_own(messaging_uow):
    replies = Replies()
    await store(messaging_uow, inbound("w1"))
    await work_all(worker(messaging_uow, replies))
    [reply] = await outbound(messaging_uow)
    async with messaging_uow() as uow:
        await uow.outbox.mark_sent(reply.id, "wamid.out1")
        await uow.commit()

    await store(
        messaging_uow,
        change("r1", InboundType.REACTION, "wamid.out1", "👍"),
        change("r2", InboundType.REACTION, "w1", "❤️"),
    )
    await work_all(worker(messaging_uow, replies))
    [reply] = await outbound(messaging_uow)  # nothing new was queued
    assert reply.reaction == "👍"
    assert (await inbox_item(messaging_uow, "w1")).reaction == "❤️"
    assert replies.asked == ["w1", "r1", "r2"]  # logged in the conversation, not answered

    await store(messaging_uow, change("r3", InboundType.REACTION, "wamid.out1", ""))
    await work_all(worker(messaging_uow, replies))
    assert (await outbound(messaging_uow))[0].reaction == ""  # taken back


async def test_an_edit_keeps_the_first_text_and_a_revoke_marks_the_message(messaging_uow):
    replies = Replies()
    await store(messaging_uow, replace(inbound("w1"), text="table for 4"))
    await work_all(worker(messaging_uow, replies))
    await store(
        messaging_uow,
        change("e1", InboundType.EDIT, "w1", "table for 5"),
        change("e2", InboundType.EDIT, "w1", "table for 6"),
    )
    await work_all(worker(messaging_uow, replies))
    item = await inbox_item(messaging_uow, "w1")
    assert (item.message.text, item.original_text) == ("table for 6", "table for 4")
    assert item.edited_at is not None and item.revoked_at is None

    await store(messaging_uow, change("v1", InboundType.REVOKE, "w1"))
    await work_all(worker(messaging_uow, replies))
    assert (await inbox_item(messaging_uow, "w1")).revoked_at is not None
    assert replies.asked == ["w1", "e1", "e2", "v1"]  # logged in the conversation
    assert len(await outbound(messaging_uow)) == 1
    async with messaging_uow() as uow:
        metered = [entry.idempotency_key for entry in await uow.usage.claim(10)]
    assert metered == ["w1"]  # an edit or revoke is not another message


async def test_another_customer_cannot_change_a_message(messaging_uow):
    await store(messaging_uow, inbound("w1"))
    await work_all(worker(messaging_uow, Replies()))
    await store(
        messaging_uow,
        change("r1", InboundType.REACTION, "w1", "😡", phone="34699999999"),
        change("v1", InboundType.REVOKE, "w1", phone="34699999999"),
    )
    await work_all(worker(messaging_uow, Replies()))
    item = await inbox_item(messaging_uow, "w1")
    assert (item.reaction, item.revoked_at) == ("", None)
