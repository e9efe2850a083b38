"""KnowledgeService over a real grpc.aio server, PostgreSQL and Qdrant local mode."""

import uuid

import grpc
import pytest
from crm.knowledge.v1 import knowledge_pb2 as pb
from google.protobuf.field_mask_pb2 import FieldMask

from adapters.local.document_store import LocalDocumentStore
from adapters.postgres.database import session_factory
from adapters.qdrant.vector_index import qdrant_client

from .grpc_support import expect
from .knowledge_support import knowledge_stub

CODE = grpc.StatusCode
TENANT, OTHER_TENANT, OUTLET = (str(uuid.uuid4()) for _ in range(3))
HOURS = b"# Opening hours\nMonday to Friday from 9:00 to 17:00.\n\n# Parking\nFree parking behind."


@pytest.fixture
async def stub(db, tmp_path, grpc_channel_to):
    sessions = session_factory(db)
    client_resource = qdrant_client(None, None, tmp_path / "qdrant")
    client = await anext(client_resource)
    yield await knowledge_stub(
        sessions, client, LocalDocumentStore(tmp_path / "documents"), grpc_channel_to
    )
    await client_resource.aclose()


async def create_kb(stub, tenant_id=TENANT, **fields) -> pb.KnowledgeBase:
    kb = pb.KnowledgeBase(tenant_id=tenant_id, name=fields.pop("name", "FAQ"), **fields)
    reply = await stub.CreateKnowledgeBase(pb.CreateKnowledgeBaseRequest(knowledge_base=kb))
    return reply.knowledge_base


async def upload(stub, kb, filename="info.md", content=HOURS) -> pb.Document:
    request = pb.UploadDocumentRequest(
        tenant_id=kb.tenant_id, knowledge_base_id=kb.id, filename=filename, content=content
    )
    return (await stub.UploadDocument(request)).document


async def search(stub, query, tenant_id=TENANT, **options) -> list[pb.Passage]:
    request = pb.SearchRequest(tenant_id=tenant_id, query=query, **options)
    return list((await stub.Search(request)).passages)


def doc_key(document: pb.Document, tenant_id=TENANT) -> dict[str, str]:
    return {
        "tenant_id": tenant_id,
        "knowledge_base_id": document.knowledge_base_id,
        "document_id": document.id,
    }


async def test_upload_is_ready_and_search_finds_it(stub):
    kb = await create_kb(stub)
    assert kb.status == pb.KNOWLEDGE_BASE_STATUS_ACTIVE and kb.outlet_id == ""
    document = await upload(stub, kb)
    assert document.processing_status == pb.PROCESSING_STATUS_READY
    assert (document.chunk_count, document.file_type) == (2, "md")
    assert document.file_size_bytes == len(HOURS) and document.HasField("process_time")
    [best, *_] = await search(stub, "where can I park", outlet_id=OUTLET)
    assert (best.heading, best.text) == ("Parking", "Free parking behind.")
    assert (best.document_id, best.filename, best.chunk_index) == (document.id, "info.md", 1)
    got = await stub.GetKnowledgeBase(
        pb.GetKnowledgeBaseRequest(tenant_id=TENANT, knowledge_base_id=kb.id)
    )
    assert (got.knowledge_base.document_count, got.knowledge_base.total_size_bytes) == (
        1,
        len(HOURS),
    )


async def test_another_tenant_finds_nothing_and_gets_not_found(stub):
    kb = await create_kb(stub)
    document = await upload(stub, kb)
    await create_kb(stub, tenant_id=OTHER_TENANT)
    assert await search(stub, "parking", tenant_id=OTHER_TENANT) == []
    other_kb_ids = {"knowledge_base_ids": [kb.id]}
    assert await search(stub, "parking", tenant_id=OTHER_TENANT, **other_kb_ids) == []
    await expect(
        CODE.NOT_FOUND, stub.GetDocument(pb.GetDocumentRequest(**doc_key(document, OTHER_TENANT)))
    )
    await expect(
        CODE.NOT_FOUND,
        stub.GetKnowledgeBase(
            pb.GetKnowledgeBaseRequest(tenant_id=OTHER_TENANT, knowledge_base_id=kb.id)
        ),
    )


async def test_bad_input_is_invalid_argument_naming_the_field(stub):
    kb = await create_kb(stub)
    await expect(CODE.INVALID_ARGUMENT, create_kb(stub, name=" "), "name")
    await expect(CODE.INVALID_ARGUMENT, create_kb(stub, tenant_id="nope"), "tenant_id")
    await expect(CODE.INVALID_ARGUMENT, upload(stub, kb, filename="virus.exe"), "filename")
    await expect(CODE.INVALID_ARGUMENT, upload(stub, kb, content=b""), "content")
    await expect(CODE.INVALID_ARGUMENT, search(stub, ""), "query")
    await expect(CODE.INVALID_ARGUMENT, search(stub, "x", top_k=-1), "top_k")
    await expect(
        CODE.INVALID_ARGUMENT, search(stub, "x", knowledge_base_ids=["1"]), "knowledge_base"
    )


async def test_a_corrupt_pdf_fails_with_a_reason_and_reindex_keeps_it_failed(stub):
    kb = await create_kb(stub)
    document = await upload(stub, kb, "menu.pdf", b"%PDF-1.7 this is not a pdf")
    assert document.processing_status == pb.PROCESSING_STATUS_FAILED
    assert document.failure_reason == "the PDF is damaged or not a PDF"
    assert document.chunk_count == 0
    reindexed = await stub.ReindexDocument(pb.ReindexDocumentRequest(**doc_key(document)))
    assert reindexed.document.processing_status == pb.PROCESSING_STATUS_FAILED
    assert await search(stub, "pdf") == []


async def test_reupload_replaces_and_identical_content_is_refused(stub):
    kb = await create_kb(stub)
    await upload(stub, kb)
    await expect(CODE.ALREADY_EXISTS, upload(stub, kb, "copy.md"), "info.md")
    newer = await upload(stub, kb, content=b"# Opening hours\nClosed on public holidays.")
    listed = await stub.ListDocuments(
        pb.ListDocumentsRequest(tenant_id=TENANT, knowledge_base_id=kb.id)
    )
    assert [d.id for d in listed.documents] == [newer.id]
    assert {p.document_id for p in await search(stub, "opening hours parking")} == {newer.id}


async def test_delete_document_removes_it_from_search(stub, tmp_path):
    kb = await create_kb(stub)
    document = await upload(stub, kb)
    assert (tmp_path / "documents" / document.storage_path).exists()
    await stub.DeleteDocument(pb.DeleteDocumentRequest(**doc_key(document)))
    assert await search(stub, "parking") == []
    assert not (tmp_path / "documents" / document.storage_path).exists()
    await expect(CODE.NOT_FOUND, stub.GetDocument(pb.GetDocumentRequest(**doc_key(document))))


async def test_an_outlet_scoped_knowledge_base_and_its_move(stub):
    kb = await create_kb(stub, outlet_id=OUTLET)
    await upload(stub, kb)
    elsewhere = str(uuid.uuid4())
    assert await search(stub, "parking", outlet_id=OUTLET)
    assert await search(stub, "parking", outlet_id=elsewhere) == []
    moved = pb.KnowledgeBase(id=kb.id, tenant_id=TENANT, outlet_id=elsewhere)
    await stub.UpdateKnowledgeBase(
        pb.UpdateKnowledgeBaseRequest(
            knowledge_base=moved, update_mask=FieldMask(paths=["outlet_id"])
        )
    )
    assert await search(stub, "parking", outlet_id=OUTLET) == []
    assert await search(stub, "parking", outlet_id=elsewhere)
    listed = await stub.ListKnowledgeBases(
        pb.ListKnowledgeBasesRequest(tenant_id=TENANT, outlet_id=elsewhere)
    )
    assert [k.id for k in listed.knowledge_bases] == [kb.id]


async def test_delete_knowledge_base_takes_its_documents(stub):
    kb = await create_kb(stub)
    await upload(stub, kb)
    await stub.DeleteKnowledgeBase(
        pb.DeleteKnowledgeBaseRequest(tenant_id=TENANT, knowledge_base_id=kb.id)
    )
    assert await search(stub, "parking") == []
    await expect(
        CODE.NOT_FOUND,
        stub.ListDocuments(pb.ListDocumentsRequest(tenant_id=TENANT, knowledge_base_id=kb.id)),
    )
