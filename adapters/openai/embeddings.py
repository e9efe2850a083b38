"""OpenAIEmbedder: dense embeddings from OpenAI's embedding models, batched and L2-normalised."""

from collections.abc import Sequence

import numpy as np

from .client import OpenAIGateway

# The models' native sizes; text-embedding-3-* can also shorten theirs on request.
NATIVE_DIMENSIONS = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}


class OpenAIEmbedder:
    """Embedder over `POST /v1/embeddings`, `batch_size` texts a request.

    `dimensions` is sent only when given (text-embedding-3-* shorten their vectors);
    otherwise the model's native size applies. The port carries no tenant, so these
    calls are not charged to one.
    """

    def __init__(
        self,
        gateway: OpenAIGateway,
        model: str = "text-embedding-3-small",
        dimensions: int | None = None,
        batch_size: int = 256,
    ) -> None:
        if dimensions is None and model not in NATIVE_DIMENSIONS:
            raise ValueError(f"the dimensions of {model!r} are unknown: pass them")
        self._gateway = gateway
        self._model = model
        self._requested = dimensions
        self._dimensions = dimensions or NATIVE_DIMENSIONS[model]
        self._batch_size = batch_size

    @property
    def dimensions(self) -> int:
        return self._dimensions

    @property
    def name(self) -> str:
        return f"openai/{self._model}/{self._dimensions}"

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            vectors += await self._embed_batch(texts[start : start + self._batch_size])
        return vectors

    async def embed_query(self, text: str) -> list[float]:
        [vector] = await self._embed_batch([text])
        return vector

    async def _embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        # OpenAI refuses empty strings; a blank one embeds as a space.
        inputs = [text if text.strip() else " " for text in texts]
        extra = {"dimensions": self._requested} if self._requested else {}
        response = await self._gateway.call(
            None,
            self._model,
            lambda: self._gateway.client.embeddings.create(
                model=self._model, input=inputs, **extra
            ),
        )
        ordered = sorted(response.data, key=lambda item: item.index)
        return normalised([item.embedding for item in ordered])


def normalised(vectors: list[list[float]]) -> list[list[float]]:
    """Scale each vector to unit length (cosine becomes a dot product); zeros stay zeros."""
    matrix = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).tolist()
