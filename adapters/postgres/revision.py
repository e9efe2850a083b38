"""Whether a database is migrated to the newest revision: what a pod waits for before it serves.

In the cluster a Job migrates; each service's init container runs `crm db wait` with the
service's own role, so no service starts on a schema older than its code.
"""

import logging

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import pool
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_delay,
    wait_fixed,
)

from .migrate import MIGRATIONS
from .urls import async_url

log = logging.getLogger(__name__)


class NotMigrated(Exception):
    """The database is reachable but behind the code's newest revision."""


# What waiting outlasts: a server still starting (or unreachable), a migration still running.
NOT_READY = (NotMigrated, SQLAlchemyError, OSError)


def head_revision() -> str:
    """The newest revision this code ships."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def is_behind(current: str | None) -> bool:
    """Whether this code has migrations still to run on a database at `current`.

    A revision the code does not know is a newer one: a release rolled back runs on the
    schema its successor left (migrations keep the previous release working).
    """
    script = ScriptDirectory(str(MIGRATIONS))
    known = {revision.revision for revision in script.walk_revisions()}
    return current is None or (current in known and current != script.get_current_head())


async def current_revision(url: str | URL) -> str | None:
    """The revision the database is at; None before the first migration."""
    engine = create_async_engine(async_url(url), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(
                    sync, opts={"version_table_schema": "public"}
                ).get_current_revision()
            )
    finally:
        await engine.dispose()


def _log_wait(state: RetryCallState) -> None:
    log.info("not ready yet: %s", state.outcome.exception())


async def wait_until_migrated(url: str | URL, patience: float, interval: float = 2.0) -> str:
    """Return the database's revision once it is at head (or newer); after `patience` seconds,
    raise the last failure.

    An unreachable server and a schema behind head are both waited out (NOT_READY).
    """
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(NOT_READY),
        stop=stop_after_delay(patience),
        wait=wait_fixed(interval),
        before_sleep=_log_wait,
        reraise=True,
    ):
        with attempt:
            current = await current_revision(url)
            if is_behind(current):
                raise NotMigrated(f"database at revision {current}, waiting for {head_revision()}")
    return current
