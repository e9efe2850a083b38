"""Retrieval evaluation: the demo documents indexed as production indexes them, then each
question of tests/eval/retrieval.yaml searched; recall@5 and MRR for dense and hybrid."""

import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import yaml
from qdrant_client import AsyncQdrantClient

from adapters.extraction.text import DocumentTextExtractor
from adapters.local.bm25 import HashingBm25Encoder
from adapters.local.minilm import DEFAULT_MODEL_DIR, MiniLmEmbedder
from adapters.qdrant.vector_index import QdrantVectorIndex
from core.knowledge.chunking import chunk
from core.knowledge.ports import EmbeddedChunk, QueryVectors, SearchScope, Source
from services.demo.knowledge import DOCUMENTS

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = ROOT / "tests" / "eval" / "retrieval.yaml"
K = 5
TENANT, KB = uuid.uuid4(), uuid.uuid4()


async def _index(client: AsyncQdrantClient, embedder, encoder, hybrid: bool) -> QdrantVectorIndex:
    index = QdrantVectorIndex(
        client, f"eval_{'hybrid' if hybrid else 'dense'}", embedder.dimensions, hybrid
    )
    await index.ensure_collection()
    extractor = DocumentTextExtractor()
    for path in sorted(DOCUMENTS.iterdir()):
        text = await extractor.extract(path.read_bytes(), path.suffix.lstrip("."))
        chunks = chunk(text, path.suffix.lstrip("."))
        contextual = [c.contextual for c in chunks]
        dense = await embedder.embed_documents(contextual)
        sparse = encoder.encode_documents(contextual)
        source = Source(TENANT, None, KB, uuid.uuid4(), path.name)
        await index.upsert(
            source, [EmbeddedChunk(c, d, s) for c, d, s in zip(chunks, dense, sparse, strict=True)]
        )
    return index


def _rank(passages, question: dict[str, Any]) -> int | None:
    """1-based rank of the first passage from the right document holding the phrase."""
    for rank, passage in enumerate(passages, 1):
        if (
            passage.filename == question["doc"]
            and question["expect"].lower() in passage.text.lower()
        ):
            return rank
    return None


async def _score(index: QdrantVectorIndex, embedder, encoder, questions) -> dict[str, Any]:
    ranks, timings, misses = [], [], []
    scope = SearchScope(TENANT, None, (KB,))
    for question in questions:
        started = time.perf_counter()
        vectors = QueryVectors(
            await embedder.embed_query(question["q"]), encoder.encode_query(question["q"])
        )
        passages = await index.search(vectors, scope, K)
        timings.append(time.perf_counter() - started)
        rank = _rank(passages, question)
        ranks.append(rank)
        if rank is None:
            misses.append(question["q"])
    found = [r for r in ranks if r is not None]
    timings.sort()
    return {
        "questions": len(questions),
        f"recall@{K}": round(len(found) / len(questions), 3),
        "recall@1": round(sum(1 for r in found if r == 1) / len(questions), 3),
        "mrr": round(sum(1 / r for r in found) / len(questions), 3),
        "query_ms_p50": round(timings[len(timings) // 2] * 1000, 1),
        "query_ms_p99": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))] * 1000, 1),
        "misses": misses,
    }


async def evaluate_retrieval() -> dict[str, Any]:
    questions = [q for q in yaml.safe_load(QUESTIONS.read_text()) if q.get("only") != "answers"]
    embedder, encoder = MiniLmEmbedder(DEFAULT_MODEL_DIR), HashingBm25Encoder()
    results = {}
    with tempfile.TemporaryDirectory() as qdrant_dir:
        client = AsyncQdrantClient(path=qdrant_dir)
        try:
            for mode in ("dense", "hybrid"):
                index = await _index(client, embedder, encoder, hybrid=mode == "hybrid")
                results[mode] = await _score(index, embedder, encoder, questions)
        finally:
            await client.close()
    return results
