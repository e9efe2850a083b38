"""BM25 sparse vectors with hashed term ids, for hybrid search in Qdrant (which applies IDF)."""

import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence

from core.knowledge.vectors import SparseVector

_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script
_STOPWORDS_TEXT = """
a about an and are as at be been but by can could did do does for from had has have he her
him his how i if in into is it its me my no not of on or our she so than that the their them
then there these they this those to too us was we were what when where which who why will
with would you your
al como con cual de del donde el ella ellas ellos en era es esa ese eso esta este esto estos
estas fue ha han hay la las le les lo los mas me mi mis muy ni no nos o os para pero por que
quien se ser si sin sobre su sus te tu tus un una uno unos unas y ya yo
"""


def fold(text: str) -> str:
    """Case- and accent-insensitive form: customers type "que" for "qué" and "Cafe" for "café"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


STOPWORDS = frozenset(fold(_STOPWORDS_TEXT).split())


def terms(text: str) -> Iterator[str]:
    """Folded words without stopwords, with a plural "s" dropped ("precios" and "precio" meet)."""
    for word in _WORD.findall(fold(text)):
        if word in STOPWORDS:
            continue
        yield word[:-1] if len(word) > 3 and word[-1] == "s" and word[-2] != "s" else word


def term_id(term: str) -> int:
    """Stable across processes and releases (unlike hash()); fits Qdrant's u32 indices."""
    return zlib.crc32(term.encode()) & 0x7FFFFFFF


class HashingBm25Encoder:
    """SparseEncoder port: documents get BM25 term-frequency weights, queries 1 per term.

    IDF is left to Qdrant (a sparse vector configured with modifier=IDF), so no corpus
    statistics live here; `avg_doc_length` stands in for the corpus' mean length in terms.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75, avg_doc_length: float = 256.0) -> None:
        self._k1 = k1
        self._b = b
        self._avg_doc_length = avg_doc_length

    def encode_documents(self, texts: Sequence[str]) -> list[SparseVector]:
        return [self._document(text) for text in texts]

    def encode_query(self, text: str) -> SparseVector:
        ids = sorted({term_id(term) for term in terms(text)})
        return SparseVector(tuple(ids), (1.0,) * len(ids))

    def _document(self, text: str) -> SparseVector:
        counts = Counter(term_id(term) for term in terms(text))
        length = sum(counts.values())
        norm = self._k1 * (1 - self._b + self._b * length / self._avg_doc_length)
        ids = sorted(counts)
        values = (counts[i] * (self._k1 + 1) / (counts[i] + norm) for i in ids)
        return SparseVector(tuple(ids), tuple(values))
