"""Postgres repositories and unit of work of the knowledge context."""

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.knowledge.commands import ListDocuments, ListKnowledgeBases
from core.knowledge.model import (
    Document,
    KnowledgeBase,
    KnowledgeBaseStatus,
    ProcessingStatus,
)
from core.shared.paging import Page

from .locks import hold_until_commit
from .models.knowledge import DocumentRow, KnowledgeBaseRow
from .table import Table, writable
from .unit_of_work import SqlAlchemyUnitOfWork


def _knowledge_base(row: KnowledgeBaseRow) -> KnowledgeBase:
    return KnowledgeBase(
        id=row.id,
        tenant_id=row.tenant_id,
        outlet_id=row.outlet_id,
        name=row.name,
        description=row.description,
        status=KnowledgeBaseStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _knowledge_base_values(knowledge_base: KnowledgeBase) -> dict[str, Any]:
    values = writable(knowledge_base)
    for derived in ("document_count", "total_size_bytes"):
        values.pop(derived)
    return values


def _document(row: DocumentRow) -> Document:
    return Document(
        id=row.id,
        tenant_id=row.tenant_id,
        knowledge_base_id=row.knowledge_base_id,
        filename=row.filename,
        file_type=row.file_type,
        sha256=row.sha256,
        content_type=row.content_type,
        file_size_bytes=row.file_size_bytes,
        storage_path=row.storage_path,
        processing_status=ProcessingStatus(row.processing_status),
        failure_reason=row.failure_reason or "",
        chunk_count=row.chunk_count,
        processed_at=row.processed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _document_values(document: Document) -> dict[str, Any]:
    return {**writable(document), "failure_reason": document.failure_reason or None}


def _reach(outlet_id: uuid.UUID | None) -> list[Any]:
    """An outlet's own knowledge bases and the tenant-wide ones; no outlet: all of them."""
    if outlet_id is None:
        return []
    return [or_(KnowledgeBaseRow.outlet_id == outlet_id, KnowledgeBaseRow.outlet_id.is_(None))]


class SqlAlchemyKnowledgeBaseRepository(Table[KnowledgeBase]):
    """Every read and write is scoped by tenant; counts come from the documents."""

    row = KnowledgeBaseRow
    to_entity = staticmethod(_knowledge_base)
    to_values = staticmethod(_knowledge_base_values)
    immutable = ("id", "tenant_id")

    async def _counted(self, bases: Sequence[KnowledgeBase]) -> list[KnowledgeBase]:
        size = func.coalesce(func.sum(DocumentRow.file_size_bytes), 0)
        statement = (
            select(DocumentRow.knowledge_base_id, func.count(), size)
            .where(DocumentRow.knowledge_base_id.in_([kb.id for kb in bases]))
            .group_by(DocumentRow.knowledge_base_id)
        )
        totals = {kb_id: (n, total) for kb_id, n, total in await self._session.execute(statement)}
        counted = []
        for kb in bases:
            count, total = totals.get(kb.id, (0, 0))
            counted.append(replace(kb, document_count=count, total_size_bytes=int(total)))
        return counted

    async def get(self, tenant_id: uuid.UUID, kb_id: uuid.UUID) -> KnowledgeBase | None:
        found = await self._one(
            KnowledgeBaseRow.tenant_id == tenant_id, KnowledgeBaseRow.id == kb_id
        )
        return (await self._counted([found]))[0] if found else None

    async def update(self, knowledge_base: KnowledgeBase) -> KnowledgeBase:
        return (await self._counted([await super().update(knowledge_base)]))[0]

    async def delete(self, tenant_id: uuid.UUID, kb_id: uuid.UUID) -> None:
        # Its documents go by ON DELETE CASCADE.
        await self._session.execute(
            delete(KnowledgeBaseRow).where(
                KnowledgeBaseRow.tenant_id == tenant_id, KnowledgeBaseRow.id == kb_id
            )
        )

    async def searchable(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID | None, among: Sequence[uuid.UUID]
    ) -> list[uuid.UUID]:
        where = [
            KnowledgeBaseRow.tenant_id == tenant_id,
            KnowledgeBaseRow.status == KnowledgeBaseStatus.ACTIVE.value,
            *_reach(outlet_id),
        ]
        if among:
            where.append(KnowledgeBaseRow.id.in_(among))
        return list(await self._session.scalars(select(KnowledgeBaseRow.id).where(*where)))

    async def list(self, query: ListKnowledgeBases) -> Page[KnowledgeBase]:
        where = [KnowledgeBaseRow.tenant_id == query.tenant_id, *_reach(query.outlet_id)]
        if query.status is not None:
            where.append(KnowledgeBaseRow.status == query.status.value)
        page = await self._page(query.page, *where)
        return Page(await self._counted(page.items), page.next_token)

    async def count(self, tenant_id: uuid.UUID) -> int:
        await hold_until_commit(self._session, f"knowledge.knowledge_bases:{tenant_id}")
        return await self._session.scalar(
            select(func.count()).where(KnowledgeBaseRow.tenant_id == tenant_id)
        )


class SqlAlchemyDocumentRepository(Table[Document]):
    """Every read and write is scoped by tenant."""

    row = DocumentRow
    to_entity = staticmethod(_document)
    to_values = staticmethod(_document_values)
    immutable = ("id", "tenant_id")

    async def get(self, tenant_id: uuid.UUID, document_id: uuid.UUID) -> Document | None:
        return await self._one(DocumentRow.tenant_id == tenant_id, DocumentRow.id == document_id)

    async def delete(self, tenant_id: uuid.UUID, document_id: uuid.UUID) -> None:
        await self._session.execute(
            delete(DocumentRow).where(
                DocumentRow.tenant_id == tenant_id, DocumentRow.id == document_id
            )
        )

    async def in_knowledge_base(self, tenant_id: uuid.UUID, kb_id: uuid.UUID) -> list[Document]:
        statement = select(DocumentRow).where(
            DocumentRow.tenant_id == tenant_id, DocumentRow.knowledge_base_id == kb_id
        )
        return [_document(row) for row in await self._session.scalars(statement)]

    async def with_content(self, kb_id: uuid.UUID, sha256: str) -> Document | None:
        return await self._one(DocumentRow.knowledge_base_id == kb_id, DocumentRow.sha256 == sha256)

    async def list(self, query: ListDocuments) -> Page[Document]:
        where = [
            DocumentRow.tenant_id == query.tenant_id,
            DocumentRow.knowledge_base_id == query.knowledge_base_id,
        ]
        if query.status is not None:
            where.append(DocumentRow.processing_status == query.status.value)
        return await self._page(query.page, *where)

    async def stored_bytes(self, tenant_id: uuid.UUID) -> int:
        await hold_until_commit(self._session, f"knowledge.documents:{tenant_id}")
        total = func.coalesce(func.sum(DocumentRow.file_size_bytes), 0)
        return int(
            await self._session.scalar(select(total).where(DocumentRow.tenant_id == tenant_id))
        )


class SqlAlchemyKnowledgeUnitOfWork(SqlAlchemyUnitOfWork):
    knowledge_bases: SqlAlchemyKnowledgeBaseRepository
    documents: SqlAlchemyDocumentRepository

    def attach(self, session: AsyncSession) -> None:
        self.knowledge_bases = SqlAlchemyKnowledgeBaseRepository(session)
        self.documents = SqlAlchemyDocumentRepository(session)
