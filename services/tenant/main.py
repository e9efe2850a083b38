"""Assemble the tenant service from its container for the runtime to serve."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.assembly import serving
from services.catalog import ServiceSpec
from services.database import database_config
from services.runtime import Register
from services.settings import Settings

from .container import TenantContainer


@asynccontextmanager
async def assemble(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    container = TenantContainer()
    container.config.from_dict(
        {
            **(await database_config(settings, spec.name)),
            "billing_address": settings.address_of("billing"),
        }
    )
    async with serving(container, spec) as register:
        yield register
