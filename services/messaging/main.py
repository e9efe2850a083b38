"""Assemble messaging: the servicer for the runtime; the inbox and outbox workers and the usage
relay beside it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from services.assembly import running_beside, serving
from services.catalog import ServiceSpec
from services.database import database_config
from services.runtime import Register
from services.settings import Settings

from .container import MessagingContainer


def configure(container: MessagingContainer, settings: Settings, database: dict[str, str]) -> None:
    container.config.from_dict(
        {
            **database,
            "tenant_address": settings.address_of("tenant"),
            "orchestrator_address": settings.address_of("orchestrator"),
            "conversation_address": settings.address_of("conversation"),
            "billing_address": settings.address_of("billing"),
            "lease_seconds": settings.messaging_lease_seconds,
            "concurrency": settings.messaging_concurrency,
            "poll_seconds": settings.messaging_poll_seconds,
            "whatsapp": {
                "base_url": settings.whatsapp_api_base_url,
                "version": settings.whatsapp_api_version,
                "token": settings.whatsapp_token,
                "attempts": settings.whatsapp_send_attempts,
                "app_secret": settings.whatsapp_app_secret,
                "verify_token": settings.whatsapp_verify_token,
                "media_max_bytes": settings.media_max_bytes,
            },
            "openai": {
                "api_key": settings.openai_api_key,
                "base_url": settings.openai_base_url,
                "transcription_model": settings.openai_transcription_model,
            },
        }
    )


@asynccontextmanager
async def assemble(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    container = MessagingContainer()
    configure(container, settings, await database_config(settings, spec.name))
    async with serving(container, spec) as register:
        workers = [await container.inbox(), await container.outbox(), await container.usage_relay()]
        async with running_beside(
            [worker.run for worker in workers], settings.shutdown_grace_seconds
        ):
            yield register
