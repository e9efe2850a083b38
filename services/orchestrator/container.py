"""Wiring of the orchestrator: peer clients (tenant, conversation) -> servicer."""

from dependency_injector import containers, providers

from adapters.grpc.conversation_client import GrpcConversationLog
from adapters.grpc.orchestrator_servicer import OrchestratorServicer
from adapters.grpc.tenant_client import GrpcTenantDirectory
from services.assembly import peer_client


class OrchestratorContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    tenants = providers.Resource(peer_client, GrpcTenantDirectory, config.tenant_address)
    conversations = providers.Resource(
        peer_client, GrpcConversationLog, config.conversation_address
    )
    servicer = providers.Singleton(
        OrchestratorServicer, tenants=tenants, conversations=conversations
    )
