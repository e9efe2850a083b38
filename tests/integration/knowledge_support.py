"""A knowledge service over a real grpc.aio server, as a test builds one: its own document
store, the shared database and vector index."""

from crm.knowledge.v1 import knowledge_pb2_grpc

from adapters.extraction.text import DocumentTextExtractor
from adapters.grpc.knowledge_servicer import KnowledgeServicer
from adapters.local.hashing_embedder import HashingEmbedder
from adapters.postgres.knowledge_repository import SqlAlchemyKnowledgeUnitOfWork
from adapters.qdrant.vector_index import open_vector_index
from core.knowledge.ports import DocumentStore, Pipeline
from tests.fakes import FakeOutlets, FakeSparseEncoder


async def knowledge_stub(sessions, qdrant, store: DocumentStore, grpc_channel_to):
    """A replica: its own servicer and document store; the database and the vector index
    are the shared services every replica uses."""
    embedder = HashingEmbedder()
    pipeline = Pipeline(
        store,
        DocumentTextExtractor(),
        embedder,
        FakeSparseEncoder(),
        await open_vector_index(qdrant, embedder, hybrid=True),
    )
    servicer = KnowledgeServicer(
        lambda: SqlAlchemyKnowledgeUnitOfWork(sessions), pipeline, FakeOutlets()
    )
    channel = await grpc_channel_to(
        lambda server: knowledge_pb2_grpc.add_KnowledgeServiceServicer_to_server(servicer, server),
        ["crm.knowledge.v1.KnowledgeService"],
    )
    return knowledge_pb2_grpc.KnowledgeServiceStub(channel)
