"""Real files through the real extractor: PDF, Word, HTML, Markdown; broken ones end FAILED."""

import io
import uuid

import docx
import pytest
from pypdf import PdfWriter

from adapters.extraction.text import DocumentTextExtractor
from adapters.local.document_store import LocalDocumentStore
from adapters.local.hashing_embedder import HashingEmbedder
from core.knowledge import commands as c
from core.knowledge import handlers
from core.knowledge.chunking import chunk
from core.knowledge.ingestion import upload_document
from core.knowledge.model import ProcessingStatus
from core.knowledge.ports import Pipeline, UnreadableDocument
from services.demo.knowledge import DOCUMENTS
from tests.fakes import FakeKnowledgeUnitOfWork, FakeSparseEncoder, FakeVectorIndex

TENANT = uuid.uuid4()


def pdf_with(lines: list[str | tuple[str, int]]) -> bytes:
    """A one-page PDF written by hand: Helvetica text in a content stream, a correct xref.

    A line is its text in 12 point, or (text, size)."""
    sized = [(line, 12) if isinstance(line, str) else line for line in lines]
    escaped = [
        (line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"), size)
        for line, size in sized
    ]
    shown = [f"/F1 {size} Tf ({line}) Tj T*" for line, size in escaped]
    text = "BT 72 720 Td 18 TL " + " ".join(shown) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    entries = "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n{entries}".encode()
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out + trailer.encode()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def word_file() -> bytes:
    document = docx.Document()
    document.add_heading("Menu", level=1)
    document.add_paragraph("All dishes are made fresh every morning.")
    document.add_heading("Drinks", level=2)
    table = document.add_table(rows=2, cols=2)
    for row, (name, price) in zip(
        table.rows, [("Espresso", "2 EUR"), ("Tea", "3 EUR")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = name, price
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


HTML = b"""<html><head><title>x</title><style>p {color: red}</style></head><body>
<nav>Home | About</nav>
<h1>Policies</h1><p>Bookings can be cancelled
  up to 24 hours before.</p>
<h2>Pets</h2><p>Dogs are welcome on the terrace.<br>Cats stay home.</p>
<script>alert("no")</script>
<table><tr><td>Mon</td><td>9-17</td></tr></table>
</body></html>"""


@pytest.fixture
def extract():
    extractor = DocumentTextExtractor()
    return extractor.extract


async def test_pdf_text_is_extracted(extract):
    text = await extract(
        pdf_with(["Opening hours", "Monday to Friday 9:00 - 17:00 (closed)"]), "pdf"
    )
    assert "Opening hours" in text and "Monday to Friday 9:00 - 17:00 (closed)" in text


async def test_pdf_headings_set_in_a_larger_font_become_markdown(extract):
    text = await extract(
        pdf_with([("Opening hours", 16), "We open at nine every day.", ("Parking", 16), "None."]),
        "pdf",
    )
    assert text.split("\n") == [
        "# Opening hours", "We open at nine every day.", "", "# Parking", "None.",
    ]  # fmt: skip


async def test_pdf_text_in_one_size_has_no_headings(extract):
    text = await extract(pdf_with(["Opening hours", "We open at nine every day."]), "pdf")
    assert "#" not in text


async def test_the_demo_pdf_headings_stand_apart_from_their_sentences(extract):
    text = await extract((DOCUMENTS / "private-events.pdf").read_bytes(), "pdf")
    lines = text.split("\n")
    assert "# Private events and group menus" in lines and "# Group menus" in lines
    assert "# How to book an event" in lines
    assert lines[lines.index("# Group menus") + 1].startswith("Menu Tapas: six sharing starters")


async def test_word_headings_become_markdown_and_tables_rows(extract):
    text = await extract(word_file(), "docx")
    assert "# Menu" in text and "## Drinks" in text and "Espresso | 2 EUR" in text
    headings = [piece.heading for piece in chunk(text, "docx")]
    assert headings == ["Menu", "Menu > Drinks"]


async def test_html_keeps_headings_and_drops_scripts_and_navigation(extract):
    text = await extract(HTML, "html")
    assert "# Policies" in text and "## Pets" in text
    assert "alert" not in text and "color: red" not in text and "Home | About" not in text
    sections = {piece.heading: piece.text for piece in chunk(text, "html")}
    assert "Dogs are welcome on the terrace.\nCats stay home." in sections["Policies > Pets"]
    assert "Mon 9-17" in sections["Policies > Pets"]


async def test_markdown_and_text_are_taken_as_they_are(extract):
    assert await extract("# Título\nCafé".encode(), "md") == "# Título\nCafé"
    assert await extract("caf\xe9".encode("cp1252"), "txt") == "café"


@pytest.mark.parametrize(
    ("content", "file_type", "reason"),
    [
        (b"%PDF-1.4 not really", "pdf", "the PDF is damaged or not a PDF"),
        (encrypted_pdf(), "pdf", "the PDF is password-protected"),
        (b"PK\x03\x04 not a zip", "docx", "the Word file is damaged or not a .docx"),
        (b"\x00\x01binary", "txt", "the file is binary, not text"),
    ],
)
async def test_unreadable_files_say_why(extract, content, file_type, reason):
    with pytest.raises(UnreadableDocument) as refused:
        await extract(content, file_type)
    assert refused.value.message == reason


@pytest.fixture
def ingest(tmp_path):
    """Upload through the real store and extractor (fakes behind them) into one KB."""
    uow = FakeKnowledgeUnitOfWork()
    index = FakeVectorIndex()
    pipeline = Pipeline(
        LocalDocumentStore(tmp_path),
        DocumentTextExtractor(),
        HashingEmbedder(),
        FakeSparseEncoder(),
        index,
    )

    async def run(filename: str, content: bytes):
        kb = await handlers.create_knowledge_base(c.CreateKnowledgeBase(TENANT, "Docs"), uow)
        command = c.UploadDocument(TENANT, kb.id, filename, content)
        return await upload_document(command, uow, pipeline), index

    return run


async def test_a_real_pdf_upload_is_ready_and_stored(ingest, tmp_path):
    document, index = await ingest("hours.pdf", pdf_with(["We open at nine every day."]))
    assert document.processing_status is ProcessingStatus.READY and document.chunk_count == 1
    assert (tmp_path / document.storage_path).read_bytes().startswith(b"%PDF")
    assert index.document_ids() == {document.id}


async def test_a_corrupt_pdf_upload_fails_with_nothing_indexed(ingest):
    document, index = await ingest("menu.pdf", b"%PDF-1.4\n garbage")
    assert document.processing_status is ProcessingStatus.FAILED
    assert document.failure_reason == "the PDF is damaged or not a PDF"
    assert index.points == {}
