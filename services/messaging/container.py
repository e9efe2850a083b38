"""Wiring of messaging: database, Cloud API sender, peers, the two queue workers, the usage
relay, servicer."""

from datetime import timedelta
from functools import partial

from dependency_injector import containers, providers

from adapters.grpc.conversation_client import GrpcCustomerWindow
from adapters.grpc.messaging_servicer import MessagingServicer
from adapters.grpc.orchestrator_client import GrpcReplyEngine
from adapters.grpc.tenant_client import GrpcBusinessAccounts, GrpcTenantDirectory
from adapters.grpc.usage_reporter import GrpcUsageReporter
from adapters.local.usage import LoggedUsage
from adapters.openai.client import OpenAIGateway, build_client
from adapters.openai.transcription import OpenAITranscriber
from adapters.postgres.database import ScopedSessions, engine_resource
from adapters.postgres.messaging_repository import SqlAlchemyMessagingUnitOfWork
from adapters.whatsapp.cloud_api import CloudApiSender
from adapters.whatsapp.media import CloudApiMedia
from adapters.whatsapp.templates import CloudApiTemplates
from core.messaging.drain import Drainer
from core.messaging.handlers import InboxWorker, OutboxSender
from core.messaging.media_intake import MediaIntake
from core.messaging.relay import UsageRelay
from services.assembly import peer_client


async def cloud_api_sender(
    base_url: str, version: str, token: str, attempts: int, lease_seconds: float
):
    """Every send, retries included, ends within half the outbox lease, so no other replica
    claims a message while it is still being sent."""
    sender = CloudApiSender(
        base_url=base_url, version=version, token=token, attempts=attempts,
        deadline=lease_seconds / 2,
    )  # fmt: skip
    try:
        yield sender
    finally:
        await sender.aclose()


async def cloud_api_templates(base_url: str, version: str, token: str):
    templates = CloudApiTemplates(base_url=base_url, version=version, token=token)
    try:
        yield templates
    finally:
        await templates.aclose()


async def cloud_api_media(base_url: str, version: str, token: str):
    media = CloudApiMedia(base_url=base_url, version=version, token=token)
    try:
        yield media
    finally:
        await media.aclose()


async def transcriber(api_key: str | None, base_url: str | None, model: str):
    """OpenAI's speech to text when a key is set; without one, voice notes stay unread."""
    if not api_key:
        yield None
        return
    client = build_client(api_key, base_url)
    try:
        yield OpenAITranscriber(OpenAIGateway(client, LoggedUsage()), model)
    finally:
        await client.close()


def _drainer(name: str, worker, concurrency: int, poll_seconds: float) -> Drainer:
    return Drainer(name, worker.claim, worker.handle, concurrency, poll_seconds)


class MessagingContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url, pool=config.pool)
    # Work that spans tenants (core.shared.scope.across_tenants) runs as the platform role.
    platform_engine = providers.Resource(
        engine_resource, url=config.platform_database_url, pool=config.platform_pool
    )
    sessions = providers.Singleton(ScopedSessions, engine, platform_engine)
    unit_of_work = providers.Singleton(partial, SqlAlchemyMessagingUnitOfWork, sessions)
    lease = providers.Callable(lambda seconds: timedelta(seconds=seconds), config.lease_seconds)

    sender = providers.Resource(
        cloud_api_sender,
        config.whatsapp.base_url,
        config.whatsapp.version,
        config.whatsapp.token,
        config.whatsapp.attempts,
        config.lease_seconds,
    )
    cloud_templates = providers.Resource(
        cloud_api_templates,
        config.whatsapp.base_url,
        config.whatsapp.version,
        config.whatsapp.token,
    )
    outlets = providers.Resource(peer_client, GrpcTenantDirectory, config.tenant_address)
    replies = providers.Resource(peer_client, GrpcReplyEngine, config.orchestrator_address)
    windows = providers.Resource(peer_client, GrpcCustomerWindow, config.conversation_address)

    billing = providers.Resource(peer_client, GrpcUsageReporter, config.billing_address)
    usage_relay = providers.Singleton(UsageRelay, unit_of_work, billing)
    outbox_sender = providers.Singleton(OutboxSender, unit_of_work, sender, lease)
    outbox = providers.Singleton(
        _drainer, "outbox", outbox_sender, config.concurrency, config.poll_seconds
    )
    media_source = providers.Resource(
        cloud_api_media, config.whatsapp.base_url, config.whatsapp.version, config.whatsapp.token
    )
    speech = providers.Resource(
        transcriber,
        config.openai.api_key,
        config.openai.base_url,
        config.openai.transcription_model,
    )
    media_intake = providers.Singleton(
        MediaIntake, unit_of_work, media_source, config.whatsapp.media_max_bytes, speech
    )
    inbox_worker = providers.Singleton(
        InboxWorker,
        unit_of_work,
        outlets,
        replies,
        outbox.provided.wake,
        lease,
        receipts=sender,
        media=media_intake,
    )
    inbox = providers.Singleton(
        _drainer, "inbox", inbox_worker, config.concurrency, config.poll_seconds
    )
    servicer = providers.Singleton(
        MessagingServicer,
        unit_of_work=unit_of_work,
        app_secret=config.whatsapp.app_secret,
        verify_token=config.whatsapp.verify_token,
        on_received=inbox.provided.wake,
        outlets=outlets,
        windows=windows,
        on_enqueued=outbox.provided.wake,
        cloud_templates=cloud_templates,
        accounts=providers.Resource(peer_client, GrpcBusinessAccounts, config.tenant_address),
    )
