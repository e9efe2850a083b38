"""Split a document's text into overlapping chunks that keep to its headings and paragraphs."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

TARGET_CHARS = 800
OVERLAP_CHARS = 120  # ~15%: a sentence cut at a boundary is still whole in one of the two
# Extractors turn these formats' headings into markdown "#" lines; in txt and pdf a "#" is text.
HEADED_TYPES = frozenset({"md", "html", "docx"})

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_BLANK_LINES = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


@dataclass(frozen=True, slots=True)
class Chunk:
    text: str
    heading: str  # the heading path, e.g. "Menu > Drinks"; empty before the first heading
    position: int  # 0-based within the document

    @property
    def contextual(self) -> str:
        """The chunk under its headings: what is embedded and what a reader is shown."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


def chunk(text: str, file_type: str) -> list[Chunk]:
    chunks: list[Chunk] = []
    for heading, body in _sections(text, file_type in HEADED_TYPES):
        for piece in _packed(_pieces(body)):
            chunks.append(Chunk(piece, heading, len(chunks)))
    return chunks


def _sections(text: str, headed: bool) -> Iterator[tuple[str, str]]:
    """(heading path, body) per section, in order; a heading starts a new section."""
    path: list[tuple[int, str]] = []
    body: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        match = _HEADING.match(line.strip()) if headed else None
        if match is None:
            body.append(line)
            continue
        yield " > ".join(title for _, title in path), "\n".join(body)
        level = len(match.group(1))
        path = [(lv, title) for lv, title in path if lv < level] + [(level, match.group(2))]
        body = []
    yield " > ".join(title for _, title in path), "\n".join(body)


def _pieces(body: str) -> Iterator[str]:
    """Paragraphs, each cut at sentence (or at worst word) ends to fit in a chunk."""
    for paragraph in _BLANK_LINES.split(body):
        paragraph = "\n".join(" ".join(line.split()) for line in paragraph.strip().split("\n"))
        if len(paragraph) <= TARGET_CHARS:
            if paragraph:
                yield paragraph
            continue
        for sentence in _SENTENCE_END.split(paragraph):
            yield from _cut(sentence)


def _cut(sentence: str) -> Iterator[str]:
    """A sentence longer than a chunk, in word-aligned slices."""
    words: list[str] = []
    for word in sentence.split():
        if words and len(" ".join([*words, word])) > TARGET_CHARS:
            yield " ".join(words)
            words = []
        words.append(word[:TARGET_CHARS])
    if words:
        yield " ".join(words)


def _packed(pieces: Iterator[str]) -> Iterator[str]:
    """Pieces joined up to the target size; each chunk opens with the previous one's tail."""
    current, fresh = "", False
    for piece in pieces:
        if fresh and len(current) + len(piece) + 2 > TARGET_CHARS:
            yield current
            current, fresh = _tail(current), False
        current = f"{current}\n\n{piece}" if current else piece
        fresh = True
    if fresh:
        yield current


def _tail(text: str) -> str:
    """The last OVERLAP_CHARS of a chunk, from a word start."""
    if len(text) <= OVERLAP_CHARS:
        return text
    tail = text[-OVERLAP_CHARS:]
    start = tail.find(" ")
    return tail[start + 1 :] if start >= 0 else tail
