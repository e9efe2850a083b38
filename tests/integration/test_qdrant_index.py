"""QdrantVectorIndex on real Qdrant local mode: upsert, filtered search, delete, hybrid vs dense."""

import uuid

import pytest

from adapters.local.hashing_embedder import HashingEmbedder
from adapters.qdrant.vector_index import collection_name, open_vector_index, qdrant_client
from core.knowledge.chunking import Chunk
from core.knowledge.ports import EmbeddedChunk, QueryVectors, SearchScope, Source
from tests.fakes import FakeSparseEncoder

TENANT_A, TENANT_B = uuid.uuid4(), uuid.uuid4()
OUTLET, OTHER_OUTLET = uuid.uuid4(), uuid.uuid4()
KB = uuid.uuid4()  # both tenants use the same id: only the tenant filter keeps them apart
embedder, encoder = HashingEmbedder(), FakeSparseEncoder()


@pytest.fixture
async def client(tmp_path):
    resource = qdrant_client(None, None, tmp_path / "qdrant")
    yield await anext(resource)
    await resource.aclose()


@pytest.fixture
async def index(client):
    return await open_vector_index(client, embedder, hybrid=True)


@pytest.fixture
async def dense_index(client):
    return await open_vector_index(client, embedder, hybrid=False)


async def put(index, texts, tenant_id=TENANT_A, kb_id=KB, outlet_id=None, heading="") -> Source:
    source = Source(tenant_id, outlet_id, kb_id, uuid.uuid4(), f"{texts[0][:12]}.txt")
    chunks = [Chunk(text, heading, i) for i, text in enumerate(texts)]
    dense = await embedder.embed_documents([c.contextual for c in chunks])
    sparse = encoder.encode_documents([c.contextual for c in chunks])
    await index.upsert(source, [EmbeddedChunk(*v) for v in zip(chunks, dense, sparse, strict=True)])
    return source


async def find(index, query, tenant_id=TENANT_A, kb_ids=(KB,), outlet_id=None, limit=5):
    vectors = QueryVectors(await embedder.embed_query(query), encoder.encode_query(query))
    return await index.search(vectors, SearchScope(tenant_id, outlet_id, tuple(kb_ids)), limit)


def test_the_collection_is_named_after_the_model():
    assert collection_name("openai/text-embedding-3-small/1536") == (
        "knowledge_openai_text_embedding_3_small_1536"
    )


async def test_upsert_then_search_returns_the_passage_with_its_source(index):
    source = await put(index, ["We open at nine.", "Parking is free."], heading="Visit")
    [best, *_] = await find(index, "is parking free")
    assert (best.text, best.heading, best.position) == ("Parking is free.", "Visit", 1)
    assert (best.document_id, best.knowledge_base_id) == (source.document_id, KB)
    assert 0 < best.score <= 1.0001


async def test_a_tenant_never_sees_another_tenants_chunks(index):
    await put(index, ["Secret recipe of tenant B: saffron."], tenant_id=TENANT_B)
    await put(index, ["Tenant A sells bread."])
    found = await find(index, "secret recipe saffron", limit=10)
    assert [p.text for p in found] == ["Tenant A sells bread."]
    assert await find(index, "secret recipe saffron", tenant_id=uuid.uuid4()) == []


async def test_an_outlet_sees_its_own_and_tenant_wide_chunks(index):
    await put(index, ["Shared menu."])
    await put(index, ["Outlet menu."], outlet_id=OUTLET)
    await put(index, ["Other outlet menu."], outlet_id=OTHER_OUTLET)
    found = {p.text for p in await find(index, "menu", outlet_id=OUTLET, limit=10)}
    assert found == {"Shared menu.", "Outlet menu."}
    everything = {p.text for p in await find(index, "menu", limit=10)}
    assert len(everything) == 3


async def test_search_keeps_to_the_given_knowledge_bases(index):
    other_kb = uuid.uuid4()
    await put(index, ["Menu in KB one."])
    await put(index, ["Menu in KB two."], kb_id=other_kb)
    found = await find(index, "menu", kb_ids=[other_kb], limit=10)
    assert [p.text for p in found] == ["Menu in KB two."]


async def test_delete_document_removes_only_its_points(index):
    gone = await put(index, ["Old opening hours."])
    kept = await put(index, ["New opening hours."])
    await index.delete_document(TENANT_A, gone.document_id)
    assert {p.document_id for p in await find(index, "opening hours")} == {kept.document_id}


async def test_deleting_another_tenants_document_does_nothing(index):
    source = await put(index, ["Opening hours."])
    await index.delete_document(TENANT_B, source.document_id)
    assert len(await find(index, "opening hours")) == 1


async def test_delete_and_move_a_knowledge_base(index):
    other_kb = uuid.uuid4()
    await put(index, ["Menu of the outlet."], kb_id=other_kb)
    await index.move_knowledge_base(TENANT_A, other_kb, OTHER_OUTLET)
    assert await find(index, "menu", kb_ids=[other_kb], outlet_id=OUTLET) == []
    assert await find(index, "menu", kb_ids=[other_kb], outlet_id=OTHER_OUTLET)
    await index.delete_knowledge_base(TENANT_A, other_kb)
    assert await find(index, "menu", kb_ids=[other_kb]) == []


async def test_reupserting_a_chunk_overwrites_it(index):
    source = await put(index, ["Version one."])
    await index.upsert(source, [])  # nothing to write is fine
    chunk = Chunk("Version two.", "", 0)
    [dense] = await embedder.embed_documents([chunk.text])
    await index.upsert(source, [EmbeddedChunk(chunk, dense, encoder.encode_query(chunk.text))])
    assert [p.text for p in await find(index, "version", limit=10)] == ["Version two."]


# Function words fool a bag-of-words dense vector; BM25 ignores them and weighs the rare term.
FILLER = [
    "What is the room like? What is the view? It is what it is.",
    "What is on at the weekend is what is on in the week.",
    "When is it open? It is open when it is open, and that is it.",
]
CORKAGE = "Guests who bring their own wine pay a corkage charge of 15 EUR a bottle."


async def test_hybrid_finds_the_rare_word_that_dense_buries(index, dense_index):
    await put(index, FILLER)
    answer = await put(index, [CORKAGE])
    query = "what is the corkage fee"
    dense = await find(dense_index, query)
    hybrid = await find(index, query)
    assert dense[0].document_id != answer.document_id
    assert hybrid[0].document_id == answer.document_id
    assert hybrid[0].score == pytest.approx(
        next(p.score for p in dense if p.document_id == answer.document_id), abs=1e-4
    )
