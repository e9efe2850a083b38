"""Both history caches against one contract: Redis (the real server) and the in-process one."""

import asyncio
import os
import uuid
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.local.memory_cache import InProcessHistoryCache
from adapters.redis.history_cache import RedisHistoryCache
from core.conversation.model import Message, MessageType, SenderType
from core.conversation.ports import HistoryKey
from core.shared.paging import Page

DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
TTL = 0.3


@pytest.fixture
async def redis_client():
    """The Redis at REDIS_URL (which must answer), else a local one if it answers."""
    url = os.environ.get("REDIS_URL")
    client = Redis.from_url(url or DEFAULT_REDIS)
    try:
        await client.ping()
    except RedisError as error:
        await client.aclose()
        if url:
            raise
        pytest.skip(f"no Redis answers at {DEFAULT_REDIS} and REDIS_URL is unset ({error})")
    yield client
    await client.aclose()


@pytest.fixture
async def redis_cache(redis_client):
    """A Redis cache under a key prefix of its own, its keys deleted afterwards."""
    prefix = f"test:history:{uuid.uuid4().hex}"
    yield RedisHistoryCache(redis_client, prefix=prefix, ttl_seconds=TTL)
    keys = [key async for key in redis_client.scan_iter(match=f"{prefix}:*")]
    if keys:
        await redis_client.delete(*keys)


@pytest.fixture(params=["redis", "in_process"])
def cache(request):
    if request.param == "redis":
        return request.getfixturevalue("redis_cache")
    return InProcessHistoryCache(ttl_seconds=TTL)


def message(key: HistoryKey, content: str, **extra) -> Message:
    return Message(
        tenant_id=key.tenant_id,
        conversation_id=key.conversation_id,
        sender_type=SenderType.CUSTOMER,
        timestamp=datetime(2025, 3, 1, 9, 0, 0, 123456, tzinfo=UTC),
        content=content,
        **extra,
    )


@pytest.fixture
def key() -> HistoryKey:
    return HistoryKey(uuid.uuid4(), uuid.uuid4(), 20)


@pytest.fixture
def page(key) -> Page[Message]:
    rich = message(
        key,
        "¿Hay mesa?",
        sender_id="+6281234567890",
        message_type=MessageType.INTERACTIVE,
        whatsapp_message_id="wamid.1",
        metadata={"reply_id": "table-2", "confidence": 0.9},
        created_at=datetime(2025, 3, 1, 9, 0, 1, tzinfo=UTC),
    )
    return Page([rich, message(key, "two")], "next-token")


async def test_a_miss_then_the_page_as_it_was_put(cache, key, page):
    missed = await cache.get(key)
    assert missed.page is None
    await cache.put(key, missed.generation, page)
    assert (await cache.get(key)).page == page


async def test_an_append_invalidates_every_size(cache, key, page):
    other_size = HistoryKey(key.tenant_id, key.conversation_id, 5)
    for k in (key, other_size):
        await cache.put(k, (await cache.get(k)).generation, page)
    await cache.invalidate(key.tenant_id, key.conversation_id)
    assert (await cache.get(key)).page is None
    assert (await cache.get(other_size)).page is None


async def test_a_refill_read_before_an_append_is_never_served(cache, key, page):
    before = await cache.get(key)
    await cache.invalidate(key.tenant_id, key.conversation_id)
    await cache.put(key, before.generation, page)
    assert (await cache.get(key)).page is None
    after = await cache.get(key)
    await cache.put(key, after.generation, page)
    assert (await cache.get(key)).page == page


async def test_entries_are_per_tenant_conversation_and_size(cache, key, page):
    await cache.put(key, (await cache.get(key)).generation, page)
    for other in (
        HistoryKey(uuid.uuid4(), key.conversation_id, key.limit),
        HistoryKey(key.tenant_id, uuid.uuid4(), key.limit),
        HistoryKey(key.tenant_id, key.conversation_id, key.limit + 1),
    ):
        assert (await cache.get(other)).page is None


async def test_entries_expire(cache, key, page):
    await cache.put(key, (await cache.get(key)).generation, page)
    await asyncio.sleep(TTL + 0.2)
    assert (await cache.get(key)).page is None


async def test_in_process_cache_forgets_the_least_recently_used():
    cache = InProcessHistoryCache(max_conversations=2)
    keys = [HistoryKey(uuid.uuid4(), uuid.uuid4(), 10) for _ in range(3)]
    pages = [Page([message(k, str(i))]) for i, k in enumerate(keys)]
    for k, p in zip(keys[:2], pages, strict=False):
        await cache.put(k, (await cache.get(k)).generation, p)
    assert (await cache.get(keys[0])).page == pages[0]  # now the most recently used
    await cache.put(keys[2], (await cache.get(keys[2])).generation, pages[2])
    assert (await cache.get(keys[1])).page is None
    assert (await cache.get(keys[0])).page == pages[0]


async def test_in_process_refill_begun_before_an_eviction_is_never_served():
    cache = InProcessHistoryCache(max_conversations=1)
    key, crowd = (HistoryKey(uuid.uuid4(), uuid.uuid4(), 10) for _ in range(2))
    before = await cache.get(key)
    await cache.invalidate(key.tenant_id, key.conversation_id)
    await cache.invalidate(crowd.tenant_id, crowd.conversation_id)  # evicts `key`
    await cache.put(key, before.generation, Page([message(key, "stale")]))
    assert (await cache.get(key)).page is None


async def test_redis_trouble_is_a_miss_not_a_failure(key, page):
    nowhere = Redis.from_url("redis://127.0.0.1:1/0")
    cache = RedisHistoryCache(nowhere, prefix="unreachable")
    missed = await cache.get(key)
    assert missed.page is None
    await cache.put(key, missed.generation, page)
    await cache.invalidate(key.tenant_id, key.conversation_id)
    await nowhere.aclose()
