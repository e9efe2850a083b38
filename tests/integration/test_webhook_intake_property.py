"""Generated webhook bodies, signed as Meta signs them, through ReceiveWebhook on a real gRPC
server over Postgres: whatever a batch holds, the call never fails with the database up, and
every valid message in it is stored exactly once (a redelivery stores nothing new).

Hypothesis drives a synchronous test, so the server and the database engine live on an event
loop of their own in a thread, and each example is run there to completion.
"""

import asyncio
import itertools
import json
import threading
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from crm.messaging.v1 import messaging_pb2_grpc
from google.api import httpbody_pb2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.grpc.messaging_servicer import MessagingServicer
from adapters.postgres.database import session_factory
from adapters.postgres.messaging_repository import SqlAlchemyMessagingUnitOfWork
from adapters.whatsapp.webhook import MAX_TEXT
from core.messaging.signature import sign
from services.runtime import build_server
from tests import whatsapp_payloads as wa

SECRET = "property-secret"
_serial = itertools.count()

# Free text as customers and broken clients send it: NULs, lone surrogates, emoji, long runs.
TEXT = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.sampled_from(["\x00", "\ud800", "a", "ñ", "😀", " ", "\n"]), max_size=40),
    st.integers(0, MAX_TEXT).map(lambda n: "x" * n),
)
# How a message may break the contract: (field, value), or a whole message that is no object.
BREAKAGES = st.sampled_from(
    [
        ("id", "w" * 129), ("id", "wamid.\x00"), ("id", ""), ("id", None), ("id", {"a": 1}),
        ("from", "3" * 33), ("from", "+34 611"), ("from", ""), ("from", "\ud800"),
        ("timestamp", "1" + "0" * 20), ("timestamp", "-5"), ("timestamp", "soon"),
        ("timestamp", 1.5), ("type", None), ("type", "t" * 40),
        ("context", {"id": "c" * 300}), (None, "not an object"), (None, 7),
    ]
)  # fmt: skip
KINDS = st.sampled_from(["text", "text", "image", "reaction", "sticker", "brand_new_type"])
EXTRAS = st.dictionaries(
    st.text(max_size=8), st.one_of(st.none(), st.floats(), TEXT, st.integers()), max_size=3
)


@st.composite
def a_message(draw) -> tuple[dict[str, Any] | Any, bool]:
    """A message and whether it is valid; valid ones get an id no other example uses."""
    kind = draw(KINDS)
    content = {"body": draw(TEXT)} if kind == "text" else {"caption": draw(TEXT), "emoji": "👍"}
    sender = draw(st.from_regex(r"[1-9][0-9]{6,14}", fullmatch=True))
    message = wa.message(kind, content, id=f"wamid.prop{next(_serial)}", **{"from": sender})
    message.update(draw(EXTRAS))
    if not draw(st.booleans()):
        return message, True
    field, value = draw(BREAKAGES)
    if field is None:
        return value, False
    if value is None:
        message.pop(field, None)
    else:
        message[field] = value
    return message, False


@st.composite
def a_body(draw) -> tuple[bytes, list[str]]:
    """A signed-able body of 1-3 changes and the ids of the valid messages in it."""
    changes, valid = [], []
    for _ in range(draw(st.integers(1, 3))):
        drawn = draw(st.lists(a_message(), min_size=1, max_size=4))
        statuses = draw(st.lists(st.sampled_from([wa.status(), {"id": "\x00", "status": "sent"}])))
        contacts = [{"wa_id": "1", "profile": {"name": draw(TEXT)}}]
        value = wa.value(statuses=statuses)
        value.update(contacts=contacts, messages=[m for m, _ in drawn])
        changes.append(wa.change(value))
        valid += [m["id"] for m, ok in drawn if ok]
    raw = json.dumps(wa.envelope(*changes), allow_nan=True)  # escapes surrogates and NULs
    return raw.encode(), valid


class Intake:
    """ReceiveWebhook served on its own loop in a thread, with a way to count stored rows."""

    def __init__(self, database_url) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._url = database_url
        self.run(self._start())

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=60)

    async def _start(self) -> None:
        self._engine = create_async_engine(self._url)
        sessions = session_factory(self._engine)
        servicer = MessagingServicer(
            lambda: SqlAlchemyMessagingUnitOfWork(sessions),
            SECRET, "verify", lambda: None, None, None, lambda: None, None, None,
        )  # fmt: skip
        self._server, _ = build_server(
            lambda s: messaging_pb2_grpc.add_MessagingServiceServicer_to_server(servicer, s),
            ["crm.messaging.v1.MessagingService"],
        )
        port = self._server.add_insecure_port("127.0.0.1:0")
        await self._server.start()
        self._channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
        self._stub = messaging_pb2_grpc.MessagingServiceStub(self._channel)

    async def post(self, raw: bytes) -> grpc.StatusCode:
        metadata = (("x-hub-signature-256", sign(SECRET, raw)),)
        try:
            await self._stub.ReceiveWebhook(httpbody_pb2.HttpBody(data=raw), metadata=metadata)
        except grpc.aio.AioRpcError as error:
            return error.code()
        return grpc.StatusCode.OK

    async def kept(self, ids: list[str]) -> dict[str, tuple[str, int]]:
        """Each id's status and how many rows hold it."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT whatsapp_message_id, min(status), count(*) "
                    "FROM messaging.inbox_items WHERE whatsapp_message_id = ANY(:ids) "
                    "GROUP BY whatsapp_message_id"
                ),
                {"ids": ids},
            )
            return {r[0]: (r[1], r[2]) for r in rows}

    async def rejected(self) -> int:
        async with self._engine.connect() as conn:
            return await conn.scalar(
                text("SELECT count(*) FROM messaging.inbox_items WHERE status = 'rejected'")
            )

    def close(self) -> None:
        async def stop() -> None:
            async with self._engine.begin() as conn:  # later tests start from an empty inbox
                await conn.execute(text("TRUNCATE messaging.inbox_items CASCADE"))
            await self._channel.close()
            await self._server.stop(None)
            await self._engine.dispose()

        self.run(stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()


@pytest.fixture(scope="module")
def intake(database_url) -> Iterator[Intake]:
    served = Intake(database_url)
    yield served
    served.close()


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)  # fmt: skip
@given(body=a_body())
def test_no_body_fails_the_call_and_every_valid_message_is_stored_once(intake, body):
    raw, valid = body
    assert intake.run(intake.post(raw)) is grpc.StatusCode.OK
    assert intake.run(intake.post(raw)) is grpc.StatusCode.OK  # Meta delivers it again
    kept = intake.run(intake.kept(valid))
    assert kept == {message_id: ("pending", 1) for message_id in valid}


def test_a_rejected_message_is_kept_once_for_operators_beside_the_valid_one(intake):
    good = wa.text_message("mesa para 2", id=f"wamid.prop{next(_serial)}")
    bad = wa.text_message(
        "hola", id=f"wamid.prop{next(_serial)}", timestamp="100000000000000000000"
    )
    raw = wa.body(wa.webhook(messages=[bad, good]))
    before = intake.run(intake.rejected())
    for _ in range(2):
        assert intake.run(intake.post(raw)) is grpc.StatusCode.OK
    assert intake.run(intake.kept([good["id"], bad["id"]])) == {
        good["id"]: ("pending", 1),
        bad["id"]: ("rejected", 1),
    }
    assert intake.run(intake.rejected()) == before + 1


def test_a_body_that_is_not_a_webhook_is_invalid_argument(intake):
    assert intake.run(intake.post(b"{not json")) is grpc.StatusCode.INVALID_ARGUMENT
