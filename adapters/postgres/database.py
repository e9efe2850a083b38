"""The async engine as a resource, and sessions that tell the database whom they act for."""

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, SessionTransaction

from core.shared import scope

from .urls import async_url

# Transaction-local (is_local = true): a pooled connection carries nothing into the next one.
SET_SCOPE = text(
    "SELECT set_config('app.tenant_id', :tenant, true), set_config('app.platform', :platform, true)"
)


def scope_settings(current: scope.Scope | None) -> dict[str, str]:
    """The row-level security settings of a scope; outside any scope the database shows nothing."""
    if current is None:
        return {"tenant": "", "platform": "off"}
    if current.across_tenants:
        return {"tenant": "", "platform": "on"}
    return {"tenant": str(current.tenant_id), "platform": "off"}


class ScopedSession(Session):
    """A session whose every transaction first sets the scope the policies read."""


@event.listens_for(ScopedSession, "after_begin")
def _set_scope(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    connection.execute(SET_SCOPE, scope_settings(scope.current()))


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """How many connections an engine keeps and how far it may go beyond them at a peak, and
    whether a transaction-pooling PgBouncer sits in front of PostgreSQL."""

    size: int = 10
    overflow: int = 10
    through_pgbouncer: bool = False


def engine_options(pool: PoolSettings) -> dict[str, Any]:
    """create_async_engine's pool options. Through PgBouncer (transaction pooling, before
    1.21) a server connection serves another client between transactions, so no prepared
    statement may outlive one: asyncpg's and SQLAlchemy's statement caches are off and the
    statements SQLAlchemy must prepare get names no other client uses. Everything else the
    services do is transaction-scoped already (the tenant scope, advisory locks)."""
    options: dict[str, Any] = {
        "pool_size": pool.size,
        "max_overflow": pool.overflow,
        "pool_pre_ping": True,
    }
    if pool.through_pgbouncer:
        options["connect_args"] = {
            "statement_cache_size": 0,
            "prepared_statement_cache_size": 0,
            "prepared_statement_name_func": lambda: f"__crm_{uuid.uuid4().hex}__",
        }
    return options


async def engine_resource(
    url: str, pool: PoolSettings = PoolSettings()
) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(async_url(url), **engine_options(pool))
    try:
        yield engine
    finally:
        await engine.dispose()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=ScopedSession)


# What units of work open sessions from: an async_sessionmaker, or ScopedSessions.
Sessions = Callable[[], AsyncSession]


class ScopedSessions:
    """Sessions as the service's own role, or as its platform role for work in platform scope.

    Only a platform role's transactions may see across tenants (the policies ignore
    `app.platform` for anyone else), so a tenant's request never holds a connection that could.
    Without a platform engine, platform work sees nothing: it fails closed.
    """

    def __init__(self, engine: AsyncEngine, platform: AsyncEngine | None = None) -> None:
        self._tenant = session_factory(engine)
        self._platform = session_factory(platform) if platform is not None else None

    def __call__(self) -> AsyncSession:
        current = scope.current()
        if self._platform is not None and current is not None and current.across_tenants:
            return self._platform()
        return self._tenant()


U = TypeVar("U")


@asynccontextmanager
async def units_of_work(
    url: str, unit_of_work: Callable[..., U], pool_size: int = 2
) -> AsyncIterator[Callable[[], U]]:
    """For scripts (seeds, tools): a factory of units of work over a short-lived engine."""
    engine = create_async_engine(async_url(url), pool_size=pool_size)
    try:
        yield partial(unit_of_work, session_factory(engine))
    finally:
        await engine.dispose()
