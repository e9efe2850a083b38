"""Wiring of the orchestrator: peers, dialogue store, language models -> Router -> servicer."""

from dependency_injector import containers, providers

from adapters.grpc.agent_clients import booking_agent, order_agent
from adapters.grpc.analytics_emitter import BufferedAnalyticsEmitter
from adapters.grpc.billing_client import GrpcBotAllowance
from adapters.grpc.conversation_client import GrpcConversationLog
from adapters.grpc.knowledge_client import GrpcKnowledgeSearch
from adapters.grpc.orchestrator_servicer import OrchestratorServicer
from adapters.grpc.tenant_client import GrpcTenantDirectory
from adapters.grpc.vocabulary_client import GrpcVocabulary
from adapters.local.language_id import LinguaDetector
from core.orchestrator.router import Router
from services.assembly import peer_client

from .language import language_models
from .stores import dialogue_store


async def analytics_emitter(address: str):
    emitter = BufferedAnalyticsEmitter(address, source="orchestrator")
    await emitter.start()
    try:
        yield emitter
    finally:
        await emitter.aclose()


class OrchestratorContainer(containers.DeclarativeContainer):
    config = providers.Configuration()
    settings = providers.Dependency()

    tenants = providers.Resource(peer_client, GrpcTenantDirectory, config.tenant_address)
    conversations = providers.Resource(
        peer_client, GrpcConversationLog, config.conversation_address
    )
    knowledge = providers.Resource(peer_client, GrpcKnowledgeSearch, config.knowledge_address)
    booking = providers.Resource(peer_client, booking_agent, config.booking_address)
    order = providers.Resource(peer_client, order_agent, config.order_address)
    dialogue = providers.Resource(
        dialogue_store,
        config.redis_url,
        config.database_url,
        config.platform_database_url,
        config.pool,
        config.platform_pool,
    )
    language = providers.Resource(language_models, settings)
    events = providers.Resource(analytics_emitter, config.analytics_address)
    vocabulary = providers.Resource(
        peer_client, GrpcVocabulary, config.order_address, config.booking_address
    )
    allowance = providers.Resource(peer_client, GrpcBotAllowance, config.billing_address)

    router = providers.Singleton(
        Router,
        tenants=tenants,
        conversations=conversations,
        dialogue=dialogue,
        classifier=language.provided.classifier,
        answers=language.provided.answers,
        knowledge=providers.Callable(
            lambda language, search: language.documents(search), language, knowledge
        ),
        agents=providers.Dict(booking=booking, order=order),
        events=events,
        vocabulary=vocabulary,
        allowance=allowance,
        languages=providers.Singleton(LinguaDetector),
    )
    servicer = providers.Singleton(OrchestratorServicer, router=router, dialogue=dialogue)
