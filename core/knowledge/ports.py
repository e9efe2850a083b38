"""What the knowledge use cases need from the outside world."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, Self

from core.shared.errors import DomainError
from core.shared.paging import Page

from .chunking import Chunk
from .commands import ListDocuments, ListKnowledgeBases
from .model import Document, KnowledgeBase
from .vectors import Embedder, SparseEncoder, SparseVector


class KnowledgeBaseRepository(Protocol):
    async def add(self, knowledge_base: KnowledgeBase) -> KnowledgeBase: ...
    async def get(self, tenant_id: uuid.UUID, kb_id: uuid.UUID) -> KnowledgeBase | None: ...
    async def update(self, knowledge_base: KnowledgeBase) -> KnowledgeBase: ...
    async def delete(self, tenant_id: uuid.UUID, kb_id: uuid.UUID) -> None:
        """Removes its documents' rows as well."""
        ...

    async def searchable(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID | None, among: Sequence[uuid.UUID]
    ) -> list[uuid.UUID]:
        """ACTIVE ones of the tenant usable by the outlet (all outlets when None), within
        `among` when it names any."""
        ...

    async def list(self, query: ListKnowledgeBases) -> Page[KnowledgeBase]: ...
    async def count(self, tenant_id: uuid.UUID) -> int:
        """The tenant's knowledge bases. Holds the count until commit, so two creates cannot
        both see room for one more under the plan's limit."""
        ...


class DocumentRepository(Protocol):
    async def add(self, document: Document) -> Document: ...
    async def get(self, tenant_id: uuid.UUID, document_id: uuid.UUID) -> Document | None: ...
    async def update(self, document: Document) -> Document: ...
    async def delete(self, tenant_id: uuid.UUID, document_id: uuid.UUID) -> None: ...
    async def in_knowledge_base(self, tenant_id: uuid.UUID, kb_id: uuid.UUID) -> list[Document]:
        """All of them, for whole-knowledge-base operations."""
        ...

    async def with_content(self, kb_id: uuid.UUID, sha256: str) -> Document | None: ...
    async def list(self, query: ListDocuments) -> Page[Document]: ...
    async def stored_bytes(self, tenant_id: uuid.UUID) -> int:
        """The size of all the tenant's files. Holds the sum until commit, like `count`."""
        ...


class KnowledgeUnitOfWork(Protocol):
    """One transaction over the knowledge context's repositories."""

    knowledge_bases: KnowledgeBaseRepository
    documents: DocumentRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...


class UnreadableDocument(DomainError):
    """The file cannot be turned into text; the message says why, for the uploader."""


class DocumentStore(Protocol):
    """Keeps uploaded files; a path is the store's own key for one."""

    def path_for(self, document: Document) -> str: ...
    async def save(self, path: str, content: bytes) -> None: ...
    async def load(self, path: str) -> bytes: ...
    async def delete(self, path: str) -> None:
        """Nothing happens when the file is gone already."""
        ...


class TextExtractor(Protocol):
    async def extract(self, content: bytes, file_type: str) -> str:
        """The text, headings as markdown "#" lines; raises UnreadableDocument."""
        ...


@dataclass(frozen=True, slots=True)
class Source:
    """Where chunks come from: what search filters on and what a passage cites."""

    tenant_id: uuid.UUID
    outlet_id: uuid.UUID | None
    knowledge_base_id: uuid.UUID
    document_id: uuid.UUID
    filename: str

    @classmethod
    def of(cls, document: Document, outlet_id: uuid.UUID | None) -> "Source":
        return cls(
            document.tenant_id,
            outlet_id,
            document.knowledge_base_id,
            document.id,
            document.filename,
        )


@dataclass(frozen=True, slots=True)
class EmbeddedChunk:
    chunk: Chunk
    dense: list[float]
    sparse: SparseVector


@dataclass(frozen=True, slots=True)
class QueryVectors:
    dense: list[float]
    sparse: SparseVector


@dataclass(frozen=True, slots=True)
class SearchScope:
    """The tenant is not optional: no search runs across tenants."""

    tenant_id: uuid.UUID
    outlet_id: uuid.UUID | None
    knowledge_base_ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True, slots=True)
class Passage:
    text: str
    heading: str
    score: float  # cosine similarity to the query, whatever ranked it
    document_id: uuid.UUID
    filename: str
    knowledge_base_id: uuid.UUID
    position: int


class VectorIndex(Protocol):
    async def upsert(self, source: Source, chunks: Sequence[EmbeddedChunk]) -> None: ...
    async def delete_document(self, tenant_id: uuid.UUID, document_id: uuid.UUID) -> None: ...
    async def delete_knowledge_base(self, tenant_id: uuid.UUID, kb_id: uuid.UUID) -> None: ...
    async def move_knowledge_base(
        self, tenant_id: uuid.UUID, kb_id: uuid.UUID, outlet_id: uuid.UUID | None
    ) -> None:
        """Its chunks now belong to another outlet (None: to every outlet)."""
        ...

    async def search(
        self, vectors: QueryVectors, scope: SearchScope, limit: int
    ) -> list[Passage]: ...


@dataclass(frozen=True)
class Pipeline:
    """Everything ingestion and search need besides the database."""

    store: DocumentStore
    extractor: TextExtractor
    embedder: Embedder
    encoder: SparseEncoder
    index: VectorIndex
