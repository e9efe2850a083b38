"""Shared fixtures: a real PostgreSQL (DATABASE_URL's server, else the embedded one)."""

import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.postgres.admin import drop_database, ensure_database
from adapters.postgres.embedded import start_embedded
from adapters.postgres.migrate import upgrade
from adapters.postgres.models import Base
from adapters.postgres.urls import async_url

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def pg_server_url() -> URL:
    """The server tests run against: DATABASE_URL when set, else embedded PostgreSQL."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return async_url(configured)
    return start_embedded(ROOT / ".data" / "test-postgres")


@pytest.fixture
async def empty_database_url(pg_server_url: URL) -> AsyncIterator[URL]:
    """A brand-new empty database, dropped after the test."""
    name = f"crm_empty_{uuid.uuid4().hex[:12]}"
    url = await ensure_database(pg_server_url, name)
    yield url
    await drop_database(pg_server_url, name)


@pytest.fixture(scope="session")
async def database_url(pg_server_url: URL) -> AsyncIterator[URL]:
    """A database migrated to head, shared by the session and dropped at its end."""
    name = f"crm_test_{os.getpid()}"
    await drop_database(pg_server_url, name)
    url = await ensure_database(pg_server_url, name)
    await upgrade(url)
    yield url
    await drop_database(pg_server_url, name)


@pytest.fixture(scope="session")
async def engine(database_url: URL) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The migrated database, emptied after each test that writes to it."""
    yield engine
    tables = ", ".join(f'"{t.schema}"."{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture(scope="session")
async def engine_as(database_url: URL) -> AsyncIterator[Callable[[str], AsyncEngine]]:
    """The migrated database as a role reaches it (crm_<service> or crm_<service>_platform,
    held to row-level security): engine_as("crm_order"). One engine per role, for the session."""
    engines: dict[str, AsyncEngine] = {}

    def engine(role: str) -> AsyncEngine:
        if role not in engines:
            engines[role] = create_async_engine(database_url.set(username=role, password=None))
        return engines[role]

    yield engine
    for engine_of_role in engines.values():
        await engine_of_role.dispose()
