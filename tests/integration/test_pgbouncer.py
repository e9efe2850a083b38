"""The services' database access through a real PgBouncer in transaction pooling (Debian's
pgbouncer, installed by `make install`): many sessions share a few server connections, and
what each transaction relies on still holds there — the tenant scope row-level security
reads, transaction advisory locks, statements SQLAlchemy prepares."""

import asyncio
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.postgres.database import PoolSettings, ScopedSessions, engine_options
from adapters.postgres.locks import held_alone
from adapters.postgres.messaging_repository import SqlAlchemyMessagingUnitOfWork
from core.messaging.model import TextPiece
from core.messaging.queue import OutboxMessage
from core.shared.paging import PageQuery
from core.shared.scope import across_tenants, acting_for
from services.database import platform_role, service_role
from services.tools.pgbouncer import running_pgbouncer, server_connections, through

SERVER_CONNECTIONS = 4  # PgBouncer's pool per (database, role)
CLIENT_SESSIONS = 40


@pytest.fixture
async def pgbouncer(database_url: URL, tmp_path: Path):
    """PgBouncer in front of the test database; its URL for a role."""
    roles = [database_url.username or "postgres", service_role("messaging"),
             platform_role("messaging")]  # fmt: skip
    async with running_pgbouncer(database_url, roles, tmp_path, SERVER_CONNECTIONS) as port:
        yield lambda role: through(database_url.set(username=role, password=None), port)


@asynccontextmanager
async def engines_through(pgbouncer):
    pool = PoolSettings(size=CLIENT_SESSIONS, overflow=0, through_pgbouncer=True)
    tenant = create_async_engine(pgbouncer(service_role("messaging")), **engine_options(pool))
    platform = create_async_engine(pgbouncer(platform_role("messaging")), **engine_options(pool))
    try:
        yield ScopedSessions(tenant, platform)
    finally:
        await tenant.dispose()
        await platform.dispose()


def outbound(tenant: uuid.UUID, n: int) -> OutboxMessage:
    return OutboxMessage(
        id=uuid.uuid4(), tenant_id=tenant, outlet_id=uuid.uuid4(), phone_number_id="1001",
        to_phone=f"3460000{n:04d}", piece=TextPiece(f"reply {n}"), idempotency_key=f"k{n}",
    )  # fmt: skip


async def test_many_sessions_share_few_connections_and_every_transaction_keeps_its_scope(
    pgbouncer, database_url, engine, db
):
    tenants = [uuid.uuid4() for _ in range(4)]
    peak = 0
    async with engines_through(pgbouncer) as sessions:

        async def write(n: int) -> None:
            tenant = tenants[n % len(tenants)]
            with acting_for(tenant, "test"):
                async with SqlAlchemyMessagingUnitOfWork(sessions) as uow:
                    await uow.outbox.enqueue([outbound(tenant, n)])
                    await uow.commit()
                async with SqlAlchemyMessagingUnitOfWork(sessions) as uow:
                    seen = (await uow.outbox.list(tenant, PageQuery(100), "")).items
            # each transaction saw only its own tenant, whichever server connection it got
            assert {m.tenant_id for m in seen} == {tenant}

        async def watch(done: asyncio.Event) -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, await server_connections(engine, database_url.database))
                await asyncio.sleep(0.01)

        done = asyncio.Event()
        watcher = asyncio.create_task(watch(done))
        await asyncio.gather(*(write(n) for n in range(CLIENT_SESSIONS * 3)))
        done.set()
        await watcher

        with acting_for(tenants[0], "test"):
            async with SqlAlchemyMessagingUnitOfWork(sessions) as uow:
                mine = (await uow.outbox.list(tenants[0], PageQuery(200), "")).items
        assert len(mine) == CLIENT_SESSIONS * 3 // len(tenants)

        # A transaction advisory lock is held by one session at a time, through the pooler too.
        with across_tenants("test"):
            async with held_alone(sessions, "test.alone") as first:
                async with held_alone(sessions, "test.alone") as second:
                    assert (first, second) == (True, False)
    # two roles, each with at most PgBouncer's pool
    assert 0 < peak <= 2 * SERVER_CONNECTIONS
