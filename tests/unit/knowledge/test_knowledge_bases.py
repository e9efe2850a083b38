"""Knowledge bases: create, read, update (moving outlet moves the chunks), list, delete."""

import pytest

from core.knowledge import commands as c
from core.knowledge import handlers
from core.knowledge.model import KnowledgeBaseStatus
from core.shared.errors import InvalidInput, NotFound
from core.shared.paging import PageQuery
from tests.fakes import FakeOutlets

from .conftest import OTHER_TENANT, OUTLET, TENANT


async def test_create_defaults_to_active_and_tenant_wide(kb):
    assert kb.status is KnowledgeBaseStatus.ACTIVE
    assert kb.outlet_id is None and kb.tenant_id == TENANT


async def test_create_requires_a_name(create_kb):
    with pytest.raises(InvalidInput) as refused:
        await create_kb(name="  ")
    assert refused.value.field == "name"


async def test_another_tenant_cannot_see_it(uow, kb):
    with pytest.raises(NotFound):
        await handlers.get_knowledge_base(OTHER_TENANT, kb.id, uow)


async def test_get_counts_documents_and_bytes(uow, kb, upload):
    await upload("a.txt", "alpha")
    await upload("b.txt", "bravo!")
    found = await handlers.get_knowledge_base(TENANT, kb.id, uow)
    assert (found.document_count, found.total_size_bytes) == (2, 11)


async def test_update_refuses_fields_that_are_not_writable(uow, pipeline, kb):
    command = c.UpdateKnowledgeBase(TENANT, kb.id, {"tenant_id": OTHER_TENANT})
    with pytest.raises(InvalidInput) as refused:
        await handlers.update_knowledge_base(command, uow, pipeline)
    assert refused.value.field == "update_mask"


async def test_moving_to_an_outlet_moves_its_chunks(uow, pipeline, index, kb, upload):
    await upload("hours.txt", "Open from nine")
    command = c.UpdateKnowledgeBase(TENANT, kb.id, {"outlet_id": OUTLET, "name": "Hours"})
    updated = await handlers.update_knowledge_base(command, uow, pipeline)
    assert (updated.outlet_id, updated.name) == (OUTLET, "Hours")
    assert {source.outlet_id for source, _ in index.points.values()} == {OUTLET}


async def test_another_tenants_outlet_is_not_found_on_create_or_move(uow, pipeline, kb):
    foreign = FakeOutlets(OUTLET)
    create = c.CreateKnowledgeBase(tenant_id=TENANT, name="Menu", outlet_id=OUTLET)
    with pytest.raises(NotFound, match=f"outlet {OUTLET}"):
        await handlers.create_knowledge_base(create, uow, outlets=foreign)
    move = c.UpdateKnowledgeBase(TENANT, kb.id, {"outlet_id": OUTLET})
    with pytest.raises(NotFound, match=f"outlet {OUTLET}"):
        await handlers.update_knowledge_base(move, uow, pipeline, foreign)
    assert [(b.id, b.outlet_id) for b in uow.knowledge_bases.rows.values()] == [(kb.id, None)]
    tenant_wide = c.CreateKnowledgeBase(tenant_id=TENANT, name="Everywhere")
    assert (
        await handlers.create_knowledge_base(tenant_wide, uow, outlets=foreign)
    ).outlet_id is None


async def test_an_outlet_lists_its_own_and_the_tenant_wide_ones(uow, create_kb, kb):
    own = await create_kb(name="Outlet menu", outlet_id=OUTLET)
    await create_kb(name="Elsewhere", outlet_id=OTHER_TENANT)  # another outlet's id
    await create_kb(tenant_id=OTHER_TENANT, name="Not ours")
    page = await handlers.list_knowledge_bases(
        c.ListKnowledgeBases(TENANT, PageQuery(), outlet_id=OUTLET), uow
    )
    assert {item.id for item in page.items} == {kb.id, own.id}


async def test_delete_removes_documents_files_and_chunks(uow, pipeline, index, kb, upload):
    await upload("a.txt", "alpha")
    await handlers.delete_knowledge_base(TENANT, kb.id, uow, pipeline)
    assert index.points == {} and pipeline.store.files == {}
    assert uow.documents.rows == {}
    with pytest.raises(NotFound):
        await handlers.get_knowledge_base(TENANT, kb.id, uow)


async def test_another_tenant_cannot_delete_it(uow, pipeline, kb):
    with pytest.raises(NotFound):
        await handlers.delete_knowledge_base(OTHER_TENANT, kb.id, uow, pipeline)
