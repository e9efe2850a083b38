import socket
import time

import httpx
import pytest

from adapters.local.cloud_api_standin import running_standin
from adapters.whatsapp.cloud_api import CloudApiSender
from core.messaging.model import ButtonsPiece, ListPiece, ReplyOption, SendFailure, TextPiece

TOKEN = "test-access-token"
PHONE_ID = "106540352242922"
CUSTOMER = "34611222333"


@pytest.fixture(scope="module")
async def standin():
    async with running_standin(token=TOKEN) as (base_url, state):
        yield base_url, state


@pytest.fixture
async def state(standin):
    _, state = standin
    state.sent.clear()
    state.planned.clear()
    state.requests = 0
    return state


@pytest.fixture
async def sender_for(standin):
    """A factory of real senders against the stand-in, closed after the test."""
    senders = []

    def make(base_url=standin[0], token=TOKEN, attempts=4):
        sender = CloudApiSender(base_url, "v23.0", token, attempts=attempts, base_delay=0.001)
        senders.append(sender)
        return sender

    yield make
    for sender in senders:
        await sender.aclose()


@pytest.fixture
def sender(sender_for, state):
    return sender_for()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_text(sender, state):
    result = await sender.send(PHONE_ID, CUSTOMER, TextPiece("Hola 👋"))
    [sent] = state.sent
    assert result.whatsapp_message_id == sent["id"] and sent["id"].startswith("wamid.")
    assert sent["phone_number_id"] == PHONE_ID
    assert sent["payload"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": CUSTOMER,
        "type": "text",
        "text": {"body": "Hola 👋", "preview_url": False},
    }


async def test_reply_buttons(sender, state):
    buttons = (ReplyOption("yes", "Yes"), ReplyOption("no", "No"))
    await sender.send(PHONE_ID, CUSTOMER, ButtonsPiece("Confirm for 4?", buttons))
    assert state.sent[0]["payload"]["interactive"] == {
        "type": "button",
        "body": {"text": "Confirm for 4?"},
        "action": {
            "buttons": [
                {"type": "reply", "reply": {"id": "yes", "title": "Yes"}},
                {"type": "reply", "reply": {"id": "no", "title": "No"}},
            ]
        },
    }


async def test_list(sender, state):
    rows = (ReplyOption("s1", "20:00", "Inside"), ReplyOption("s2", "20:30"))
    await sender.send(PHONE_ID, CUSTOMER, ListPiece("Pick a time", "Times", rows))
    assert state.sent[0]["payload"]["type"] == "interactive"
    assert state.sent[0]["payload"]["interactive"] == {
        "type": "list",
        "body": {"text": "Pick a time"},
        "action": {
            "button": "Times",
            "sections": [
                {
                    "rows": [
                        {"id": "s1", "title": "20:00", "description": "Inside"},
                        {"id": "s2", "title": "20:30"},
                    ]
                }
            ],
        },
    }


async def test_reply_context(sender, state):
    await sender.send(PHONE_ID, CUSTOMER, TextPiece("Sure"), reply_to="wamid.theirs")
    assert state.sent[0]["payload"]["context"] == {"message_id": "wamid.theirs"}


async def test_mark_read(sender, state):
    await sender.mark_read(PHONE_ID, "wamid.theirs")
    [read] = state.sent
    assert (read["type"], read["message_id"]) == ("read", "wamid.theirs")
    assert read["payload"] == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.theirs",
    }


async def test_each_send_gets_its_own_id(sender, state):
    first = await sender.send(PHONE_ID, CUSTOMER, TextPiece("one"))
    second = await sender.send(PHONE_ID, CUSTOMER, TextPiece("two"))
    assert first != second and [s["payload"]["text"]["body"] for s in state.sent] == ["one", "two"]


@pytest.mark.parametrize(
    ("status", "count", "code"),
    [(429, 1, None), (500, 2, None), (400, 3, 130429), (400, 1, 131056), (503, 3, None)],
)
async def test_transient_failures_are_retried_until_success(sender, state, status, count, code):
    state.plan_failures(status, count, code)
    result = await sender.send(PHONE_ID, CUSTOMER, TextPiece("eventually"))
    assert state.requests == count + 1
    assert [s["id"] for s in state.sent] == [result.whatsapp_message_id]


async def test_persistent_throttling_gives_up_retryable(sender, state):
    state.plan_failures(429, 10)
    with pytest.raises(SendFailure) as failure:
        await sender.send(PHONE_ID, CUSTOMER, TextPiece("never"))
    assert failure.value.retryable and failure.value.code == 130429
    assert failure.value.retry_after == 0.0
    assert state.requests == 4 and state.sent == []


async def test_attempts_are_configurable(sender_for, state):
    state.plan_failures(500, 10)
    with pytest.raises(SendFailure) as failure:
        await sender_for(attempts=2).mark_read(PHONE_ID, "wamid.x")
    assert failure.value.retryable and state.requests == 2


@pytest.mark.parametrize("code", [131047, 131026, 100])
async def test_refusals_are_not_retried(sender, state, code):
    state.plan_failures(400, 1, code)
    with pytest.raises(SendFailure) as failure:
        await sender.send(PHONE_ID, CUSTOMER, TextPiece("late"))
    assert not failure.value.retryable and failure.value.code == code
    assert failure.value.details["code"] == code and "fbtrace_id" in failure.value.details
    assert state.requests == 1


async def test_a_body_meta_refuses_is_not_retried(sender, state):
    too_many = tuple(ReplyOption(str(n), str(n)) for n in range(4))
    with pytest.raises(SendFailure) as failure:
        await sender.send(PHONE_ID, CUSTOMER, ButtonsPiece("Pick", too_many))
    assert not failure.value.retryable and failure.value.code == 131009
    assert "Buttons count" in failure.value.details["error_data"]["details"]
    assert state.requests == 1


async def test_a_wrong_token_is_not_retried(sender_for, state):
    with pytest.raises(SendFailure) as failure:
        await sender_for(token="stale").send(PHONE_ID, CUSTOMER, TextPiece("hi"))
    assert not failure.value.retryable and failure.value.code == 190
    assert failure.value.details["type"] == "OAuthException"
    assert state.requests == 1


async def test_connection_refused_is_retryable(sender_for):
    sender = sender_for(base_url=f"http://127.0.0.1:{free_port()}", attempts=2)
    with pytest.raises(SendFailure) as failure:
        await sender.send(PHONE_ID, CUSTOMER, TextPiece("anyone?"))
    assert failure.value.retryable and failure.value.code is None


async def test_a_shared_client_is_left_open(standin, state):
    async with httpx.AsyncClient() as client:
        sender = CloudApiSender(standin[0], "v23.0", TOKEN, client=client)
        await sender.send(PHONE_ID, CUSTOMER, TextPiece("hi"))
        await sender.aclose()
        assert not client.is_closed


async def test_all_tries_end_within_the_deadline_so_the_outbox_lease_still_holds(standin, state):
    # Unbounded, these waits (1 s, 2 s, 4 s, …) would outlast the lease and let another
    # replica claim, and send again, a message still being sent here.
    state.plan_failures(500, 10)
    sender = CloudApiSender(standin[0], "v23.0", TOKEN, attempts=10, base_delay=1.0, deadline=1.5)
    started = time.monotonic()
    with pytest.raises(SendFailure) as failure:
        await sender.send(PHONE_ID, CUSTOMER, TextPiece("late"))
    await sender.aclose()
    assert failure.value.retryable and "within 1.5 s" in str(failure.value)
    assert time.monotonic() - started < 3
