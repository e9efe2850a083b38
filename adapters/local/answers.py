"""Extractive answers without an LLM: the passage sentences that best answer the question.

Each sentence is scored on two kinds of evidence. Lexical: the share of the question's
content words it holds, matched by prefix, fuzzily ("alergens"), through kin words
("address" ~ "located") and after the question is put in the documents' words (Xmas ->
25 December, "dirección" -> address; see answers_lexicon). Meaning: the cosine between the
question and the sentence under its heading, so a paraphrase with no shared word still
counts. Below the threshold the writer says it does not know rather than quote something
unrelated. A question about a day prefers the sentence about that day.
"""

import asyncio
import re
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from rapidfuzz import fuzz

from adapters.local.answers_lexicon import KIN, WEEKDAYS, to_english, when
from core.orchestrator.nlu import GroundedAnswer, Passage

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
STOPWORDS = frozenset(
    "a an the and or but if of to in on at for from by with about as is are was were be been "
    "do does did can could would should will shall may might must i you he she it we they me "
    "my your our their this that these those there here what which who whom whose when where "
    "why how any some have has had not no yes please hi hello tell know want like get us time "
    "whats wats u ur r pls plz ok okay im id ive youre hey also just still there's it's "
    "guys folks yall ya dude "
    "el la los las de del y o en un una que por para con es son se lo al hay cual cuando puedo "
    "hacen tienen tiene mi su yo "
    "apa yang di ke dari kapan berapa bisa ada saya kamu anda untuk dengan dan atau ini itu "
    "hari apakah boleh pakai saat nya mau".split()
)
# Tuned on the answers set in tests/eval/retrieval.yaml (services/tools/eval_answers.py): a
# sentence holding half the question's words needs some meaning besides ("can I bring my
# dog" / "Dogs are welcome…"), which "do you serve sushi" / "…serve it with candles" lacks.
MEANING_WEIGHT = 2.0
MEANING_FLOOR = 0.2  # the cosine MiniLM gives two unrelated sentences about a restaurant
THRESHOLD = 0.6
LEXICAL_THRESHOLD = 0.5  # without the encoder: half the question's words
DAY_BONUS = 0.5  # a sentence about the day asked beats one about another day or date
MAX_SENTENCES = 3
_KEEP_WITHIN = 0.75  # more sentences of the same passage when nearly as good as the best
_CACHED_VECTORS = 20_000  # document sentences recur in every answer: ~30 MB of vectors


class SentenceEncoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


def _matches(word: str, candidates: set[str]) -> bool:
    alternatives = KIN.get(word, (word,))
    return any(
        c.startswith(alt[:5]) or alt.startswith(c[:5]) or fuzz.ratio(alt, c) >= 85
        for alt in alternatives
        for c in candidates
    )


def coverage(question: Sequence[str], sentence: str, heading: str = "") -> float:
    """Share of the question's words in the sentence (read under its section heading);
    a weekday counts when the sentence covers it, as "Monday to Thursday" covers Wednesday."""
    text = f"{heading} {sentence}"
    words, days = set(content_words(text)), when(text)
    if not question or not words:
        return 0.0
    found = sum(q in days if q in WEEKDAYS else _matches(q, words) for q in question)
    return found / len(question)


def day_fit(asked: frozenset[str], text: str) -> int:
    """+1 when the text is about a day or date asked, -1 when only about others, else 0."""
    if not asked:
        return 0
    about = when(text)
    return 1 if about & asked else -1 if about else 0


def default_encoder(model_dir: Path | None = None) -> SentenceEncoder | None:
    """MiniLM when `make models` has unpacked it, else None: the writer goes on words alone.

    The full encoder, not the distilled word vectors: these lose the word order and context
    that tell "serve it with candles" from "serve sushi" (0.70 of the answers set against
    0.86, every unanswerable question refused by both)."""
    from adapters.local.minilm import DEFAULT_MODEL_DIR, MiniLmEmbedder

    model_dir = model_dir or DEFAULT_MODEL_DIR
    return MiniLmEmbedder(model_dir) if (model_dir / "model.safetensors").exists() else None


_UNSET: Any = object()


class ExtractiveAnswerWriter:
    """AnswerWriter that quotes the business's own documents."""

    def __init__(self, encoder: SentenceEncoder | None = _UNSET) -> None:
        self._encoder = default_encoder() if encoder is _UNSET else encoder
        self._vectors: dict[str, np.ndarray] = {}

    async def answer(
        self, tenant_id: uuid.UUID, question: str, passages: Sequence[Passage], tone: dict[str, Any]
    ) -> GroundedAnswer:
        asked = to_english(question)
        wanted, days = content_words(asked), when(asked)
        units = [
            (index, position, heading, sentence)
            for index, passage in enumerate(passages)
            for position, (heading, sentence) in enumerate(_sections(passage))
        ]
        if not units or not wanted:
            return GroundedAnswer("", (), grounded=False)
        texts = [f"{heading}: {sentence}" for _, _, heading, sentence in units]
        scores = [coverage(wanted, sentence, heading) for _, _, heading, sentence in units]
        threshold = LEXICAL_THRESHOLD
        if self._encoder is not None:
            cosines = await asyncio.to_thread(self._cosines, asked, texts)
            scores = [
                s + MEANING_WEIGHT * max(0.0, c - MEANING_FLOOR)
                for s, c in zip(scores, cosines, strict=True)
            ]
            threshold = THRESHOLD
        fits = [day_fit(days, text) for text in texts]
        scores = [s + DAY_BONUS * fit for s, fit in zip(scores, fits, strict=True)]
        ranked = sorted(range(len(units)), key=lambda i: (-scores[i], units[i][0], units[i][1]))
        best = ranked[0]
        # Asked about a day, an answer must speak of it: "open 24 hours" is not Sunday's hours.
        if scores[best] < threshold or (days and fits[best] < 1):
            return GroundedAnswer("", (), grounded=False)
        source = units[best][0]
        # One passage answers: mixing in another's sentences reads as a non sequitur.
        floor = max(threshold, scores[best] * _KEEP_WITHIN)
        chosen = [i for i in ranked if units[i][0] == source and scores[i] >= floor]
        chosen = sorted(chosen[:MAX_SENTENCES], key=lambda i: units[i][1])
        text = " ".join(_clean(units[i][3]) for i in chosen)
        return GroundedAnswer(text, (source,), grounded=True)

    def _cosines(self, question: str, texts: list[str]) -> np.ndarray:
        """Cosine of each text to the question; document sentences' vectors are kept."""
        known = {t: v for t in texts if (v := self._vectors.get(t)) is not None}
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self._encoder.encode(missing), strict=True))
            if len(self._vectors) + len(fresh) > _CACHED_VECTORS:
                self._vectors = {}
            self._vectors.update(fresh)
            known.update(fresh)
        asked = self._encoder.encode([question])[0]
        return np.stack([known[t] for t in texts]) @ asked


_MARKER = re.compile(r"^\s*(?:#|[*\-•]\s|\d+[.)]\s)")
_LABELLED = re.compile(r"^[^.!?:]{1,40}:\s")  # "Sunday: 10:00…", "Patatas bravas: …"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\W\d_a-z])")  # the next sentence opens upper case
_WRAP_WIDTH = 50  # a line this long without final punctuation was wrapped, not ended


def _sections(passage: Passage) -> list[tuple[str, str]]:
    """(heading, sentence) pairs; a markdown heading line names the sentences under it."""
    pairs, heading = [], passage.heading
    for line in _lines(passage.text):
        if line.startswith("#"):
            heading = f"{passage.heading} {line.lstrip('# ')}".strip()
        else:
            pairs.extend((heading, sentence) for sentence in _sentences(line))
    return pairs


def _lines(text: str) -> list[str]:
    """Logical lines: wrapped lines joined, headings and list items kept on their own."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            lines.append("")
            continue
        previous = lines[-1] if lines else ""
        wrapped = len(previous) >= _WRAP_WIDTH and previous[-1] not in ".!?:;"
        if previous and wrapped and not previous.startswith("#") and not _MARKER.match(line):
            lines[-1] = f"{previous} {line}"
        else:
            lines.append(line)
    return [line for line in lines if line]


def _sentences(line: str) -> list[str]:
    """A labelled line ("Friday: 12:00 to 00:00.") is one answer; prose is cut at sentence
    ends, a one- or two-word sentence ("Yes.") kept with the next."""
    if _LABELLED.match(line):
        return [line]
    out: list[str] = []
    for sentence in _SENTENCE_END.split(line):
        if out and len(out[-1].split()) <= 2:
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    return out


def _clean(sentence: str) -> str:
    """Markdown list and heading markers are noise in a WhatsApp reply."""
    return re.sub(r"^\s*(?:[#*\-•]+|\d+\.)\s*", "", sentence)
