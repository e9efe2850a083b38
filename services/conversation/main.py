"""Assemble the conversation service from its container for the runtime to serve."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.assembly import facts_config, running_beside, serving
from services.catalog import ServiceSpec
from services.database import database_config
from services.runtime import Register
from services.settings import Settings

from .container import ConversationContainer


@asynccontextmanager
async def assemble(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    container = ConversationContainer()
    container.config.from_dict(await database_config(settings, spec.name))
    container.config.redis_url.from_value(settings.redis_url)
    container.config.single_replica.from_value(settings.single_replica("conversation"))
    container.config.messaging_address.from_value(settings.address_of("messaging"))
    container.config.tenant_address.from_value(settings.address_of("tenant"))
    container.config.from_dict(facts_config(settings))
    async with serving(container, spec) as register:
        relay = await container.fact_relay()
        async with running_beside([relay.run], settings.shutdown_grace_seconds):
            yield register
