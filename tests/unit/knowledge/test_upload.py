"""Upload and reindex: READY with chunks, or FAILED with a reason and nothing indexed."""

import pytest

from core.knowledge import commands as c
from core.knowledge import handlers
from core.knowledge.ingestion import reindex_document, upload_document
from core.knowledge.model import MAX_FILE_BYTES, ProcessingStatus
from core.shared.errors import AlreadyExists, InvalidInput, NotFound
from core.shared.paging import PageQuery

from .conftest import OTHER_TENANT, TENANT

HOURS = "# Opening hours\nMonday to Friday 9:00 to 17:00.\n\n## Weekend\nSaturday 10:00 to 14:00."


def key(document, tenant_id=TENANT) -> c.DocumentKey:
    return c.DocumentKey(tenant_id, document.knowledge_base_id, document.id)


async def test_upload_stores_indexes_and_is_ready(pipeline, index, upload):
    document = await upload("hours.md", HOURS)
    assert document.processing_status is ProcessingStatus.READY
    assert (document.file_type, document.chunk_count) == ("md", 2)
    assert document.processed_at is not None and document.failure_reason == ""
    assert pipeline.store.files[document.storage_path] == HOURS.encode()
    assert len(index.points) == 2 and index.document_ids() == {document.id}


@pytest.mark.parametrize(
    ("filename", "content", "field"),
    [
        ("", b"x", "filename"),
        ("../etc/passwd.txt", b"x", "filename"),
        ("menu.exe", b"x", "filename"),
        ("menu.txt", b"", "content"),
        ("menu.txt", b"x" * (MAX_FILE_BYTES + 1), "content"),
    ],
)
async def test_bad_uploads_are_refused_naming_the_field(upload, index, filename, content, field):
    with pytest.raises(InvalidInput) as refused:
        await upload(filename, content)
    assert refused.value.field == field
    assert index.points == {}


async def test_a_specific_content_type_decides_the_type(upload):
    document = await upload("notes", "# Title\ntext", content_type="text/markdown")
    assert document.file_type == "md"


async def test_an_unreadable_file_fails_with_a_reason_and_no_chunks(upload, index):
    document = await upload("menu.pdf", b"%BROKEN pdf")
    assert document.processing_status is ProcessingStatus.FAILED
    assert document.failure_reason == "the PDF is damaged or not a PDF"
    assert document.chunk_count == 0 and index.points == {}


async def test_a_file_without_text_fails(upload):
    document = await upload("blank.txt", "   \n\n  ")
    assert document.processing_status is ProcessingStatus.FAILED
    assert "no text" in document.failure_reason


async def test_a_failure_halfway_through_indexing_leaves_no_points(upload, index):
    index.fail_after_upsert = True
    document = await upload("hours.md", HOURS)
    assert document.processing_status is ProcessingStatus.FAILED
    assert "ReindexDocument" in document.failure_reason
    assert index.points == {}


async def test_the_same_content_twice_is_refused(upload):
    await upload("a.txt", "alpha")
    with pytest.raises(AlreadyExists):
        await upload("b.txt", "alpha")


async def test_a_new_version_of_a_file_replaces_the_old(uow, pipeline, index, kb, upload):
    old = await upload("hours.md", HOURS)
    new = await upload("hours.md", "# Opening hours\nClosed for holidays.")
    assert index.document_ids() == {new.id}
    assert old.storage_path not in pipeline.store.files
    page = await handlers.list_documents(c.ListDocuments(TENANT, kb.id, PageQuery()), uow)
    assert [d.id for d in page.items] == [new.id]


async def test_a_broken_new_version_keeps_the_old_one_searchable(index, upload):
    old = await upload("menu.pdf", b"Pasta 9 EUR")
    broken = await upload("menu.pdf", b"%BROKEN")
    assert broken.processing_status is ProcessingStatus.FAILED
    assert index.document_ids() == {old.id}


async def test_upload_to_another_tenants_knowledge_base_is_not_found(uow, pipeline, kb):
    command = c.UploadDocument(OTHER_TENANT, kb.id, "a.txt", b"alpha")
    with pytest.raises(NotFound):
        await upload_document(command, uow, pipeline)


async def test_reindex_after_a_failure_makes_it_ready(uow, pipeline, index, upload):
    index.fail_after_upsert = True
    failed = await upload("hours.md", HOURS)
    index.fail_after_upsert = False
    ready = await reindex_document(key(failed), uow, pipeline)
    assert ready.processing_status is ProcessingStatus.READY
    assert ready.chunk_count == 2 and len(index.points) == 2


async def test_delete_removes_points_file_and_row(uow, pipeline, index, upload):
    document = await upload("hours.md", HOURS)
    await handlers.delete_document(key(document), uow, pipeline)
    assert index.points == {} and pipeline.store.files == {}
    with pytest.raises(NotFound):
        await handlers.get_document(key(document), uow)


async def test_another_tenant_cannot_touch_a_document(uow, pipeline, upload):
    document = await upload("hours.md", HOURS)
    with pytest.raises(NotFound):
        await handlers.get_document(key(document, OTHER_TENANT), uow)
    with pytest.raises(NotFound):
        await handlers.delete_document(key(document, OTHER_TENANT), uow, pipeline)
    with pytest.raises(NotFound):
        await reindex_document(key(document, OTHER_TENANT), uow, pipeline)
