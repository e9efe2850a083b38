"""Uploading and reindexing documents: store, extract, chunk, embed, index; READY or FAILED."""

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime

from core.billing.limits import PlanLimit, PlanLimits, ensure_room, megabytes
from core.shared.errors import AlreadyExists, DomainError

from . import commands as c
from .chunking import chunk
from .handlers import document_of, forget, knowledge_base_of
from .model import (
    Document,
    KnowledgeBase,
    ProcessingStatus,
    file_type_of,
    valid_content,
    valid_filename,
)
from .ports import EmbeddedChunk, KnowledgeUnitOfWork, Pipeline, Source, UnreadableDocument

log = logging.getLogger(__name__)

Content = Callable[[], Awaitable[bytes]]


def _new_document(cmd: c.UploadDocument) -> Document:
    filename = valid_filename(cmd.filename)
    return Document(
        tenant_id=cmd.tenant_id,
        knowledge_base_id=cmd.knowledge_base_id,
        filename=filename,
        file_type=file_type_of(filename, cmd.content_type),
        sha256=hashlib.sha256(valid_content(cmd.content)).hexdigest(),
        content_type=cmd.content_type[:255],
        file_size_bytes=len(cmd.content),
        processing_status=ProcessingStatus.PROCESSING,
    )


async def upload_document(
    cmd: c.UploadDocument,
    uow: KnowledgeUnitOfWork,
    pipeline: Pipeline,
    limits: PlanLimits | None = None,
) -> Document:
    """Ingest at once; once READY it replaces the knowledge base's files of the same name.

    Refused past the plan's storage limit, counting every file the tenant has stored (one it
    replaces included: it goes only once the new one is READY)."""
    document = _new_document(cmd)
    async with uow:
        knowledge_base = await knowledge_base_of(uow, cmd.tenant_id, cmd.knowledge_base_id)
        same = await uow.documents.with_content(knowledge_base.id, document.sha256)
        if same is not None:
            raise AlreadyExists("document", "content", same.filename)
        stored = await uow.documents.stored_bytes(cmd.tenant_id)
        needed = megabytes(stored + document.file_size_bytes)
        await ensure_room(limits, cmd.tenant_id, PlanLimit.STORAGE_MB, needed)
        path = pipeline.store.path_for(document)
        document = await uow.documents.add(replace(document, storage_path=path))
        await uow.commit()

    async def saved() -> bytes:
        await pipeline.store.save(path, cmd.content)
        return cmd.content

    document = await _process(document, knowledge_base, saved, uow, pipeline)
    if document.processing_status is ProcessingStatus.READY:
        await _drop_older(document, uow, pipeline)
    return document


async def reindex_document(
    key: c.DocumentKey, uow: KnowledgeUnitOfWork, pipeline: Pipeline
) -> Document:
    """Chunk and embed the stored file again (after a failure or a change of model)."""
    async with uow:
        knowledge_base = await knowledge_base_of(uow, key.tenant_id, key.knowledge_base_id)
        document = await uow.documents.update((await document_of(uow, key)).processing())
        await uow.commit()

    async def stored() -> bytes:
        return await pipeline.store.load(document.storage_path)

    return await _process(document, knowledge_base, stored, uow, pipeline)


async def _process(
    document: Document,
    knowledge_base: KnowledgeBase,
    content: Content,
    uow: KnowledgeUnitOfWork,
    pipeline: Pipeline,
) -> Document:
    """Index the file; on any failure remove whatever was indexed and record why."""
    now = datetime.now(UTC)
    try:
        finished = document.ready(await _index(document, knowledge_base, content, pipeline), now)
    except Exception as error:
        finished = document.failed(_reason(error), now)
        await _unindex(document, pipeline)
    async with uow:
        finished = await uow.documents.update(finished)
        await uow.commit()
    return finished


async def _index(
    document: Document, knowledge_base: KnowledgeBase, content: Content, pipeline: Pipeline
) -> int:
    """The number of chunks now searchable."""
    text = await pipeline.extractor.extract(await content(), document.file_type)
    chunks = chunk(text, document.file_type)
    if not chunks:
        raise UnreadableDocument("no text was found in the file")
    texts = [piece.contextual for piece in chunks]
    dense = await pipeline.embedder.embed_documents(texts)
    sparse = pipeline.encoder.encode_documents(texts)
    # A reindex may yield fewer chunks: the old ones must not linger.
    await pipeline.index.delete_document(document.tenant_id, document.id)
    embedded = [EmbeddedChunk(*v) for v in zip(chunks, dense, sparse, strict=True)]
    await pipeline.index.upsert(Source.of(document, knowledge_base.outlet_id), embedded)
    return len(chunks)


def _reason(error: Exception) -> str:
    if isinstance(error, DomainError):
        return error.message
    log.exception("indexing failed unexpectedly")
    return "indexing failed unexpectedly; ReindexDocument retries it"


async def _unindex(document: Document, pipeline: Pipeline) -> None:
    try:
        await pipeline.index.delete_document(document.tenant_id, document.id)
    except Exception:
        # FAILED is recorded all the same; a reindex or delete removes the leftovers.
        log.exception("could not remove the chunks of failed document %s", document.id)


async def _drop_older(document: Document, uow: KnowledgeUnitOfWork, pipeline: Pipeline) -> None:
    """Other documents of the knowledge base with this file name: replaced by this one."""
    async with uow:
        siblings = await uow.documents.in_knowledge_base(
            document.tenant_id, document.knowledge_base_id
        )
    older = [d for d in siblings if d.filename == document.filename and d.id != document.id]
    for old in older:
        await forget(pipeline, old)
    async with uow:
        for old in older:
            await uow.documents.delete(old.tenant_id, old.id)
        await uow.commit()
