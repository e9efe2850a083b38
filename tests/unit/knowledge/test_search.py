"""Search: always within one tenant, an outlet's reach, active knowledge bases; best first."""

import uuid

import pytest

from core.knowledge import commands as c
from core.knowledge import handlers
from core.knowledge.model import KnowledgeBaseStatus
from core.knowledge.search import search
from core.shared.errors import InvalidInput

from .conftest import OTHER_TENANT, OUTLET, TENANT

HOURS = "# Opening hours\nWe open Monday to Friday from 9 to 17."
PARKING = "# Parking\nFree parking is behind the building."


@pytest.fixture
def ask(uow, pipeline):
    async def run(query, tenant_id=TENANT, **options):
        return await search(c.Search(tenant_id, query, **options), uow, pipeline)

    return run


async def test_the_passage_that_answers_comes_first(upload, ask):
    await upload("hours.md", HOURS)
    await upload("parking.md", PARKING)
    best = (await ask("where is the parking"))[0]
    assert best.filename == "parking.md" and best.heading == "Parking"
    assert "behind the building" in best.text


async def test_every_search_is_scoped_to_the_tenant(upload, ask, index):
    await upload("hours.md", HOURS)
    await ask("opening hours")
    await ask("opening hours", outlet_id=OUTLET)
    assert [scope.tenant_id for scope in index.scopes] == [TENANT, TENANT]


async def test_another_tenant_finds_nothing(upload, create_kb, ask, index):
    await upload("hours.md", HOURS)
    await create_kb(tenant_id=OTHER_TENANT)
    assert await ask("opening hours", tenant_id=OTHER_TENANT) == []
    assert all(scope.tenant_id == OTHER_TENANT for scope in index.scopes)


async def test_an_outlet_searches_its_own_and_tenant_wide_knowledge(upload, create_kb, ask):
    await upload("hours.md", HOURS)  # tenant-wide
    mine = await create_kb(name="Outlet", outlet_id=OUTLET)
    theirs = await create_kb(name="Other outlet", outlet_id=uuid.uuid4())
    await upload("parking.md", PARKING, knowledge_base=mine)
    await upload("wifi.md", "# Wifi\nThe wifi password is on the parking ticket.", theirs)
    found = {p.filename for p in await ask("parking", outlet_id=OUTLET, top_k=10)}
    assert found == {"hours.md", "parking.md"}


async def test_inactive_and_unnamed_knowledge_bases_are_not_searched(
    uow, pipeline, upload, create_kb, ask
):
    other = await create_kb(name="Other")
    await upload("parking.md", PARKING, knowledge_base=other)
    await upload("hours.md", HOURS)
    only_other = await ask("parking hours", knowledge_base_ids=[other.id], top_k=10)
    assert {p.filename for p in only_other} == {"parking.md"}
    change = c.UpdateKnowledgeBase(TENANT, other.id, {"status": KnowledgeBaseStatus.INACTIVE})
    await handlers.update_knowledge_base(change, uow, pipeline)
    assert {p.filename for p in await ask("parking hours", top_k=10)} == {"hours.md"}


async def test_min_score_drops_weak_passages(upload, ask):
    await upload("hours.md", HOURS)
    await upload("parking.md", PARKING)
    strong = await ask("free parking behind the building", min_score=0.5)
    assert [p.filename for p in strong] == ["parking.md"]


async def test_top_k_limits_and_defaults(upload, ask):
    for i in range(7):
        await upload(f"doc{i}.txt", f"Note {i} about opening hours.")
    assert len(await ask("opening hours")) == 5
    assert len(await ask("opening hours", top_k=2)) == 2


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"query": " "}, "query"),
        ({"top_k": -1}, "top_k"),
        ({"min_score": 1.5}, "min_score"),
    ],
)
async def test_bad_searches_name_the_field(ask, options, field):
    query = options.pop("query", "hours")
    with pytest.raises(InvalidInput) as refused:
        await ask(query, **options)
    assert refused.value.field == field
