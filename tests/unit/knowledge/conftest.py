import uuid

import pytest

from core.knowledge import commands as c
from core.knowledge import handlers
from core.knowledge.ingestion import upload_document
from tests.fakes import FakeKnowledgeUnitOfWork, FakeVectorIndex, fake_pipeline

TENANT = uuid.UUID("00000000-0000-4000-8000-000000000001")
OTHER_TENANT = uuid.UUID("00000000-0000-4000-8000-000000000002")
OUTLET = uuid.UUID("00000000-0000-4000-8000-0000000000a1")


@pytest.fixture
def uow() -> FakeKnowledgeUnitOfWork:
    return FakeKnowledgeUnitOfWork()


@pytest.fixture
def index() -> FakeVectorIndex:
    return FakeVectorIndex()


@pytest.fixture
def pipeline(index):
    return fake_pipeline(index)


@pytest.fixture
def create_kb(uow):
    async def run(tenant_id=TENANT, name="FAQ", **fields):
        command = c.CreateKnowledgeBase(tenant_id=tenant_id, name=name, **fields)
        return await handlers.create_knowledge_base(command, uow)

    return run


@pytest.fixture
async def kb(create_kb):
    return await create_kb()


@pytest.fixture
def upload(uow, pipeline, kb):
    """upload("hours.md", "# Hours\\nOpen daily") into the fixture knowledge base."""

    async def run(filename, text, knowledge_base=None, content_type=""):
        target = knowledge_base or kb
        content = text.encode() if isinstance(text, str) else text
        command = c.UploadDocument(target.tenant_id, target.id, filename, content, content_type)
        return await upload_document(command, uow, pipeline)

    return run
