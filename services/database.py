"""Where this process's database is: DATABASE_URL, or the embedded server under .data/.

Two roles reach it: the owner migrates (and seeds, and runs tools); the services connect as
crm_service, which owns nothing and is held to the row-level security policies.
"""

from sqlalchemy.engine import URL

from adapters.postgres.admin import ensure_database
from adapters.postgres.embedded import start_embedded
from adapters.postgres.migrate import upgrade
from adapters.postgres.urls import async_url, plain

from .settings import Settings

SERVICE_ROLE = "crm_service"


async def owner_url(settings: Settings) -> str:
    """The owner's URL; starts embedded PostgreSQL when none is configured."""
    if settings.database_url:
        return plain(async_url(settings.database_url))
    server: URL = start_embedded(settings.data_dir / "postgres")
    return plain(await ensure_database(server, settings.database_name))


async def database_url(settings: Settings) -> str:
    """The URL services connect to: SERVICE_DATABASE_URL, else the owner's as crm_service."""
    if settings.service_database_url:
        return plain(async_url(settings.service_database_url))
    owner = async_url(await owner_url(settings))
    return plain(owner.set(username=SERVICE_ROLE, password=None))


async def prepare(settings: Settings) -> str:
    """The owner's URL, migrated to head (safe to run any number of times)."""
    url = await owner_url(settings)
    await upgrade(url)
    return url
