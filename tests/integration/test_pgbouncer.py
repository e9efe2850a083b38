"""The services' database access through a real PgBouncer in transaction pooling (Debian's
pgbouncer, installed by `make install`): many sessions share a few server connections, and
what each transaction relies on still holds there — the tenant scope row-level security
reads, transaction advisory locks, statements SQLAlchemy prepares."""

import asyncio
import os
import shutil
import socket
import subprocess
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
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

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
SERVER_CONNECTIONS = 4  # PgBouncer's pool per (database, role)
CLIENT_SESSIONS = 40
APP = "via-pgbouncer"  # what PgBouncer's server connections are named, to count them


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def pgbouncer(database_url: URL, tmp_path: Path):
    """PgBouncer in front of the test database; its URL for a role."""
    port = _free_port()
    roles = [database_url.username or "postgres", service_role("messaging"),
             platform_role("messaging")]  # fmt: skip
    (tmp_path / "users.txt").write_text("".join(f'"{role}" ""\n' for role in roles))
    (tmp_path / "pgbouncer.ini").write_text(
        f"[databases]\n* = host={database_url.host or '127.0.0.1'} port={database_url.port}"
        f" connect_query='SET application_name = ''{APP}'''\n"
        "[pgbouncer]\nlisten_addr = 127.0.0.1\n"
        f"listen_port = {port}\nunix_socket_dir =\nauth_type = trust\n"
        f"auth_file = {tmp_path / 'users.txt'}\npool_mode = transaction\n"
        f"default_pool_size = {SERVER_CONNECTIONS}\nmax_client_conn = 200\n"
        "ignore_startup_parameters = extra_float_digits\n"
    )
    os.chmod(tmp_path, 0o755)
    user = ["-u", "nobody"] if os.geteuid() == 0 else []  # it will not run as root
    process = subprocess.Popen([PGBOUNCER, *user, str(tmp_path / "pgbouncer.ini")])
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        process.poll()
        assert process.returncode is None, "pgbouncer did not start"
        time.sleep(0.05)
    yield lambda role: database_url.set(host="127.0.0.1", port=port, username=role, password=None)
    process.terminate()
    process.wait(timeout=10)


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


async def server_connections(engine, database: str) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND application_name = :app"
            ),
            {"db": database, "app": APP},
        )


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
