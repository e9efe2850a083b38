"""VectorIndex port on Qdrant: one collection per embedding model, hybrid dense + BM25 search."""

import re
import uuid
import warnings
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from qdrant_client import AsyncQdrantClient
from qdrant_client import models as q

from core.knowledge.ports import EmbeddedChunk, Passage, QueryVectors, SearchScope, Source
from core.knowledge.vectors import Embedder, SparseVector

DENSE, SPARSE = "dense", "sparse"
_INDEXED = ("tenant_id", "outlet_id", "knowledge_base_id", "document_id")
_BATCH = 128
# Each retriever hands fusion several times the final count, so both get a say.
_PREFETCH_FACTOR, _MIN_PREFETCH = 4, 20


def collection_name(embedder_name: str) -> str:
    """Vectors of different models never share a collection."""
    return "knowledge_" + re.sub(r"[^a-z0-9]+", "_", embedder_name.lower()).strip("_")


def _is(key: str, value: uuid.UUID) -> q.FieldCondition:
    return q.FieldCondition(key=key, match=q.MatchValue(value=str(value)))


def _owned(tenant_id: uuid.UUID, key: str, value: uuid.UUID) -> q.Filter:
    return q.Filter(must=[_is("tenant_id", tenant_id), _is(key, value)])


def scope_filter(scope: SearchScope) -> q.Filter:
    """Always the tenant; the outlet's own and tenant-wide chunks; the given knowledge bases."""
    kb_ids = [str(kb_id) for kb_id in scope.knowledge_base_ids]
    must: list[q.Condition] = [
        _is("tenant_id", scope.tenant_id),
        q.FieldCondition(key="knowledge_base_id", match=q.MatchAny(any=kb_ids)),
    ]
    if scope.outlet_id is not None:
        shared = q.IsNullCondition(is_null=q.PayloadField(key="outlet_id"))
        must.append(q.Filter(should=[_is("outlet_id", scope.outlet_id), shared]))
    return q.Filter(must=must)


def _sparse(vector: SparseVector) -> q.SparseVector:
    return q.SparseVector(indices=list(vector.indices), values=list(vector.values))


def _point(source: Source, embedded: EmbeddedChunk) -> q.PointStruct:
    piece = embedded.chunk
    return q.PointStruct(
        # Stable per (document, position): writing a chunk twice overwrites it.
        id=str(uuid.uuid5(source.document_id, str(piece.position))),
        vector={DENSE: embedded.dense, SPARSE: _sparse(embedded.sparse)},
        payload={
            "tenant_id": str(source.tenant_id),
            "outlet_id": str(source.outlet_id) if source.outlet_id else None,
            "knowledge_base_id": str(source.knowledge_base_id),
            "document_id": str(source.document_id),
            "filename": source.filename,
            "text": piece.text,
            "heading": piece.heading,
            "position": piece.position,
        },
    )


def _passage(point: q.ScoredPoint, score: float) -> Passage:
    payload = point.payload or {}
    return Passage(
        text=payload["text"],
        heading=payload.get("heading", ""),
        score=score,
        document_id=uuid.UUID(payload["document_id"]),
        filename=payload["filename"],
        knowledge_base_id=uuid.UUID(payload["knowledge_base_id"]),
        position=payload["position"],
    )


def _cosine(point: q.ScoredPoint, query: list[float]) -> float:
    """Vectors are normalised, so the dot product is the cosine."""
    vectors = point.vector if isinstance(point.vector, dict) else {}
    dense = vectors.get(DENSE) or []
    return float(sum(a * b for a, b in zip(dense, query, strict=False)))


class QdrantVectorIndex:
    """Hybrid search ranks by reciprocal rank fusion of dense and sparse retrieval, and still
    reports each passage's cosine to the query, so min_score means the same in both modes."""

    def __init__(
        self, client: AsyncQdrantClient, collection: str, dimensions: int, hybrid: bool = True
    ) -> None:
        self._client = client
        self._collection = collection
        self._dimensions = dimensions
        self._hybrid = hybrid

    async def ensure_collection(self) -> None:
        if await self._client.collection_exists(self._collection):
            return
        await self._client.create_collection(
            self._collection,
            vectors_config={
                DENSE: q.VectorParams(size=self._dimensions, distance=q.Distance.COSINE)
            },
            sparse_vectors_config={SPARSE: q.SparseVectorParams(modifier=q.Modifier.IDF)},
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # local mode ignores payload indexes, and says so
            for key in _INDEXED:
                await self._client.create_payload_index(
                    self._collection, key, q.PayloadSchemaType.KEYWORD
                )

    async def upsert(self, source: Source, chunks: Sequence[EmbeddedChunk]) -> None:
        points = [_point(source, embedded) for embedded in chunks]
        for start in range(0, len(points), _BATCH):
            batch = points[start : start + _BATCH]
            await self._client.upsert(self._collection, points=batch, wait=True)

    async def delete_document(self, tenant_id: uuid.UUID, document_id: uuid.UUID) -> None:
        await self._delete(_owned(tenant_id, "document_id", document_id))

    async def delete_knowledge_base(self, tenant_id: uuid.UUID, kb_id: uuid.UUID) -> None:
        await self._delete(_owned(tenant_id, "knowledge_base_id", kb_id))

    async def move_knowledge_base(
        self, tenant_id: uuid.UUID, kb_id: uuid.UUID, outlet_id: uuid.UUID | None
    ) -> None:
        await self._client.set_payload(
            self._collection,
            payload={"outlet_id": str(outlet_id) if outlet_id else None},
            points=q.FilterSelector(filter=_owned(tenant_id, "knowledge_base_id", kb_id)),
            wait=True,
        )

    async def search(self, vectors: QueryVectors, scope: SearchScope, limit: int) -> list[Passage]:
        where = scope_filter(scope)
        if self._hybrid and vectors.sparse.indices:
            return await self._hybrid_search(vectors, where, limit)
        found = await self._client.query_points(
            self._collection, vectors.dense, using=DENSE, query_filter=where, limit=limit
        )
        return [_passage(point, point.score) for point in found.points]

    async def _hybrid_search(
        self, vectors: QueryVectors, where: q.Filter, limit: int
    ) -> list[Passage]:
        depth = max(limit * _PREFETCH_FACTOR, _MIN_PREFETCH)
        found = await self._client.query_points(
            self._collection,
            prefetch=[
                q.Prefetch(query=vectors.dense, using=DENSE, filter=where, limit=depth),
                q.Prefetch(query=_sparse(vectors.sparse), using=SPARSE, filter=where, limit=depth),
            ],
            query=q.FusionQuery(fusion=q.Fusion.RRF),
            query_filter=where,
            limit=limit,
            with_vectors=[DENSE],
        )
        return [_passage(point, _cosine(point, vectors.dense)) for point in found.points]

    async def _delete(self, where: q.Filter) -> None:
        selector = q.FilterSelector(filter=where)
        await self._client.delete(self._collection, points_selector=selector, wait=True)


async def qdrant_client(
    url: str | None, api_key: str | None, path: Path
) -> AsyncIterator[AsyncQdrantClient]:
    """The server at `url`, else local mode on disk at `path` (one process per path)."""
    if url:
        client = AsyncQdrantClient(url=url, api_key=api_key)
    else:
        client = AsyncQdrantClient(path=str(path))
    try:
        yield client
    finally:
        await client.close()


async def open_vector_index(
    client: AsyncQdrantClient, embedder: Embedder, hybrid: bool
) -> QdrantVectorIndex:
    index = QdrantVectorIndex(client, collection_name(embedder.name), embedder.dimensions, hybrid)
    await index.ensure_collection()
    return index
