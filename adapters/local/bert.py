"""A BERT encoder's forward pass in numpy, to run small sentence-embedding models without torch."""

import json
import math
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

# Added to the attention scores of padding; large enough that softmax gives it 0, small
# enough that float32 never overflows to -inf.
_MASKED = np.float32(-1e9)
# Abramowitz & Stegun 7.1.26: erf within 1.5e-7, below float32 noise; numpy has no erf.
_ERF_P = 0.3275911
_ERF_A = (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)


class BertEncoder:
    """The last hidden states of a BERT model (embeddings + encoder layers), float32."""

    def __init__(self, weights: dict[str, np.ndarray], config: dict) -> None:
        self._w = {name: _prepared(name, array) for name, array in weights.items()}
        self._heads = config["num_attention_heads"]
        self._layers = config["num_hidden_layers"]
        self._eps = config["layer_norm_eps"]
        self.hidden_size: int = config["hidden_size"]
        self.max_positions: int = config["max_position_embeddings"]

    @classmethod
    def load(cls, model_dir: Path) -> "BertEncoder":
        """From a Hugging Face model directory: config.json and model.safetensors."""
        config = json.loads((model_dir / "config.json").read_text())
        return cls(load_file(model_dir / "model.safetensors"), config)

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """ids and mask (batch, tokens) -> hidden states (batch, tokens, hidden)."""
        # Tokens stay flattened to rows, (batch * tokens, hidden): one large matmul per
        # dense layer is about twice as fast as numpy's loop over a 3-D batch.
        x = self._embed(ids).reshape(-1, self.hidden_size)
        bias = ((1.0 - mask) * _MASKED)[:, None, None, :].astype(np.float32)
        for i in range(self._layers):
            x = self._layer(x, bias, f"encoder.layer.{i}.")
        return x.reshape(*ids.shape, self.hidden_size)

    def _embed(self, ids: np.ndarray) -> np.ndarray:
        w = self._w
        x = w["embeddings.word_embeddings.weight"][ids]
        x += w["embeddings.position_embeddings.weight"][: ids.shape[1]]
        x += w["embeddings.token_type_embeddings.weight"][0]  # single segment
        return self._norm(x, "embeddings.LayerNorm")

    def _layer(self, x: np.ndarray, bias: np.ndarray, p: str) -> np.ndarray:
        attended = self._dense(self._attention(x, bias, p), p + "attention.output.dense")
        x = self._norm(x + attended, p + "attention.output.LayerNorm")
        hidden = _gelu(self._dense(x, p + "intermediate.dense"))
        return self._norm(x + self._dense(hidden, p + "output.dense"), p + "output.LayerNorm")

    def _attention(self, x: np.ndarray, bias: np.ndarray, p: str) -> np.ndarray:
        batch, tokens = bias.shape[0], bias.shape[-1]

        def heads(name: str) -> np.ndarray:
            projected = self._dense(x, f"{p}attention.self.{name}")
            return projected.reshape(batch, tokens, self._heads, -1).transpose(0, 2, 1, 3)

        q, k, v = heads("query"), heads("key"), heads("value")
        # In place: for 32 texts of 256 tokens the scores alone take 100 MB.
        scores = q @ k.transpose(0, 1, 3, 2)
        scores *= np.float32(1 / math.sqrt(q.shape[-1]))
        scores += bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        return (scores @ v).transpose(0, 2, 1, 3).reshape(x.shape)

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self._w[name + ".weight"] + self._w[name + ".bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        centred = x - x.mean(axis=-1, keepdims=True)
        scale = 1.0 / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + self._eps)
        return centred * scale * self._w[name + ".weight"] + self._w[name + ".bias"]


def _prepared(name: str, array: np.ndarray) -> np.ndarray:
    """Linear weights are stored (out, in), as torch keeps them; transpose once for x @ W."""
    if array.ndim == 2 and not name.startswith("embeddings."):
        return np.ascontiguousarray(array.T)
    return array


def _gelu(x: np.ndarray) -> np.ndarray:
    """The exact (erf) GELU that BERT's "gelu" means, not the tanh approximation.

    Computed in place over three buffers: the feed-forward activations are the largest
    arrays of a batch (50 MB for 32 texts of 256 tokens).
    """
    z = np.abs(x)
    z *= np.float32(1 / math.sqrt(2))
    t = z * np.float32(_ERF_P)
    t += 1
    np.reciprocal(t, out=t)
    poly = np.zeros_like(t)
    for a in _ERF_A:
        poly += np.float32(a)
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z
    erf = np.subtract(1, poly, out=poly)  # erf(|x| / sqrt 2)
    np.copysign(erf, x, out=erf)
    erf += 1
    erf *= x
    erf *= 0.5
    return erf
