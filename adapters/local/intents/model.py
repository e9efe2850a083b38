"""The statistical half of local routing: what the words look like and what they mean.

Character and word n-grams (TF-IDF) carry typos, inflections and the phrasing of our own
examples; distilled MiniLM vectors carry meaning, so a sentence written by someone else
("how much memory is on my laptop") lands near the examples it resembles in sense, not in
spelling. One linear SVM, calibrated to probabilities, reads both.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_union
from sklearn.svm import LinearSVC

from adapters.local.minilm import DEFAULT_MODEL_DIR
from adapters.local.static_embeddings import VECTORS, StaticEmbedder
from core.orchestrator.nlu import Intent

HERE = Path(__file__).parent
# Our own examples of each intent, and broad ones written to teach the edges: what is out of
# scope, which business questions go to the documents, informal bookings and orders.
EXAMPLE_FILES = (HERE / "examples.yaml", HERE / "broad_examples.yaml")
# How much the meaning vectors weigh against the n-grams (tuned by cross-validation).
MEANING_WEIGHT = 1.0


def normalise(text: str) -> str:
    """Lower case, digits folded to 0 so "for 4" and "for 6" share features, spaces collapsed."""
    return " ".join(re.sub(r"\d", "0", text.lower()).split())


def load_examples(paths: Sequence[Path] = EXAMPLE_FILES) -> list[tuple[str, Intent]]:
    """(utterance, intent) pairs from YAML mappings of intent -> utterances."""
    examples = []
    for path in paths:
        data: Mapping[str, Sequence[str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
        examples += [(str(text), Intent(label)) for label, texts in data.items() for text in texts]
    return examples


class Meaning(BaseEstimator, TransformerMixin):
    """Texts -> their distilled MiniLM vectors, scaled by `weight`, as a sparse block."""

    def __init__(self, embedder: StaticEmbedder | None = None, weight: float = MEANING_WEIGHT):
        self.embedder = embedder
        self.weight = weight

    def fit(self, texts: Sequence[str], labels: Sequence[str] | None = None) -> "Meaning":
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        if self.embedder is None:
            return sparse.csr_matrix((len(texts), 0))
        return sparse.csr_matrix(self.embedder.encode(texts) * self.weight)


def embedder_in(model_dir: Path) -> StaticEmbedder | None:
    """The distilled vectors when `make models` (or the image build) has written them beside
    the model, else None: the Router runs on n-grams alone."""
    return StaticEmbedder(model_dir) if (model_dir / VECTORS).exists() else None


def build_pipeline(
    c: float = 0.5, embedder: StaticEmbedder | None = None, weight: float = MEANING_WEIGHT
) -> Pipeline:
    """Character n-grams within words carry typos and inflections; word n-grams carry phrasing;
    the distilled vectors carry meaning."""
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1),
        TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"
        ),
        Meaning(embedder, weight),
    )
    model = CalibratedClassifierCV(LinearSVC(C=c), cv=3, method="sigmoid", ensemble=False)
    return Pipeline([("features", features), ("model", model)])


@dataclass(frozen=True, slots=True)
class IntentModel:
    """A fitted pipeline, read for prediction as plain arrays: the calibrated SVM's classes
    are a matrix product and one sigmoid each, without scikit-learn's per-call checks (the
    same probabilities, about three times faster)."""

    classes: tuple[Intent, ...]
    features: tuple[Any, ...]  # the fitted transformers whose outputs are stacked
    weights: np.ndarray  # (features, classes)
    intercept: np.ndarray
    slope: np.ndarray  # each class's sigmoid calibration: 1 / (1 + exp(slope * d + offset))
    offset: np.ndarray

    @classmethod
    def fit(
        cls,
        examples: Sequence[tuple[str, Intent]],
        c: float = 0.5,
        embedder: StaticEmbedder | None = None,
        weight: float = MEANING_WEIGHT,
    ) -> "IntentModel":
        """Fit the pipeline on (utterance, intent) pairs."""
        pipeline = build_pipeline(c, embedder, weight)
        pipeline.fit([normalise(text) for text, _ in examples], [i.value for _, i in examples])
        (calibrated,) = pipeline.named_steps["model"].calibrated_classifiers_
        svm = calibrated.estimator
        return cls(
            classes=tuple(Intent(label) for label in pipeline.classes_),
            features=tuple(t for _, t in pipeline.named_steps["features"].transformer_list),
            weights=np.ascontiguousarray(svm.coef_.T),
            intercept=svm.intercept_,
            slope=np.array([s.a_ for s in calibrated.calibrators]),
            offset=np.array([s.b_ for s in calibrated.calibrators]),
        )

    def predict(self, text: str) -> tuple[Intent, float]:
        """The likeliest intent of `text` and its calibrated probability."""
        return self.ranked(text)[0]

    def ranked(self, text: str) -> list[tuple[Intent, float]]:
        """Every intent with its calibrated probability, likeliest first."""
        normalised = [normalise(text)]
        x = sparse.hstack([t.transform(normalised) for t in self.features]).tocsr()
        decision = np.asarray(x @ self.weights).ravel() + self.intercept
        probabilities = 1.0 / (1.0 + np.exp(self.slope * decision + self.offset))
        total = probabilities.sum()
        probabilities = (
            probabilities / total if total > 0 else np.full_like(decision, 1 / len(decision))
        )
        order = np.argsort(-probabilities)
        return [(self.classes[i], float(probabilities[i])) for i in order]


@cache
def trained_model(model_dir: Path = DEFAULT_MODEL_DIR) -> IntentModel:
    """Trained once (a second or two) and kept for the life of the process; the orchestrator
    trains it before it serves, so no customer's message waits for it."""
    return IntentModel.fit(load_examples(), embedder=embedder_in(model_dir))
