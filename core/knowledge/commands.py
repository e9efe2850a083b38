"""Requests to the knowledge context, already parsed from the wire but not yet validated."""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.shared.paging import PageQuery

from .model import KnowledgeBaseStatus, ProcessingStatus


@dataclass(frozen=True)
class CreateKnowledgeBase:
    tenant_id: uuid.UUID
    name: str
    outlet_id: uuid.UUID | None = None
    description: str = ""
    status: KnowledgeBaseStatus | None = None


@dataclass(frozen=True)
class UpdateKnowledgeBase:
    tenant_id: uuid.UUID
    knowledge_base_id: uuid.UUID
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class ListKnowledgeBases:
    tenant_id: uuid.UUID
    page: PageQuery
    outlet_id: uuid.UUID | None = None  # its own plus the tenant-wide ones
    status: KnowledgeBaseStatus | None = None


@dataclass(frozen=True)
class DocumentKey:
    """The document a request names, always within a tenant and a knowledge base."""

    tenant_id: uuid.UUID
    knowledge_base_id: uuid.UUID
    document_id: uuid.UUID


@dataclass(frozen=True)
class UploadDocument:
    tenant_id: uuid.UUID
    knowledge_base_id: uuid.UUID
    filename: str
    content: bytes
    content_type: str = ""


@dataclass(frozen=True)
class ListDocuments:
    tenant_id: uuid.UUID
    knowledge_base_id: uuid.UUID
    page: PageQuery
    status: ProcessingStatus | None = None


@dataclass(frozen=True)
class Search:
    tenant_id: uuid.UUID
    query: str
    outlet_id: uuid.UUID | None = None
    knowledge_base_ids: Sequence[uuid.UUID] = field(default_factory=tuple)
    top_k: int = 0  # 0: the default
    min_score: float = 0.0
