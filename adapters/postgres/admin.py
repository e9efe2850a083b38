"""Server-level chores: create and drop databases, install the extensions we rely on."""

from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from .urls import with_database


async def _autocommit(url: URL, *statements: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def database_exists(server_url: URL, name: str) -> bool:
    engine = create_async_engine(with_database(server_url, "postgres"))
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            return found is not None
    finally:
        await engine.dispose()


async def ensure_database(server_url: URL, name: str) -> URL:
    """Create the database if missing; return its URL."""
    if not await database_exists(server_url, name):
        await _autocommit(with_database(server_url, "postgres"), f'CREATE DATABASE "{name}"')
    return with_database(server_url, name)


async def drop_database(server_url: URL, name: str) -> None:
    await _autocommit(
        with_database(server_url, "postgres"), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )
