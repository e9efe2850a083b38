"""Sentence vectors in microseconds: all-MiniLM-L6-v2 distilled into one vector per token.

Running the whole encoder costs ~7 ms a message on this CPU, most of the Router's budget.
Distilled once (`make models`, ~30 s), each word-piece of the vocabulary keeps the vector
the encoder gives it on its own; a sentence is the mean of its pieces' vectors. Meaning
("reserve" near "book", "storage" near "memory") survives well enough to tell a restaurant
question from an assistant command, at the cost of word order.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from adapters.local.bert import BertEncoder

VECTORS = "static_vectors.npy"
_BATCH = 2048


def distil(model_dir: Path) -> Path:
    """Write one unit vector per vocabulary entry beside the model; the path written."""
    encoder = BertEncoder.load(model_dir)
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    size = tokenizer.get_vocab_size()
    vectors = np.empty((size, encoder.hidden_size), dtype=np.float32)
    for start in range(0, size, _BATCH):
        pieces = np.arange(start, min(start + _BATCH, size))
        ids = np.stack([np.full_like(pieces, cls), pieces, np.full_like(pieces, sep)], axis=1)
        hidden = encoder(ids, np.ones(ids.shape, dtype=np.float32))
        vectors[pieces] = hidden.mean(axis=1)  # the pooling the sentence model was trained with
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    path = model_dir / VECTORS
    partial = path.with_suffix(".partial.npy")
    np.save(partial, vectors.astype(np.float16))
    partial.rename(path)
    return path


class StaticEmbedder:
    """Mean of the distilled word-piece vectors, L2-normalised; (n, 384) float32."""

    def __init__(self, model_dir: Path) -> None:
        self._vectors = np.load(model_dir / VECTORS).astype(np.float32)
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(128)
        self._special = {self._tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[UNK]")}

    @property
    def dimensions(self) -> int:
        return self._vectors.shape[1]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, encoding in enumerate(self._tokenizer.encode_batch(list(texts))):
            ids = [i for i in encoding.ids if i not in self._special]
            if ids:
                mean = self._vectors[ids].mean(axis=0)
                out[row] = mean / max(float(np.linalg.norm(mean)), 1e-12)
        return out
