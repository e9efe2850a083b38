"""Upload the demo documents through the knowledge service, once per knowledge base."""

import mimetypes
from pathlib import Path

from crm.knowledge.v1 import knowledge_pb2 as pb
from crm.knowledge.v1 import knowledge_pb2_grpc
from crm.tenant.v1 import tenant_pb2, tenant_pb2_grpc

from adapters.grpc.peers import call, open_channel
from services.seed import DEMO_PHONE_NUMBER_ID
from services.settings import Settings

DOCUMENTS = Path(__file__).with_name("documents")
KNOWLEDGE_BASE = "Demo Bistro guide"


async def _demo_tenant_id(settings: Settings) -> str:
    async with open_channel(settings.address_of("tenant")) as channel:
        resolved = await call(
            tenant_pb2_grpc.TenantServiceStub(channel).ResolveOutlet,
            tenant_pb2.ResolveOutletRequest(phone_number_id=DEMO_PHONE_NUMBER_ID),
        )
    return resolved.tenant.id


async def seed_demo_documents(settings: Settings) -> int:
    """Create the demo knowledge base with every document unless it exists; files uploaded."""
    tenant_id = await _demo_tenant_id(settings)
    async with open_channel(settings.address_of("knowledge")) as channel:
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
