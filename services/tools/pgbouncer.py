"""A local PgBouncer (transaction pooling) in front of PostgreSQL, as the cluster would run it:
for the pooling test and `make test-scale`. Its server connections name themselves, so the
peak a run needed can be read from pg_stat_activity."""

import asyncio
import contextlib
import os
import shutil
import socket
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
APP = "via-pgbouncer"  # application_name of PgBouncer's server connections


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _config(host: str, server_port: int, port: int, work_dir: Path, pool_size: int) -> str:
    naming = "SET application_name = ''" + APP + "''"
    return (
        f"[databases]\n* = host={host} port={server_port} connect_query='{naming}'\n"
        "[pgbouncer]\nlisten_addr = 127.0.0.1\n"
        f"listen_port = {port}\nunix_socket_dir =\nauth_type = trust\n"
        f"auth_file = {work_dir / 'users.txt'}\npool_mode = transaction\n"
        f"default_pool_size = {pool_size}\nmax_client_conn = 800\n"
        "ignore_startup_parameters = extra_float_digits\n"
    )


@asynccontextmanager
async def running_pgbouncer(
    server: URL, roles: Sequence[str], work_dir: Path, pool_size: int
) -> AsyncIterator[int]:
    """PgBouncer on a free port in front of `server` (every database, the given roles with
    the server's trust authentication, `pool_size` server connections per database and
    role); yields its port."""
    port = _free_port()
    async with _over_tcp(server) as (host, server_port):
        (work_dir / "users.txt").write_text("".join(f'"{role}" ""\n' for role in roles))
        ini = work_dir / "pgbouncer.ini"
        ini.write_text(_config(host, server_port, port, work_dir, pool_size))
        os.chmod(work_dir, 0o755)
        user = ["-u", "nobody"] if os.geteuid() == 0 else []  # it will not run as root
        process = await asyncio.create_subprocess_exec(PGBOUNCER, "-q", *user, str(ini))
        try:
            await _wait_for(port, process)
            yield port
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), 10)


@asynccontextmanager
async def _over_tcp(server: URL) -> AsyncIterator[tuple[str, int]]:
    """Where PgBouncer reaches the server over TCP. A server on a unix socket only (the
    embedded one, in a folder PgBouncer's unprivileged user may not enter) is relayed from a
    local port by this process."""
    folder = server.query.get("host")
    if not folder:
        yield server.host or "127.0.0.1", server.port or 5432
        return
    path = f"{folder}/.s.PGSQL.{server.port or 5432}"
    relays: set[asyncio.Future] = set()

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_unix_connection(path)
        both = asyncio.gather(
            _pipe(reader, upstream_writer), _pipe(upstream_reader, writer), return_exceptions=True
        )
        relays.add(both)
        await both

    relay_server = await asyncio.start_server(relay, "127.0.0.1", 0)
    try:
        yield "127.0.0.1", relay_server.sockets[0].getsockname()[1]
    finally:
        relay_server.close()
        for both in relays:
            both.cancel()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        with contextlib.suppress(Exception):
            writer.close()


def through(url: URL, port: int) -> URL:
    """`url` (its database and role) reached through the PgBouncer on `port`."""
    return url.set(host="127.0.0.1", port=port, query={})


async def _wait_for(port: int, process: asyncio.subprocess.Process) -> None:
    for _ in range(200):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process.returncode is not None:
            raise RuntimeError(f"pgbouncer exited with {process.returncode}")
        await asyncio.sleep(0.05)
    raise RuntimeError("pgbouncer did not listen within 10 s")


async def server_connections(engine: AsyncEngine, database: str) -> int:
    """PgBouncer's server connections to `database` now (`engine` reaches PostgreSQL itself)."""
    async with engine.connect() as connection:
        return await connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND application_name = :app"
            ),
            {"db": database, "app": APP},
        )
