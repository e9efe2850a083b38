"""STOP and START over real PostgreSQL: the opt-out is kept per tenant, every message the
business starts is refused and counted while it lasts, and the bot still answers."""

import uuid
from dataclasses import replace

import pytest

from core.messaging.model import OutboundContent, WindowState
from core.messaging.opt_out import OPTED_OUT
from core.messaging.sending import SendMessage, send_message
from core.shared.errors import FailedPrecondition
from core.shared.paging import PageQuery
from core.shared.scope import across_tenants

from .test_messaging_workers import OUTLET, Replies, inbound, store, work_all, worker

CUSTOMER = "34600000001"  # the sender of test_messaging_workers.inbound


class Directory:
    async def phone_number_id(self, tenant_id, outlet_id) -> str:
        return "1001"


class OpenWindow:
    async def state(self, tenant_id, conversation_id) -> WindowState:
        return WindowState(open=True)


def said(wamid: str, text: str):
    return replace(inbound(wamid), text=text)


async def business_writes(messaging_uow, tenant_id: uuid.UUID = OUTLET.tenant_id):
    command = SendMessage(
        tenant_id, OUTLET.outlet_id, uuid.uuid4(), f"+{CUSTOMER}", OutboundContent("Your order")
    )
    return await send_message(command, messaging_uow(), Directory(), OpenWindow(), lambda: None)


async def replies_to(messaging_uow) -> dict[str, str]:
    """The replies queued, by the message they answer."""
    with across_tenants("test"):
        async with messaging_uow() as uow:
            page = await uow.outbox.list(None, PageQuery(), "")
    return {m.reply_to_message_id: m.piece.body for m in page.items if m.reply_to_message_id}


async def opt_outs(messaging_uow, tenant_id=OUTLET.tenant_id):
    async with messaging_uow() as uow:
        return (await uow.opt_outs.list(tenant_id, PageQuery())).items


async def test_stop_refuses_what_the_business_starts_until_start(messaging_uow):
    replies = Replies()
    await store(messaging_uow, said("w1", "STOP"))
    await work_all(worker(messaging_uow, replies))
    assert replies.asked == []  # the bot is not asked: the messaging service answers
    assert (await replies_to(messaging_uow))["w1"].startswith("Done: we will not write to you")

    for _ in range(2):
        with pytest.raises(FailedPrecondition, match="opted out") as refused:
            await business_writes(messaging_uow)
    assert refused.value.message == OPTED_OUT
    (kept,) = await opt_outs(messaging_uow)
    assert (kept.customer_phone, kept.refused_sends) == (CUSTOMER, 2)
    assert await opt_outs(messaging_uow, uuid.uuid4()) == []  # another tenant: nothing

    await store(messaging_uow, said("w2", "what time do you open?"))
    await work_all(worker(messaging_uow, replies))
    assert replies.asked == ["w2"]  # what the customer writes is still answered

    await store(messaging_uow, said("w3", "Alta"))
    await work_all(worker(messaging_uow, replies))
    assert (await replies_to(messaging_uow))["w3"].startswith("De nuevo de alta")
    assert await opt_outs(messaging_uow) == []
    assert len(await business_writes(messaging_uow)) == 1


async def test_stop_inside_a_sentence_is_a_message_not_an_opt_out(messaging_uow):
    replies = Replies()
    await store(messaging_uow, said("w1", "is there a bus stop near you?"))
    await work_all(worker(messaging_uow, replies))
    assert replies.asked == ["w1"] and await opt_outs(messaging_uow) == []
