"""Where this process's database is: DATABASE_URL, or the embedded server under .data/.

The owner migrates (and seeds, and runs tools). Each service S connects as two roles that own
nothing and are held to the row-level security policies (migration 0013): crm_S for the work
of one tenant, crm_S_platform for the work that spans tenants by design.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import URL

from adapters.postgres.admin import ensure_database
from adapters.postgres.database import PoolSettings
from adapters.postgres.embedded import start_embedded
from adapters.postgres.migrate import upgrade
from adapters.postgres.urls import async_url, plain

from .settings import Settings


def service_role(service: str) -> str:
    return f"crm_{service}"


def platform_role(service: str) -> str:
    return f"crm_{service}_platform"


@dataclass(frozen=True, slots=True)
class ServiceUrls:
    """A service's two connections: its own tenant-scoped role, and its platform role."""

    tenant: str
    platform: str


async def owner_url(settings: Settings) -> str:
    """The owner's URL; starts embedded PostgreSQL when none is configured."""
    if settings.database_url:
        return plain(async_url(settings.database_url))
    server: URL = start_embedded(settings.data_dir / "postgres")
    return plain(await ensure_database(server, settings.database_name))


async def service_urls(settings: Settings, service: str) -> ServiceUrls:
    """SERVICE_DATABASE_URL and PLATFORM_DATABASE_URL (each service's own, from its Secret);
    unset, the owner's URL as crm_<service> and crm_<service>_platform without a password
    (the embedded server and local trust authentication)."""
    configured = (settings.service_database_url, settings.platform_database_url)
    if all(configured):
        return ServiceUrls(*(plain(async_url(url)) for url in configured if url))
    if any(configured):  # half a pair: the other role would be guessed from the owner's URL
        raise ValueError(
            "set SERVICE_DATABASE_URL and PLATFORM_DATABASE_URL together (the service's"
            " crm-database-<service> Secret has both), or neither to derive them locally"
        )
    owner = async_url(await owner_url(settings))
    return ServiceUrls(
        plain(owner.set(username=service_role(service), password=None)),
        plain(owner.set(username=platform_role(service), password=None)),
    )


async def database_config(settings: Settings, service: str) -> dict[str, Any]:
    """The container configuration of a service's two database URLs and their pools."""
    urls = await service_urls(settings, service)
    pooled = settings.database_pooler == "pgbouncer"
    overflow = settings.database_max_overflow
    return {
        "database_url": urls.tenant,
        "platform_database_url": urls.platform,
        "pool": PoolSettings(settings.database_pool_size, overflow, pooled),
        # Platform work is a few statements at a time (claims, sweeps, look-ups).
        "platform_pool": PoolSettings(settings.database_platform_pool_size, overflow, pooled),
    }


async def prepare(settings: Settings) -> str:
    """The owner's URL, migrated to head (safe to run any number of times)."""
    url = await owner_url(settings)
    await upgrade(url)
    return url
