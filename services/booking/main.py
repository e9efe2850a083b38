"""Assemble the booking service from its container for the runtime to serve."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.assembly import facts_config, running_beside, serving
from services.catalog import ServiceSpec
from services.database import database_config
from services.runtime import Register
from services.settings import Settings

from .container import BookingContainer


@asynccontextmanager
async def assemble(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    container = BookingContainer()
    container.config.from_dict(await database_config(settings, spec.name))
    container.config.tenant_address.from_value(settings.address_of("tenant"))
    container.config.from_dict(
        {
            "messaging_address": settings.address_of("messaging"),
            "conversation_address": settings.address_of("conversation"),
            "reminder_seconds": settings.booking_reminder_seconds,
            **facts_config(settings),
        }
    )
    async with serving(container, spec) as register:
        workers = [await container.fact_relay(), await container.reminders()]
        async with running_beside([w.run for w in workers], settings.shutdown_grace_seconds):
            yield register
