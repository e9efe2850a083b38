"""Assemble the billing service: the servicer for the runtime, the period closer beside it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.assembly import running_beside, serving
from services.catalog import ServiceSpec
from services.database import database_config
from services.runtime import Register
from services.settings import Settings

from .container import BillingContainer


@asynccontextmanager
async def assemble(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    container = BillingContainer()
    container.config.from_dict(
        # Prices are charged in the currency the shop sells in.
        {**(await database_config(settings, spec.name)), "currency": settings.order_currency}
    )
    async with serving(container, spec) as register:
        closer = await container.closer()
        async with running_beside([closer.run], settings.shutdown_grace_seconds):
            yield register
