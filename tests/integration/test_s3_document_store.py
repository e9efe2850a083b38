"""The S3 document store against a real S3-compatible server (moto's server mode, over
HTTP), so aiobotocore's requests and signatures run: originals kept under the store's keys,
read back by any replica, a missing one reported as missing, deletes that may repeat."""

import uuid

import pytest
from aiobotocore.session import get_session
from crm.knowledge.v1 import knowledge_pb2 as pb
from moto.server import ThreadedMotoServer

from adapters.local.document_store import LocalDocumentStore
from adapters.postgres.database import session_factory
from adapters.qdrant.vector_index import qdrant_client
from adapters.s3.document_store import S3DocumentStore, s3_document_store
from core.knowledge.model import Document

from .knowledge_support import knowledge_stub

BUCKET = "crm-documents"


@pytest.fixture(scope="module")
def s3_url(monkeypatch_module):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():  # fmt: skip
            patch.setenv(name, value)
        yield patch


@pytest.fixture
async def client(s3_url):
    """An S3 client, with the bucket there."""
    async with get_session().create_client("s3", endpoint_url=s3_url) as s3:
        buckets = (await s3.list_buckets())["Buckets"]
        if BUCKET not in {b["Name"] for b in buckets}:
            await s3.create_bucket(Bucket=BUCKET)
        yield s3


def document(filename: str = "../Menu 2026 (final).pdf") -> Document:
    return Document(
        tenant_id=uuid.uuid4(),
        knowledge_base_id=uuid.uuid4(),
        filename=filename,
        file_type="pdf",
        file_size_bytes=3,
        sha256="0" * 64,
    )


async def test_an_original_saved_by_one_replica_is_read_by_another(s3_url, client):
    menu = document()
    first, second = (S3DocumentStore(client, BUCKET, "documents/") for _ in range(2))
    path = first.path_for(menu)
    assert path == f"{menu.tenant_id}/{menu.knowledge_base_id}/{menu.id}/_Menu_2026_final_.pdf"
    await first.save(path, b"%PDF")
    assert await second.load(path) == b"%PDF"
    listed = await client.list_objects_v2(Bucket=BUCKET, Prefix=f"documents/{menu.tenant_id}/")
    assert [o["Key"] for o in listed["Contents"]] == [f"documents/{path}"]

    await first.delete(path)
    await first.delete(path)  # gone already: nothing happens
    with pytest.raises(FileNotFoundError):
        await second.load(path)


async def test_a_path_leaving_the_store_is_refused(client):
    store = S3DocumentStore(client, BUCKET)
    with pytest.raises(ValueError, match="outside"):
        await store.load("../other-tenant/secret.pdf")


async def test_the_service_resource_opens_a_working_store(s3_url, client):
    resource = s3_document_store(BUCKET, "kept/", s3_url)
    store = await anext(resource)
    await store.save("a/b.txt", b"hello")
    assert await store.load("a/b.txt") == b"hello"
    await resource.aclose()


@pytest.mark.parametrize(("shared", "status"), [(True, "READY"), (False, "FAILED")])
async def test_a_document_uploaded_through_one_replica_is_reindexed_by_another(
    db, tmp_path, s3_url, client, grpc_channel_to, shared, status
):
    """With S3 the second replica finds the original; with each replica's own disk (the
    local store) it cannot, which is why the cluster keeps originals in object storage."""
    sessions = session_factory(db)
    qdrant_resource = qdrant_client(None, None, tmp_path / "qdrant")
    qdrant = await anext(qdrant_resource)
    async with (
        get_session().create_client("s3", endpoint_url=s3_url) as first_client,
        get_session().create_client("s3", endpoint_url=s3_url) as second_client,
    ):
        stores = (
            (S3DocumentStore(first_client, BUCKET), S3DocumentStore(second_client, BUCKET))
            if shared
            else (LocalDocumentStore(tmp_path / "a"), LocalDocumentStore(tmp_path / "b"))
        )
        first, second = [await knowledge_stub(sessions, qdrant, s, grpc_channel_to) for s in stores]
        tenant = str(uuid.uuid4())
        kb = (
            await first.CreateKnowledgeBase(
                pb.CreateKnowledgeBaseRequest(
                    knowledge_base=pb.KnowledgeBase(tenant_id=tenant, name="FAQ")
                )
            )
        ).knowledge_base
        uploaded = (
            await first.UploadDocument(
                pb.UploadDocumentRequest(
                    tenant_id=tenant, knowledge_base_id=kb.id, filename="hours.md",
                    content=b"# Opening hours\nEvery day from 12:00 to 23:00.",
                )
            )
        ).document  # fmt: skip
        assert uploaded.processing_status == pb.PROCESSING_STATUS_READY
        key = {"tenant_id": tenant, "knowledge_base_id": kb.id, "document_id": uploaded.id}
        again = (await second.ReindexDocument(pb.ReindexDocumentRequest(**key))).document
    await qdrant_resource.aclose()
    assert pb.ProcessingStatus.Name(again.processing_status) == f"PROCESSING_STATUS_{status}"
