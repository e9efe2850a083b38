"""Where this process's database is: DATABASE_URL, or the embedded server under .data/."""

from sqlalchemy.engine import URL

from adapters.postgres.admin import ensure_database
from adapters.postgres.embedded import start_embedded
from adapters.postgres.migrate import upgrade
from adapters.postgres.urls import async_url, plain

from .settings import Settings


async def database_url(settings: Settings) -> str:
    """The URL services connect to; starts embedded PostgreSQL when none is configured."""
    if settings.database_url:
        return plain(async_url(settings.database_url))
    server: URL = start_embedded(settings.data_dir / "postgres")
    return plain(await ensure_database(server, settings.database_name))


async def prepare(settings: Settings) -> str:
    """The database URL, migrated to head (safe to run any number of times)."""
    url = await database_url(settings)
    await upgrade(url)
    return url
