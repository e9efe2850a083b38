"""Use cases of knowledge bases and their documents, besides ingestion and search."""

import uuid
from dataclasses import asdict, replace

from core.billing.limits import PlanLimit, PlanLimits, ensure_room
from core.shared.errors import NotFound
from core.shared.outlets import Outlets
from core.shared.paging import Page
from core.shared.validation import validated

from . import commands as c
from .model import KNOWLEDGE_BASE_FIELDS, Document, KnowledgeBase
from .ports import KnowledgeUnitOfWork, Pipeline


async def knowledge_base_of(
    uow: KnowledgeUnitOfWork, tenant_id: uuid.UUID, kb_id: uuid.UUID
) -> KnowledgeBase:
    knowledge_base = await uow.knowledge_bases.get(tenant_id, kb_id)
    if knowledge_base is None:
        raise NotFound("knowledge base", kb_id)
    return knowledge_base


async def document_of(uow: KnowledgeUnitOfWork, key: c.DocumentKey) -> Document:
    document = await uow.documents.get(key.tenant_id, key.document_id)
    if document is None or document.knowledge_base_id != key.knowledge_base_id:
        raise NotFound("document", key.document_id)
    return document


async def forget(pipeline: Pipeline, document: Document) -> None:
    """Its chunks out of the index and its file out of the store."""
    await pipeline.index.delete_document(document.tenant_id, document.id)
    if document.storage_path:
        await pipeline.store.delete(document.storage_path)


# -- knowledge bases -----------------------------------------------------------------------


async def _outlet_of_tenant(
    outlets: Outlets | None, tenant_id: uuid.UUID, outlet_id: uuid.UUID | None
) -> None:
    """A knowledge base of one outlet names one of the tenant's (`outlets` None: the caller
    made the outlet); None is every outlet of the tenant."""
    if outlets is not None and outlet_id is not None:
        await outlets.ensure_outlet(tenant_id, outlet_id)


async def create_knowledge_base(
    cmd: c.CreateKnowledgeBase,
    uow: KnowledgeUnitOfWork,
    limits: PlanLimits | None = None,
    outlets: Outlets | None = None,
) -> KnowledgeBase:
    """Within the plan's knowledge base limit, counted and inserted under one lock."""
    values = {k: v for k, v in asdict(cmd).items() if k != "tenant_id"}
    fields = validated(values, KNOWLEDGE_BASE_FIELDS, mask_field="knowledge_base")
    await _outlet_of_tenant(outlets, cmd.tenant_id, fields.get("outlet_id"))
    async with uow:
        held = await uow.knowledge_bases.count(cmd.tenant_id)
        await ensure_room(limits, cmd.tenant_id, PlanLimit.KNOWLEDGE_BASES, held + 1)
        knowledge_base = await uow.knowledge_bases.add(
            KnowledgeBase(tenant_id=cmd.tenant_id, **fields)
        )
        await uow.commit()
    return knowledge_base


async def get_knowledge_base(
    tenant_id: uuid.UUID, kb_id: uuid.UUID, uow: KnowledgeUnitOfWork
) -> KnowledgeBase:
    async with uow:
        return await knowledge_base_of(uow, tenant_id, kb_id)


async def update_knowledge_base(
    cmd: c.UpdateKnowledgeBase,
    uow: KnowledgeUnitOfWork,
    pipeline: Pipeline,
    outlets: Outlets | None = None,
) -> KnowledgeBase:
    changes = validated(dict(cmd.changes), KNOWLEDGE_BASE_FIELDS, mask_field="update_mask")
    await _outlet_of_tenant(outlets, cmd.tenant_id, changes.get("outlet_id"))
    async with uow:
        before = await knowledge_base_of(uow, cmd.tenant_id, cmd.knowledge_base_id)
        after = await uow.knowledge_bases.update(replace(before, **changes))
        if after.outlet_id != before.outlet_id:
            # Inside the transaction: if the index refuses, the outlet stays as it was.
            await pipeline.index.move_knowledge_base(after.tenant_id, after.id, after.outlet_id)
        await uow.commit()
    return after


async def list_knowledge_bases(
    cmd: c.ListKnowledgeBases, uow: KnowledgeUnitOfWork
) -> Page[KnowledgeBase]:
    async with uow:
        return await uow.knowledge_bases.list(cmd)


async def delete_knowledge_base(
    tenant_id: uuid.UUID, kb_id: uuid.UUID, uow: KnowledgeUnitOfWork, pipeline: Pipeline
) -> None:
    """Vectors and files first: a failure leaves the knowledge base to delete again."""
    async with uow:
        await knowledge_base_of(uow, tenant_id, kb_id)
        documents = await uow.documents.in_knowledge_base(tenant_id, kb_id)
    await pipeline.index.delete_knowledge_base(tenant_id, kb_id)
    for document in documents:
        await forget(pipeline, document)
    async with uow:
        await uow.knowledge_bases.delete(tenant_id, kb_id)
        await uow.commit()


# -- documents -----------------------------------------------------------------------------


async def get_document(key: c.DocumentKey, uow: KnowledgeUnitOfWork) -> Document:
    async with uow:
        return await document_of(uow, key)


async def list_documents(cmd: c.ListDocuments, uow: KnowledgeUnitOfWork) -> Page[Document]:
    async with uow:
        await knowledge_base_of(uow, cmd.tenant_id, cmd.knowledge_base_id)
        return await uow.documents.list(cmd)


async def delete_document(key: c.DocumentKey, uow: KnowledgeUnitOfWork, pipeline: Pipeline) -> None:
    async with uow:
        document = await document_of(uow, key)
    await forget(pipeline, document)
    async with uow:
        await uow.documents.delete(key.tenant_id, key.document_id)
        await uow.commit()
