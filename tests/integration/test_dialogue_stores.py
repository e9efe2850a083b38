"""Dialogue state in real Redis and real Postgres: the same contract, scoped by tenant."""

import os
import uuid
from dataclasses import replace

import pytest
from redis.asyncio import Redis

from adapters.postgres.database import session_factory
from adapters.postgres.dialogue_store import PostgresDialogueStore
from adapters.redis.dialogue_store import RedisDialogueStore
from core.messaging.model import ReplyOption
from core.orchestrator.dialogue import DialogueState
from core.orchestrator.model import BotReply, Outcome

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


async def _redis_store():
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except OSError as down:
        await client.aclose()
        if "REDIS_URL" in os.environ:
            raise
        pytest.skip(f"no Redis answers at {REDIS_URL}: {down}")
    prefix = f"test:dialogue:{uuid.uuid4().hex}"
    return client, RedisDialogueStore(client, prefix=prefix), prefix


@pytest.fixture(params=["redis", "postgres"])
async def store(request, db):
    if request.param == "postgres":
        yield PostgresDialogueStore(session_factory(db))
        return
    client, redis_store, prefix = await _redis_store()
    yield redis_store
    keys = [k async for k in client.scan_iter(f"{prefix}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_state_round_trips_and_is_replaced(store):
    tenant, conversation = uuid.uuid4(), uuid.uuid4()
    assert await store.load(tenant, conversation) is None
    state = DialogueState("booking", {"party_size": "4"}, "booking", "booking.new", 1)
    await store.save(tenant, conversation, state)
    assert await store.load(tenant, conversation) == state
    state.finish()
    await store.save(tenant, conversation, state)
    assert (await store.load(tenant, conversation)).active_agent == ""


async def test_another_tenant_sees_nothing_and_cannot_overwrite(store):
    tenant, other, conversation = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await store.save(tenant, conversation, DialogueState("order"))
    assert await store.load(other, conversation) is None
    await store.save(other, conversation, DialogueState("booking"))
    assert (await store.load(tenant, conversation)).active_agent == "order"


async def test_reset_forgets(store):
    tenant, conversation = uuid.uuid4(), uuid.uuid4()
    await store.save(tenant, conversation, DialogueState("order"))
    await store.reset(tenant, conversation)
    assert await store.load(tenant, conversation) is None


async def test_a_kept_answer_comes_back_whole_with_the_state(store):
    """The answer to a message is stored in the same write as the state it produced."""
    tenant, conversation = uuid.uuid4(), uuid.uuid4()
    given = Outcome(
        BotReply("Would you like a person?", (ReplyOption("yes", "Yes, please"),)),
        "support",
        conversation,
        intent="support",
        confidence=0.8,
    )
    state = DialogueState("support", pending="handoff")
    state.remember("wamid.X", given.answer())
    await store.save(tenant, conversation, state)
    kept = (await store.load(tenant, conversation)).answered["wamid.X"]
    again = Outcome.again(kept, conversation, duplicate=True)
    assert again == replace(given, duplicate=True)
