"""The orchestrator's Postgres dialogue store outlives connections the server closed while idle
(a restart, a failover, a proxy's idle timeout): the next call gets a fresh connection."""

import uuid
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.postgres.database import PoolSettings
from adapters.postgres.models.orchestrator import DialogueStateRow
from adapters.postgres.urls import plain
from core.orchestrator.dialogue import DialogueState
from services.orchestrator.stores import dialogue_store

CLOSE_OTHERS = text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


async def test_a_connection_closed_by_the_server_is_replaced(empty_database_url):
    admin = create_async_engine(empty_database_url)
    try:
        async with admin.begin() as conn:
            await conn.execute(text("CREATE SCHEMA orchestrator"))
            await conn.run_sync(DialogueStateRow.__table__.create)
        tenant, conversation = uuid.uuid4(), uuid.uuid4()
        store_of = asynccontextmanager(dialogue_store)
        url = plain(empty_database_url)  # the owner, for both of the service's connections
        async with store_of(None, url, url, PoolSettings(), PoolSettings(2)) as store:
            await store.save(tenant, conversation, DialogueState("booking"))
            async with admin.connect() as conn:  # the store's pooled connection, among others
                assert await conn.scalar(CLOSE_OTHERS) >= 1
            assert (await store.load(tenant, conversation)).active_agent == "booking"
    finally:
        await admin.dispose()
