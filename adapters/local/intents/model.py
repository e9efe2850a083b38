"""The statistical half of local routing: TF-IDF n-grams and a calibrated linear SVM on examples.yaml."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline, make_union
from sklearn.svm import LinearSVC

from core.orchestrator.nlu import Intent

EXAMPLES = Path(__file__).with_name("examples.yaml")


def normalise(text: str) -> str:
    """Lower case, digits folded to 0 so "for 4" and "for 6" share features, spaces collapsed."""
    return " ".join(re.sub(r"\d", "0", text.lower()).split())


def load_examples(path: Path = EXAMPLES) -> list[tuple[str, Intent]]:
    """(utterance, intent) pairs from a YAML mapping of intent -> utterances."""
    data: Mapping[str, Sequence[str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(str(text), Intent(label)) for label, texts in data.items() for text in texts]


def build_pipeline(c: float = 0.5) -> Pipeline:
    """Character n-grams within words carry typos and inflections; word n-grams carry phrasing."""
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1),
        TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"
        ),
    )
    model = CalibratedClassifierCV(LinearSVC(C=c), cv=3, method="sigmoid", ensemble=False)
    return Pipeline([("features", features), ("model", model)])


@dataclass(frozen=True, slots=True)
class IntentModel:
    """A fitted pipeline; `predict` gives the likeliest intent and its probability."""

    pipeline: Pipeline

    @classmethod
    def fit(cls, examples: Sequence[tuple[str, Intent]], c: float = 0.5) -> "IntentModel":
        """Fit the pipeline on (utterance, intent) pairs."""
        pipeline = build_pipeline(c)
        pipeline.fit([normalise(text) for text, _ in examples], [i.value for _, i in examples])
        return cls(pipeline)

    def predict(self, text: str) -> tuple[Intent, float]:
        """The likeliest intent of `text` and its calibrated probability."""
        probabilities = self.pipeline.predict_proba([normalise(text)])[0]
        best = int(np.argmax(probabilities))
        return Intent(self.pipeline.classes_[best]), float(probabilities[best])


@cache
def trained_model() -> IntentModel:
    """Trained on first use (well under a second) and kept for the life of the process."""
    return IntentModel.fit(load_examples())
