"""A model-free Embedder: hashed bag of words, for tests and for running without model weights."""

import math
import re
import zlib
from collections.abc import Sequence

_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    """Lower-case words with a plural "s" dropped, so "rooms" and "room" meet."""
    words = _WORD.findall(text.lower())
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


class HashingEmbedder:
    """Embedder port: each word adds ±1 to one of `dimensions` slots; L2-normalised.

    Cosine is then word overlap, so it retrieves by shared vocabulary only: no synonyms,
    no paraphrases. Deterministic across processes (crc32, not hash()).
    """

    def __init__(self, dimensions: int = 256) -> None:
        self._dimensions = dimensions

    @property
    def dimensions(self) -> int:
        return self._dimensions

    @property
    def name(self) -> str:
        return f"hashing-{self._dimensions}"

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.vector(text) for text in texts]

    async def embed_query(self, text: str) -> list[float]:
        return self.vector(text)

    def vector(self, text: str) -> list[float]:
        vector = [0.0] * self._dimensions
        for word in _words(text):
            code = zlib.crc32(word.encode())
            vector[code % self._dimensions] += 1.0 if code & 0x80000000 else -1.0
        norm = math.sqrt(sum(v * v for v in vector))
        return [v / norm for v in vector] if norm else vector
