"""Assemble the orchestrator for the runtime to serve."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.assembly import serving
from services.catalog import ServiceSpec
from services.database import database_config
from services.runtime import Register
from services.settings import Settings

from .container import OrchestratorContainer


@asynccontextmanager
async def assemble(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    container = OrchestratorContainer(settings=settings)
    container.config.from_dict(
        {
            **{f"{peer}_address": settings.address_of(peer)
               for peer in ("tenant", "conversation", "knowledge", "booking", "order", "analytics",
                            "billing")},
            "redis_url": settings.redis_url,
            **(await database_config(settings, spec.name)),
        }
    )  # fmt: skip
    async with serving(container, spec) as register:
        yield register
