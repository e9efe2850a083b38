"""Search: the passages of a tenant's active knowledge bases closest to a question."""

from core.shared.errors import InvalidInput
from core.shared.validation import required_text

from .commands import Search
from .ports import KnowledgeUnitOfWork, Passage, Pipeline, QueryVectors, SearchScope

DEFAULT_TOP_K = 5
MAX_TOP_K = 50
MAX_QUERY_CHARS = 2000


def _top_k(value: int) -> int:
    if value < 0:
        raise InvalidInput("top_k", "must not be negative")
    return min(value or DEFAULT_TOP_K, MAX_TOP_K)


def _min_score(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise InvalidInput("min_score", "must be between 0 and 1")
    return value


async def search(cmd: Search, uow: KnowledgeUnitOfWork, pipeline: Pipeline) -> list[Passage]:
    """Best first; only the tenant's ACTIVE knowledge bases in the outlet's reach are searched."""
    text = required_text(cmd.query, "query", MAX_QUERY_CHARS)
    limit, min_score = _top_k(cmd.top_k), _min_score(cmd.min_score)
    async with uow:
        kb_ids = await uow.knowledge_bases.searchable(
            cmd.tenant_id, cmd.outlet_id, tuple(cmd.knowledge_base_ids)
        )
    if not kb_ids:
        return []
    vectors = QueryVectors(
        await pipeline.embedder.embed_query(text), pipeline.encoder.encode_query(text)
    )
    scope = SearchScope(cmd.tenant_id, cmd.outlet_id, tuple(kb_ids))
    passages = await pipeline.index.search(vectors, scope, limit)
    return [passage for passage in passages if passage.score >= min_score]
