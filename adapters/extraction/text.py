"""TextExtractor port: pypdf, python-docx and BeautifulSoup; headings become "#" lines."""

import asyncio
import io
import math
import re
import zipfile
from dataclasses import dataclass

import docx
from bs4 import BeautifulSoup
from docx.table import Table
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from core.knowledge.ports import UnreadableDocument

_HEADINGS = [f"h{level}" for level in range(1, 7)]
_BLOCKS = ["p", "div", "li", "tr", "pre", "blockquote", "section", "article", "dt", "dd"]
_DROPPED = ["script", "style", "noscript", "template", "head", "nav", "svg"]
_MANY_BLANKS = re.compile(r"\n\s*\n\s*")
_DOCX_HEADING = re.compile(r"^Heading (\d)$")
_NO_SPACE = re.compile(r"\s+")
_HEADING_SCALE = 1.15  # a PDF heading's font is at least this much larger than the body's
_MAX_HEADING_CHARS = 120


def text_of(data: bytes) -> str:
    """txt and md as they are: UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data:
        raise UnreadableDocument("the file is binary, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument("the text is in an unknown encoding; save it as UTF-8")


def html_text(data: bytes) -> str:
    soup = BeautifulSoup(data, "html.parser")
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    for tag in soup.find_all(_HEADINGS):
        level = int(tag.name[1])
        tag.replace_with(f"\n\n{'#' * level} {tag.get_text(' ', strip=True)}\n\n")
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(["td", "th"]):
        tag.insert_after(" ")
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    return _MANY_BLANKS.sub("\n\n", soup.get_text()).strip()


def pdf_text(data: bytes) -> str:
    """Page text with headings as "#" lines: PDFs mark headings only by a larger or bold font,
    and a heading run into its first sentence reads as part of the answer."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument("the PDF is password-protected")
        runs: list[_Run] = []
        pages = [page.extract_text(visitor_text=_collector(runs)) or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise UnreadableDocument("the PDF is damaged or not a PDF") from None
    levels = _heading_levels(runs)
    return "\n\n".join(_marked(page, levels) for page in pages if page.strip())


@dataclass
class _Run:
    """Consecutive text drawn in one font size and weight."""

    key: str  # the text without whitespace, as pypdf's spacing may differ from the page's
    size: float
    bold: bool


def _collector(runs: list[_Run]):
    def visit(text: str, cm: list, tm: list, font: dict | None, size: float) -> None:
        if not text.strip():
            return
        scaled = round(size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]), 1)
        bold = "bold" in str((font or {}).get("/BaseFont", "")).lower()
        key = _NO_SPACE.sub("", text)
        if runs and (runs[-1].size, runs[-1].bold) == (scaled, bold):
            runs[-1].key += key
        else:
            runs.append(_Run(key, scaled, bold))

    return visit


def _heading_levels(runs: list[_Run]) -> dict[str, int]:
    """Run text -> heading level: larger than the body text, or bold where the body is not;
    the largest is level 1."""
    if not runs:
        return {}
    weights: dict[tuple[float, bool], int] = {}
    for run in runs:
        weights[(run.size, run.bold)] = weights.get((run.size, run.bold), 0) + len(run.key)
    body_size, body_bold = max(weights, key=weights.__getitem__)
    headed = [
        run
        for run in runs
        if run.size >= body_size * _HEADING_SCALE
        or (run.bold and not body_bold and run.size >= body_size)
    ]
    sizes = sorted({run.size for run in headed}, reverse=True)
    return {run.key: min(sizes.index(run.size) + 1, 6) for run in headed}


def _marked(page: str, levels: dict[str, int]) -> str:
    lines = []
    for line in page.strip().split("\n"):
        key = _NO_SPACE.sub("", line)
        level = next((lv for run, lv in levels.items() if len(key) >= 3 and key in run), 0)
        if level and len(line) <= _MAX_HEADING_CHARS:
            lines.append(f"\n{'#' * level} {line.strip()}")
        else:
            lines.append(line)
    return "\n".join(lines).strip()


def docx_text(data: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise UnreadableDocument("the Word file is damaged or not a .docx") from None
    blocks = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = (" | ".join(cell.text.strip() for cell in row.cells) for row in block.rows)
            blocks.extend(rows)
            continue
        level = _docx_heading_level(block.style.name if block.style else "")
        blocks.append(f"{'#' * level} {block.text}" if level and block.text else block.text)
    return "\n\n".join(text for text in blocks if text.strip())


def _docx_heading_level(style: str) -> int:
    if style == "Title":
        return 1
    match = _DOCX_HEADING.match(style)
    return int(match.group(1)) if match else 0


_BY_TYPE = {"txt": text_of, "md": text_of, "html": html_text, "pdf": pdf_text, "docx": docx_text}


class DocumentTextExtractor:
    """Parses off the event loop: a large PDF takes seconds of CPU."""

    async def extract(self, content: bytes, file_type: str) -> str:
        parse = _BY_TYPE.get(file_type)
        if parse is None:
            raise UnreadableDocument(f"{file_type!r} files cannot be read")
        return await asyncio.to_thread(parse, content)
