"""all-MiniLM-L6-v2 sentence embeddings on the CPU with numpy: no torch, no model hub."""

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from adapters.local.bert import BertEncoder

# Where `make models` unpacks the weights; the knowledge service may point elsewhere.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[2] / ".data" / "models" / "all-MiniLM-L6-v2"


class MiniLmEmbedder:
    """Embedder port: mean-pooled, L2-normalised 384-d vectors, as sentence-transformers gives.

    Loading takes ~0.1 s and ~110 MB of memory, so build one per process and share it.
    """

    def __init__(self, model_dir: Path, max_tokens: int = 256, batch_size: int = 32) -> None:
        self._encoder = BertEncoder.load(model_dir)
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # tokenizer.json pads every input to 128; pad each batch to its longest instead.
        self._tokenizer.enable_truncation(min(max_tokens, self._encoder.max_positions))
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._batch_size = batch_size
        # One forward pass at a time: BLAS already uses every core, and concurrent batches
        # would only add their working memory (~300 MB for 32 texts of 256 tokens).
        self._lock = threading.Lock()

    @property
    def dimensions(self) -> int:
        return self._encoder.hidden_size

    @property
    def name(self) -> str:
        return "all-minilm-l6-v2"

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = await asyncio.to_thread(self.encode, texts)
        return vectors.tolist()

    async def embed_query(self, text: str) -> list[float]:
        return (await self.embed_documents([text]))[0]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimensions) float32 unit vectors; blocking, so call it off the loop."""
        # Batching texts of similar length keeps padding, and so wasted work, small.
        order = np.argsort([len(text) for text in texts], kind="stable")
        vectors = np.empty((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(texts), self._batch_size):
            batch = order[start : start + self._batch_size]
            with self._lock:
                vectors[batch] = self._encode_batch([texts[i] for i in batch])
        return vectors

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        hidden = self._encoder(ids, mask)
        summed = np.einsum("bth,bt->bh", hidden, mask)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
