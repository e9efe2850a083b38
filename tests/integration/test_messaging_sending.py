"""SendMessage: business-started messages queue within WhatsApp's rules, once per key."""

import uuid

import pytest

from core.messaging.model import ListPiece, OutboundContent, ReplyOption, TextPiece, WindowState
from core.messaging.sending import SendMessage, send_message
from core.shared.errors import FailedPrecondition, InvalidInput

TENANT, OUTLET, CONVERSATION = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


class Outlets:
    async def phone_number_id(self, tenant_id, outlet_id) -> str:
        assert (tenant_id, outlet_id) == (TENANT, OUTLET)
        return "1001"


class Window:
    def __init__(self, open_: bool, language: str = "") -> None:
        self.open, self.language = open_, language

    async def state(self, tenant_id, conversation_id) -> WindowState:
        return WindowState(self.open, self.language)


def command(text="Your table is ready", key="", options=(), to="+34600000001") -> SendMessage:
    return SendMessage(
        TENANT, OUTLET, CONVERSATION, to, OutboundContent(text, options), idempotency_key=key
    )


async def send(messaging_uow, cmd, window_open=True, woken=None):
    woken = [] if woken is None else woken
    return await send_message(
        cmd, messaging_uow(), Outlets(), Window(window_open), lambda: woken.append(1)
    )


async def test_inside_the_window_the_message_is_queued_from_the_outlets_number(messaging_uow):
    woken: list[int] = []
    (queued,) = await send(messaging_uow, command(), woken=woken)
    assert (queued.phone_number_id, queued.to_phone, queued.piece) == (
        "1001", "34600000001", TextPiece("Your table is ready")
    )  # fmt: skip
    assert woken == [1]


async def test_outside_the_window_a_free_form_message_is_refused_with_the_reason(messaging_uow):
    with pytest.raises(FailedPrecondition, match="24-hour"):
        await send(messaging_uow, command(), window_open=False)


@pytest.mark.parametrize(
    ("cmd", "field"), [(command(to="hello"), "to"), (command(text=" "), "content")]
)
async def test_bad_requests_name_the_field(messaging_uow, cmd, field):
    with pytest.raises(InvalidInput) as refused:
        await send(messaging_uow, cmd)
    assert refused.value.field == field


async def test_a_number_other_than_the_outlets_is_refused(messaging_uow):
    cmd = SendMessage(
        TENANT, OUTLET, CONVERSATION, "+34600000001", OutboundContent("Hi"), phone_number_id="2002"
    )
    with pytest.raises(InvalidInput) as refused:
        await send(messaging_uow, cmd)
    assert refused.value.field == "phone_number_id"


async def test_a_repeated_key_queues_nothing_new(messaging_uow):
    (first,) = await send(messaging_uow, command(key="order-42-ready"))
    (again,) = await send(messaging_uow, command(key="order-42-ready"))
    assert again.id == first.id


async def test_many_options_become_lists(messaging_uow):
    options = tuple(
        ReplyOption(f"slot-{i}", f"{18 + i // 2}:{'30' if i % 2 else '00'}") for i in range(6)
    )
    (queued,) = await send(messaging_uow, command("Pick a time", options=options))
    assert isinstance(queued.piece, ListPiece) and len(queued.piece.rows) == 6
