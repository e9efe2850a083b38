"""Assemble the order service: the servicer for the runtime, the payment sweeper beside it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.assembly import facts_config, running_beside, serving
from services.catalog import ServiceSpec
from services.database import database_config
from services.runtime import Register
from services.settings import Settings

from .container import OrderContainer


def configure(container: OrderContainer, settings: Settings, database: dict[str, str]) -> None:
    container.config.from_dict(
        {
            **database,
            "messaging_address": settings.address_of("messaging"),
            "tenant_address": settings.address_of("tenant"),
            "conversation_address": settings.address_of("conversation"),
            "payment_base_url": settings.payment_base_url,
            "currency": settings.order_currency,
            "payment_timeout_minutes": settings.order_payment_timeout_minutes,
            "sweep_seconds": settings.order_sweep_seconds,
            **facts_config(settings),
        }
    )


@asynccontextmanager
async def assemble(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    container = OrderContainer()
    configure(container, settings, await database_config(settings, spec.name))
    async with serving(container, spec) as register:
        workers = [await container.sweeper(), await container.fact_relay()]
        async with running_beside([w.run for w in workers], settings.shutdown_grace_seconds):
            yield register
