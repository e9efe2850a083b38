"""Wiring of the knowledge service: database, documents, encoders, Qdrant, peers -> servicer."""

from functools import partial
from pathlib import Path

from dependency_injector import containers, providers

from adapters.extraction.text import DocumentTextExtractor
from adapters.grpc.billing_client import GrpcPlanLimits
from adapters.grpc.knowledge_servicer import KnowledgeServicer
from adapters.grpc.tenant_client import GrpcTenantDirectory
from adapters.local.document_store import LocalDocumentStore
from adapters.local.hashing_embedder import HashingEmbedder
from adapters.postgres.database import ScopedSessions, engine_resource
from adapters.postgres.knowledge_repository import SqlAlchemyKnowledgeUnitOfWork
from adapters.qdrant.vector_index import open_vector_index, qdrant_client
from adapters.s3.document_store import s3_document_store
from core.knowledge.ports import Pipeline
from services.assembly import peer_client


def minilm_embedder(model_dir: str):
    """Imported here: the model's code (and numpy weights) load only when chosen."""
    from adapters.local.minilm import MiniLmEmbedder

    return MiniLmEmbedder(Path(model_dir))


def bm25_encoder():
    from adapters.local.bm25 import HashingBm25Encoder

    return HashingBm25Encoder()


async def document_store(
    kind: str, storage_dir: Path, bucket: str, prefix: str, endpoint_url: str | None, region: str
):
    """The originals' store the settings name: this pod's disk, or a shared S3 bucket (whose
    client is opened only then)."""
    if kind != "s3":
        yield LocalDocumentStore(storage_dir)
        return
    async for store in s3_document_store(bucket, prefix, endpoint_url, region):
        yield store


class KnowledgeContainer(containers.DeclarativeContainer):
    config = providers.Configuration()

    engine = providers.Resource(engine_resource, url=config.database_url, pool=config.pool)
    # Work that spans tenants (core.shared.scope.across_tenants) runs as the platform role.
    platform_engine = providers.Resource(
        engine_resource, url=config.platform_database_url, pool=config.platform_pool
    )
    sessions = providers.Singleton(ScopedSessions, engine, platform_engine)
    unit_of_work = providers.Singleton(partial, SqlAlchemyKnowledgeUnitOfWork, sessions)

    embedder = providers.Selector(
        config.embedder,
        local=providers.Singleton(minilm_embedder, config.embedding_model_dir),
        hashing=providers.Singleton(HashingEmbedder),
    )
    encoder = providers.Singleton(bm25_encoder)
    qdrant = providers.Resource(
        qdrant_client, config.qdrant.url, config.qdrant.api_key, config.qdrant.path
    )
    index = providers.Resource(open_vector_index, qdrant, embedder, config.hybrid)
    store = providers.Resource(
        document_store,
        config.document_store,
        config.storage_dir,
        config.s3.bucket,
        config.s3.prefix,
        config.s3.endpoint_url,
        config.s3.region,
    )
    pipeline = providers.Singleton(
        Pipeline,
        store=store,
        extractor=providers.Singleton(DocumentTextExtractor),
        embedder=embedder,
        encoder=encoder,
        index=index,
    )
    limits = providers.Resource(peer_client, GrpcPlanLimits, config.billing_address)
    # Whose an outlet is, asked of the tenant service before a knowledge base names one.
    outlets = providers.Resource(peer_client, GrpcTenantDirectory, config.tenant_address)
    servicer = providers.Singleton(
        KnowledgeServicer,
        unit_of_work=unit_of_work,
        pipeline=pipeline,
        outlets=outlets,
        limits=limits,
    )
