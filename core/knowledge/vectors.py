"""Turning text into vectors: the dense and sparse encoders retrieval is built on."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SparseVector:
    """Term weights by term id (BM25-style); Qdrant applies IDF at query time."""

    indices: tuple[int, ...]
    values: tuple[float, ...]


class Embedder(Protocol):
    """Dense sentence embeddings; vectors are L2-normalised (cosine = dot product)."""

    @property
    def dimensions(self) -> int: ...

    @property
    def name(self) -> str:
        """Identifies the model, so an index built with another one is not mixed in."""

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...
    async def embed_query(self, text: str) -> list[float]: ...


class SparseEncoder(Protocol):
    def encode_documents(self, texts: Sequence[str]) -> list[SparseVector]: ...
    def encode_query(self, text: str) -> SparseVector: ...
