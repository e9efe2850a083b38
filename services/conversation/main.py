"""Assemble the conversation service from its container for the runtime to serve."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.catalog import ServiceSpec
from services.database import database_url
from services.runtime import Register
from services.settings import Settings

from .container import ConversationContainer


@asynccontextmanager
async def assemble(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    container = ConversationContainer()
    container.config.from_dict(
        {
            "database_url": await database_url(settings),
            "redis_url": settings.redis_url,
            "history_cache": "redis" if settings.redis_url else "local",
        }
    )
    try:
        # Resolving the servicer starts the resources it needs, and only those: the Redis
        # client exists only when REDIS_URL selects the Redis cache.
        servicer = await container.servicer()
        yield lambda server: spec.adder()(servicer, server)
    finally:
        await container.shutdown_resources()
