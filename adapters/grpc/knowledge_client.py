"""The knowledge service as the Router sees it: search an outlet's documents."""

import uuid
from collections.abc import Sequence

from crm.knowledge.v1 import knowledge_pb2 as pb
from crm.knowledge.v1 import knowledge_pb2_grpc

from core.orchestrator.nlu import Passage

from .peers import call, open_channel


class GrpcKnowledgeSearch:
    def __init__(self, address: str) -> None:
        self._channel = open_channel(address)
        self._stub = knowledge_pb2_grpc.KnowledgeServiceStub(self._channel)

    async def search(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID, query: str, top_k: int
    ) -> Sequence[Passage]:
        reply = await call(
            self._stub.Search,
            pb.SearchRequest(
                tenant_id=str(tenant_id), outlet_id=str(outlet_id), query=query, top_k=top_k
            ),
        )
        return [
            Passage(p.text, p.score, p.document_id, p.filename, p.chunk_index, p.heading)
            for p in reply.passages
        ]

    async def aclose(self) -> None:
        await self._channel.close()
