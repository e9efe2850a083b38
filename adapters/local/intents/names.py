"""Product and resource names matched against a tenant's vocabulary with rapidfuzz, typos and all.

A name matches a run of words whose sorted tokens are close to it ("margarita pizaa" ->
"Pizza Margherita"), or a single word close to a token only that name has ("margheritas").
A word shared by several names ("pizza") alone matches none: it is ambiguous.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from .when import NUMBER_WORDS

NAME_SCORE = 85.0  # one word against a name
PHRASE_SCORE = 82.0  # several words carry more evidence, so they may be a little further off
TOKEN_SCORE = 84.0  # one word against a word only this name has; weighed at 0.9
GENERIC = {"table", "tables", "court", "room", "seat", "area", "pizza", "menu"}
_WORD = re.compile(r"[\w']+")
_ARTICLES = {"a": 1, "an": 1, "another": 1, "una": 1, "un": 1, "satu": 1, "dos": 2, "dua": 2}


@dataclass(frozen=True, slots=True)
class Mention:
    """A vocabulary name found at word positions [start, end) of the text."""

    name: str
    start: int
    end: int
    score: float


def find_names(text: str, names: Sequence[str]) -> list[Mention]:
    """Non-overlapping mentions of `names`, best scores first chosen, in text order."""
    words = [w.lower() for w in _WORD.findall(text)]
    candidates = sorted(
        (m for name in names for m in _candidates(words, name, _own_tokens(name, names))),
        key=lambda m: -m.score,
    )
    chosen: list[Mention] = []
    for mention in candidates:
        overlaps = any(mention.start < c.end and c.start < mention.end for c in chosen)
        if not overlaps and all(c.name != mention.name for c in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


def _own_tokens(name: str, names: Sequence[str]) -> set[str]:
    """Words of `name` long enough to be telling, not generic, and used by no other name."""
    others = {t for other in names if other != name for t in _WORD.findall(other.lower())}
    own = set(_WORD.findall(name.lower())) - others - GENERIC
    return {t for t in own if len(t) >= 4}


def _candidates(words: list[str], name: str, own: set[str]) -> list[Mention]:
    """Every window of words that scores as `name` above the thresholds."""
    target = name.lower()
    size = len(_WORD.findall(target))
    found = []
    for n in {max(1, size - 1), size, size + 1}:
        for start in range(len(words) - n + 1):
            window = words[start : start + n]
            score = _score(window, target, own)
            if score and _same_digits(window, target):
                found.append(Mention(name, start, start + n, score))
    return found


def _score(window: list[str], target: str, own: set[str]) -> float:
    """The name score of a window, or 0 when it is below both thresholds."""
    score = fuzz.token_sort_ratio(" ".join(window), target)
    if score >= (NAME_SCORE if len(window) == 1 else PHRASE_SCORE):
        return score
    if len(window) == 1 and len(window[0]) >= 4 and own:
        best = max(fuzz.ratio(window[0], token) for token in own)
        return 0.9 * best if best >= TOKEN_SCORE else 0.0
    return 0.0


def _same_digits(window: list[str], target: str) -> bool:
    """Digits must agree: "Court 2" is not "Court 1", however close the letters are."""
    return re.findall(r"\d+", " ".join(window)) == re.findall(r"\d+", target)


def quantity_before(text: str, mention: Mention) -> int | None:
    """The count written just before a mention: "2", "two", "a", "2x", "2 x"."""
    words = [w.lower() for w in _WORD.findall(text)][: mention.start]
    if words and words[-1] == "x":
        words.pop()
    if not words:
        return None
    word = words[-1].removesuffix("x")
    if word.isdigit() and 0 < int(word) < 100:
        return int(word)
    if word in NUMBER_WORDS:
        return NUMBER_WORDS.index(word) + 1
    return _ARTICLES.get(word)
