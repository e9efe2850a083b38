"""Assemble the orchestrator for the runtime to serve."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.assembly import serving
from services.catalog import ServiceSpec
from services.runtime import Register
from services.settings import Settings

from .container import OrchestratorContainer


@asynccontextmanager
async def assemble(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    container = OrchestratorContainer()
    container.config.from_dict(
        {
            "tenant_address": settings.address_of("tenant"),
            "conversation_address": settings.address_of("conversation"),
        }
    )
    async with serving(container, spec) as register:
        yield register
