"""Assemble the knowledge service from its container for the runtime to serve."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.local.minilm import DEFAULT_MODEL_DIR
from services.assembly import serving
from services.catalog import ServiceSpec
from services.database import database_config
from services.runtime import Register
from services.settings import Settings

from .container import KnowledgeContainer


def configure(container: KnowledgeContainer, settings: Settings, database: dict[str, str]) -> None:
    data = settings.data_dir
    model_dir = settings.embedding_model_dir or DEFAULT_MODEL_DIR
    container.config.from_dict(
        {
            **database,
            "billing_address": settings.address_of("billing"),
            "tenant_address": settings.address_of("tenant"),
            "embedder": settings.embedder,
            "embedding_model_dir": str(model_dir),
            "hybrid": settings.knowledge_search == "hybrid",
            "storage_dir": settings.knowledge_storage_dir or data / "documents",
            "document_store": settings.document_store,
            "s3": {
                "bucket": settings.s3_bucket,
                "prefix": settings.s3_prefix,
                "endpoint_url": settings.s3_endpoint_url,
                "region": settings.s3_region,
            },
            "qdrant": {
                "url": settings.qdrant_url,
                "api_key": settings.qdrant_api_key,
                "path": data / "qdrant",
            },
        }
    )


@asynccontextmanager
async def assemble(spec: ServiceSpec, settings: Settings) -> AsyncIterator[Register]:
    container = KnowledgeContainer()
    configure(container, settings, await database_config(settings, spec.name))
    async with serving(container, spec) as register:
        yield register
