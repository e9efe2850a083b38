"""Upload the demo documents through the knowledge service, once per knowledge base."""

import mimetypes
import uuid
from pathlib import Path

from crm.knowledge.v1 import knowledge_pb2 as pb
from crm.knowledge.v1 import knowledge_pb2_grpc

from adapters.grpc.peers import call, open_channel
from adapters.grpc.permissions import OPERATOR
from core.shared.scope import acting_for
from services.mesh_identity import credentials_of
from services.seed import SEEDER
from services.settings import Settings

DOCUMENTS = Path(__file__).with_name("documents")
KNOWLEDGE_BASE = "Demo Bistro guide"
# The mesh member that may upload for the platform (services.catalog.CALLS).
SEED_MEMBER = "seed"


async def seed_demo_documents(settings: Settings, tenant: uuid.UUID) -> int:
    """Create the demo knowledge base with every document unless it exists; files uploaded.

    Through the knowledge service, as the platform onboarding the tenant would."""
    tenant_id = str(tenant)
    with acting_for(tenant, SEEDER, OPERATOR):
        return await _upload(settings, tenant_id)


async def _upload(settings: Settings, tenant_id: str) -> int:
    seeder = credentials_of(settings, SEED_MEMBER)
    async with open_channel(settings.address_of("knowledge"), seeder) as channel:
        stub = knowledge_pb2_grpc.KnowledgeServiceStub(channel)
        existing = await call(
            stub.ListKnowledgeBases, pb.ListKnowledgeBasesRequest(tenant_id=tenant_id)
        )
        if any(kb.name == KNOWLEDGE_BASE for kb in existing.knowledge_bases):
            return 0
        created = await call(
            stub.CreateKnowledgeBase,
            pb.CreateKnowledgeBaseRequest(
                knowledge_base=pb.KnowledgeBase(
                    tenant_id=tenant_id,
                    name=KNOWLEDGE_BASE,
                    description="Opening hours, menu, policies, location, FAQ and events",
                )
            ),
        )
        for path in sorted(DOCUMENTS.iterdir()):
            await call(
                stub.UploadDocument,
                pb.UploadDocumentRequest(
                    tenant_id=tenant_id,
                    knowledge_base_id=created.knowledge_base.id,
                    filename=path.name,
                    content_type=mimetypes.guess_type(path.name)[0] or "text/plain",
                    content=path.read_bytes(),
                ),
                deadline=60,
            )
    return len(list(DOCUMENTS.iterdir()))
