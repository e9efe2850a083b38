"""Assemble the tenant service from its container for the runtime to serve."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.catalog import ServiceSpec
from services.database import database_url
from services.runtime import Register
from services.settings import Settings

from .container import TenantContainer


@asynccontextmanager
async def assemble(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    container = TenantContainer()
    container.config.database_url.from_value(await database_url(settings))
    await container.init_resources()
    try:
        servicer = await container.servicer()
        yield lambda server: spec.adder()(servicer, server)
    finally:
        await container.shutdown_resources()
