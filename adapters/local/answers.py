"""Extractive answers without an LLM: the passage sentences that best cover the question.

Grounded means the chosen sentences cover enough of the question's content words (matched
by prefix or fuzzily, so "open" finds "opening" and "alergens" finds "allergens"); below
that the writer says it does not know rather than quote something unrelated.
"""

import re
import uuid
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz

from core.orchestrator.nlu import GroundedAnswer, Passage

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Sentences end with punctuation; a line break alone is often just wrapping.
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n(?=\s*(?:[#*\-•]|\d+\.))|\n\s*\n")
STOPWORDS = frozenset(
    "a an the and or but if of to in on at for from by with about as is are was were be been "
    "do does did can could would should will shall may might must i you he she it we they me "
    "my your our their this that these those there here what which who whom whose when where "
    "why how any some have has had not no yes please hi hello tell know want like get us time "
    "el la los las de del y o en un una que por para con es son se lo al hay".split()
)
MIN_COVERAGE = 0.5  # share of the question's content words the answer must contain
MAX_SENTENCES = 3


def content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]


def _matches(word: str, candidates: set[str]) -> bool:
    return any(
        c.startswith(word[:5]) or word.startswith(c[:5]) or fuzz.ratio(word, c) >= 85
        for c in candidates
    )


def coverage(question: Sequence[str], sentence: str, heading: str = "") -> float:
    """Share of the question's words in the sentence (read under its section heading)."""
    words = set(content_words(f"{heading} {sentence}"))
    if not question or not words:
        return 0.0
    return sum(_matches(q, words) for q in question) / len(question)


class ExtractiveAnswerWriter:
    """AnswerWriter that quotes the business's own documents."""

    async def answer(
        self, tenant_id: uuid.UUID, question: str, passages: Sequence[Passage], tone: dict[str, Any]
    ) -> GroundedAnswer:
        wanted = content_words(question)
        scored = [
            (coverage(wanted, sentence, heading), -index, -position, sentence, index)
            for index, passage in enumerate(passages)
            for position, (heading, sentence) in enumerate(_sections(passage))
        ]
        scored.sort(reverse=True)
        if not scored or scored[0][0] < MIN_COVERAGE:
            return GroundedAnswer("", (), grounded=False)
        best, source = scored[0][0], scored[0][4]
        # One passage answers: mixing in another's sentences reads as a non sequitur.
        chosen = [s for s in scored if s[4] == source and s[0] >= max(MIN_COVERAGE, best * 0.75)][
            :MAX_SENTENCES
        ]
        chosen.sort(key=lambda s: (-s[1], -s[2]))  # document order reads naturally
        text = " ".join(_clean(s[3]) for s in chosen)
        return GroundedAnswer(text, tuple(sorted({s[4] for s in chosen})), grounded=True)


def _sections(passage: Passage) -> list[tuple[str, str]]:
    """(heading, sentence) pairs; a markdown heading line names the sentences under it."""
    pairs, heading = [], passage.heading
    for sentence in (" ".join(s.split()) for s in _SENTENCE.split(passage.text)):
        if sentence.startswith("#"):
            heading = f"{passage.heading} {sentence.lstrip('# ')}"
        elif sentence:
            pairs.append((heading, sentence))
    return pairs


def _clean(sentence: str) -> str:
    """Markdown list and heading markers are noise in a WhatsApp reply."""
    return re.sub(r"^\s*(?:[#*\-•]+|\d+\.)\s*", "", sentence)
