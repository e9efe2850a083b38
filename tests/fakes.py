"""In-memory fakes of the core's ports, for unit tests of the use cases."""

import re
import uuid
import zlib
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Self

from adapters.local.hashing_embedder import HashingEmbedder
from core.booking.commands import ListBookings, ListResources
from core.booking.errors import BookingNumberTaken, SlotTaken
from core.booking.model import Booking
from core.booking.venue import OpeningHours, Resource
from core.conversation.commands import ListConversations, ListMessages
from core.conversation.model import Conversation, ConversationStatus, Message
from core.conversation.ports import CachedHistory, HistoryKey
from core.knowledge.commands import ListDocuments, ListKnowledgeBases
from core.knowledge.model import Document, KnowledgeBase, KnowledgeBaseStatus
from core.knowledge.ports import (
    EmbeddedChunk,
    Passage,
    Pipeline,
    QueryVectors,
    SearchScope,
    Source,
    UnreadableDocument,
)
from core.knowledge.vectors import SparseVector
from core.order.catalog import MAX_STOCK
from core.order.ports import Notice, PaymentLink
from core.shared.errors import FailedPrecondition, NotFound
from core.shared.facts import Fact
from core.shared.paging import Page, PageQuery
from core.tenant.model import Outlet, OutletStatus, Tenant, TenantStatus, User, UserRole


class _FakeUnitOfWork:
    """Shares its repositories across uses, like one database; counts commits."""

    def __init__(self) -> None:
        self.commits = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        self.commits += 1


class FakeFactOutbox:
    """Facts for analytics in a list, oldest first."""

    def __init__(self) -> None:
        self.facts: list[Fact] = []

    async def add(self, facts) -> None:
        self.facts += facts

    async def claim(self, limit: int) -> list[Fact]:
        return self.facts[:limit]

    async def remove(self, ids) -> None:
        self.facts = [f for f in self.facts if f.id not in set(ids)]

    def names(self) -> list[str]:
        return [f.name for f in self.facts]


class _FakeTable:
    """Rows kept in insertion order; a page token is the index of the next row."""

    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, object] = {}

    def _add(self, entity):
        now = datetime.now(UTC)
        stored = replace(entity, created_at=now, updated_at=now)
        self.rows[stored.id] = stored
        return stored

    def _update(self, entity):
        stored = replace(entity, updated_at=datetime.now(UTC))
        self.rows[stored.id] = stored
        return stored

    def _find(self, **match):
        for row in self.rows.values():
            if all(getattr(row, k) == v for k, v in match.items()):
                return row
        return None

    def _page(self, page: PageQuery, **match) -> Page:
        rows = [r for r in self.rows.values() if all(getattr(r, k) == v for k, v in match.items())]
        start = int(page.token or 0)
        end = start + page.size
        return Page(rows[start:end], str(end) if end < len(rows) else "")


class FakeTenantRepository(_FakeTable):
    async def add(self, tenant: Tenant) -> Tenant:
        return self._add(tenant)

    async def get(self, tenant_id: uuid.UUID) -> Tenant | None:
        return self.rows.get(tenant_id)

    async def get_by_slug(self, slug: str) -> Tenant | None:
        return self._find(slug=slug)

    async def update(self, tenant: Tenant) -> Tenant:
        return self._update(tenant)

    async def list(self, page: PageQuery, status: TenantStatus | None) -> Page[Tenant]:
        return self._page(page, **({"status": status} if status else {}))


class FakeOutletRepository(_FakeTable):
    async def add(self, outlet: Outlet) -> Outlet:
        return self._add(outlet)

    async def get(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> Outlet | None:
        return self._find(tenant_id=tenant_id, id=outlet_id)

    async def get_by_phone_number_id(self, phone_number_id: str) -> Outlet | None:
        return self._find(waba_phone_number_id=phone_number_id)

    async def update(self, outlet: Outlet) -> Outlet:
        return self._update(outlet)

    async def list(self, tenant_id, page: PageQuery, status: OutletStatus | None) -> Page[Outlet]:
        return self._page(page, tenant_id=tenant_id, **({"status": status} if status else {}))

    async def count_active(self, tenant_id) -> int:
        return sum(o.tenant_id == tenant_id and o.is_active for o in self.rows.values())


class FakeUserRepository(_FakeTable):
    async def add(self, user: User) -> User:
        return self._add(user)

    async def get(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
        return self._find(tenant_id=tenant_id, id=user_id)

    async def get_by_firebase_uid(self, firebase_uid: str) -> User | None:
        return self._find(firebase_uid=firebase_uid)

    async def update(self, user: User) -> User:
        return self._update(user)

    async def list(self, tenant_id, page: PageQuery, role: UserRole | None) -> Page[User]:
        return self._page(page, tenant_id=tenant_id, **({"role": role} if role else {}))


class FakeTenantUnitOfWork(_FakeUnitOfWork):
    def __init__(self) -> None:
        self.tenants = FakeTenantRepository()
        self.outlets = FakeOutletRepository()
        self.users = FakeUserRepository()
        super().__init__()


# -- conversation context -----------------------------------------------------------------


def _slice(rows: list, page: PageQuery) -> Page:
    start = int(page.token or 0)
    end = start + page.size
    return Page(rows[start:end], str(end) if end < len(rows) else "")


def _matches_conversation(row: Conversation, query: ListConversations) -> bool:
    term = query.customer.lower()
    wanted = {
        "outlet_id": query.outlet_id,
        "status": query.status,
        "handoff_agent_id": query.handoff_agent_id,
    }
    return (
        row.tenant_id == query.tenant_id
        and all(getattr(row, k) == v for k, v in wanted.items() if v is not None)
        and (query.status is not None or row.status is not ConversationStatus.ARCHIVED)
        and (row.handoff_requested or not query.handoff_only)
        and (term in row.customer_phone or term in row.customer_name.lower())
    )


class FakeConversationRepository(_FakeTable):
    async def add_open(self, conversation: Conversation) -> Conversation | None:
        if self._find(
            tenant_id=conversation.tenant_id,
            outlet_id=conversation.outlet_id,
            customer_phone=conversation.customer_phone,
            status=ConversationStatus.OPEN,
        ):
            return None
        return self._add(conversation)

    async def get(self, tenant_id, conversation_id, *, for_update=False) -> Conversation | None:
        return self._find(tenant_id=tenant_id, id=conversation_id)

    async def get_open(self, tenant_id, outlet_id, customer_phone) -> Conversation | None:
        return self._find(
            tenant_id=tenant_id,
            outlet_id=outlet_id,
            customer_phone=customer_phone,
            status=ConversationStatus.OPEN,
        )

    async def update(self, conversation: Conversation) -> Conversation:
        return self._update(conversation)

    async def list(self, query: ListConversations) -> Page[Conversation]:
        rows = [r for r in self.rows.values() if _matches_conversation(r, query)]
        rows.sort(key=lambda r: (r.last_message_at or r.created_at, r.id), reverse=True)
        return _slice(rows, query.page)


class FakeMessageRepository(_FakeTable):
    async def add_once(self, message: Message) -> Message | None:
        wamid = message.whatsapp_message_id
        if wamid and self._find(tenant_id=message.tenant_id, whatsapp_message_id=wamid):
            return None
        return self._add(message)

    async def get_by_whatsapp_id(self, tenant_id, whatsapp_message_id) -> Message | None:
        return self._find(tenant_id=tenant_id, whatsapp_message_id=whatsapp_message_id)

    async def list(self, query: ListMessages) -> Page[Message]:
        rows = [
            r
            for r in self.rows.values()
            if (r.tenant_id, r.conversation_id) == (query.tenant_id, query.conversation_id)
            and (query.before is None or r.timestamp < query.before)
            and (query.after is None or r.timestamp >= query.after)
        ]
        rows.sort(key=lambda r: (r.timestamp, r.id), reverse=query.newest_first)
        return _slice(rows, query.page)


class FakeConversationUnitOfWork(_FakeUnitOfWork):
    def __init__(self) -> None:
        self.conversations = FakeConversationRepository()
        self.messages = FakeMessageRepository()
        self.facts = FakeFactOutbox()
        super().__init__()


class FakeHistoryCache:
    """Pages by key; an invalidation moves the conversation's generation on. Counts hits."""

    def __init__(self) -> None:
        self.pages: dict[HistoryKey, tuple[int, Page[Message]]] = {}
        self.generations: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
        self.hits = 0

    async def get(self, key: HistoryKey) -> CachedHistory:
        generation = self.generations.get((key.tenant_id, key.conversation_id), 0)
        stored = self.pages.get(key)
        if stored is None or stored[0] != generation:
            return CachedHistory(generation)
        self.hits += 1
        return CachedHistory(generation, stored[1])

    async def put(self, key: HistoryKey, generation: int, page: Page[Message]) -> None:
        self.pages[key] = (generation, page)

    async def invalidate(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        key = (tenant_id, conversation_id)
        self.generations[key] = self.generations.get(key, 0) + 1


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class FakeOutlets:
    """The tenant service on outlets: each is the caller's, but those of `foreign` tenants."""

    def __init__(self, *foreign: uuid.UUID) -> None:
        self.foreign = set(foreign)

    async def ensure_outlet(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> None:
        if outlet_id in self.foreign:
            raise NotFound("outlet", outlet_id)


class FakeConversations:
    """The conversation service on conversations: each is the caller's, but `foreign` ones."""

    def __init__(self, *foreign: uuid.UUID) -> None:
        self.foreign = set(foreign)

    async def ensure_conversation(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        if conversation_id in self.foreign:
            raise NotFound("conversation", conversation_id)


class FakeStaff:
    """The tenant service on users: `active` and `inactive` ones are the tenant's; any other id
    is unknown to it (another tenant's users included)."""

    def __init__(
        self, active: set[uuid.UUID] = frozenset(), inactive: set[uuid.UUID] = frozenset()
    ):
        self.active, self.inactive = set(active), set(inactive)

    async def ensure_active_user(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
        if user_id in self.inactive:
            raise FailedPrecondition(f"user {user_id} is inactive: pick an active user")
        if user_id not in self.active:
            raise NotFound("user", user_id)


# -- knowledge context --------------------------------------------------------------------


class FakeKnowledgeBaseRepository(_FakeTable):
    def __init__(self, documents: "FakeDocumentRepository") -> None:
        super().__init__()
        self._documents = documents

    def _counted(self, kb: KnowledgeBase) -> KnowledgeBase:
        docs = [d for d in self._documents.rows.values() if d.knowledge_base_id == kb.id]
        total = sum(d.file_size_bytes for d in docs)
        return replace(kb, document_count=len(docs), total_size_bytes=total)

    async def add(self, kb: KnowledgeBase) -> KnowledgeBase:
        return self._add(kb)

    async def get(self, tenant_id, kb_id) -> KnowledgeBase | None:
        found = self._find(tenant_id=tenant_id, id=kb_id)
        return self._counted(found) if found else None

    async def update(self, kb: KnowledgeBase) -> KnowledgeBase:
        return self._counted(self._update(kb))

    async def count(self, tenant_id) -> int:
        return sum(kb.tenant_id == tenant_id for kb in self.rows.values())

    async def delete(self, tenant_id, kb_id) -> None:
        if self.rows.pop(kb_id, None) is not None:
            for doc in [d for d in self._documents.rows.values() if d.knowledge_base_id == kb_id]:
                del self._documents.rows[doc.id]

    def _reaches(self, kb: KnowledgeBase, outlet_id) -> bool:
        return outlet_id is None or kb.outlet_id in (None, outlet_id)

    async def searchable(self, tenant_id, outlet_id, among) -> list[uuid.UUID]:
        return [
            kb.id
            for kb in self.rows.values()
            if kb.tenant_id == tenant_id
            and kb.status is KnowledgeBaseStatus.ACTIVE
            and self._reaches(kb, outlet_id)
            and (not among or kb.id in among)
        ]

    async def list(self, query: ListKnowledgeBases) -> Page[KnowledgeBase]:
        rows = [
            self._counted(kb)
            for kb in self.rows.values()
            if kb.tenant_id == query.tenant_id
            and self._reaches(kb, query.outlet_id)
            and query.status in (None, kb.status)
        ]
        return _slice(rows, query.page)


class FakeDocumentRepository(_FakeTable):
    async def add(self, document: Document) -> Document:
        return self._add(document)

    async def get(self, tenant_id, document_id) -> Document | None:
        return self._find(tenant_id=tenant_id, id=document_id)

    async def update(self, document: Document) -> Document:
        return self._update(document)

    async def delete(self, tenant_id, document_id) -> None:
        if self._find(tenant_id=tenant_id, id=document_id):
            del self.rows[document_id]

    async def in_knowledge_base(self, tenant_id, kb_id) -> list[Document]:
        rows = self.rows.values()
        return [d for d in rows if (d.tenant_id, d.knowledge_base_id) == (tenant_id, kb_id)]

    async def with_content(self, kb_id, sha256) -> Document | None:
        return self._find(knowledge_base_id=kb_id, sha256=sha256)

    async def stored_bytes(self, tenant_id) -> int:
        return sum(d.file_size_bytes for d in self.rows.values() if d.tenant_id == tenant_id)

    async def list(self, query: ListDocuments) -> Page[Document]:
        match = {"tenant_id": query.tenant_id, "knowledge_base_id": query.knowledge_base_id}
        if query.status:
            match["processing_status"] = query.status
        return self._page(query.page, **match)


class FakeKnowledgeUnitOfWork(_FakeUnitOfWork):
    def __init__(self) -> None:
        self.documents = FakeDocumentRepository()
        self.knowledge_bases = FakeKnowledgeBaseRepository(self.documents)
        super().__init__()


class FakeDocumentStore:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def path_for(self, document: Document) -> str:
        return f"{document.tenant_id}/{document.knowledge_base_id}/{document.id}"

    async def save(self, path: str, content: bytes) -> None:
        self.files[path] = content

    async def load(self, path: str) -> bytes:
        return self.files[path]

    async def delete(self, path: str) -> None:
        self.files.pop(path, None)


class FakeTextExtractor:
    """UTF-8 as it is; content starting with b"%BROKEN" is unreadable."""

    async def extract(self, content: bytes, file_type: str) -> str:
        if content.startswith(b"%BROKEN"):
            raise UnreadableDocument("the PDF is damaged or not a PDF")
        return content.decode()


class FakeSparseEncoder:
    """SparseEncoder port, BM25-like: crc32 term ids, saturated term counts, no stopwords;
    queries weigh each term 1 (Qdrant applies IDF)."""

    STOPWORDS = frozenset("a an and are at for how i in is it of on or the to we what when".split())

    def _ids(self, text: str) -> list[int]:
        words = [w for w in re.findall(r"\w+", text.lower()) if w not in self.STOPWORDS]
        return [zlib.crc32(word.encode()) & 0x7FFFFFFF for word in words]

    def encode_documents(self, texts) -> list[SparseVector]:
        vectors = []
        for text in texts:
            counts = Counter(self._ids(text))
            ids = sorted(counts)
            weights = tuple(counts[i] * 2.2 / (counts[i] + 1.2) for i in ids)
            vectors.append(SparseVector(tuple(ids), weights))
        return vectors

    def encode_query(self, text: str) -> SparseVector:
        ids = sorted(set(self._ids(text)))
        return SparseVector(tuple(ids), (1.0,) * len(ids))


class FakeVectorIndex:
    """Points in memory, ranked by dense cosine; records every search scope.

    `fail_after_upsert` makes upserts store their points and then fail, as a crash halfway would.
    """

    def __init__(self) -> None:
        self.points: dict[tuple[uuid.UUID, int], tuple[Source, EmbeddedChunk]] = {}
        self.scopes: list[SearchScope] = []
        self.fail_after_upsert = False

    def document_ids(self) -> set[uuid.UUID]:
        return {source.document_id for source, _ in self.points.values()}

    def _drop(self, keep) -> None:
        self.points = {k: v for k, v in self.points.items() if keep(v[0])}

    async def upsert(self, source: Source, chunks) -> None:
        for embedded in chunks:
            self.points[(source.document_id, embedded.chunk.position)] = (source, embedded)
        if self.fail_after_upsert:
            raise RuntimeError("index went away")

    async def delete_document(self, tenant_id, document_id) -> None:
        self._drop(lambda s: (s.tenant_id, s.document_id) != (tenant_id, document_id))

    async def delete_knowledge_base(self, tenant_id, kb_id) -> None:
        self._drop(lambda s: (s.tenant_id, s.knowledge_base_id) != (tenant_id, kb_id))

    async def move_knowledge_base(self, tenant_id, kb_id, outlet_id) -> None:
        for key, (source, embedded) in list(self.points.items()):
            if (source.tenant_id, source.knowledge_base_id) == (tenant_id, kb_id):
                self.points[key] = (replace(source, outlet_id=outlet_id), embedded)

    def _in_scope(self, source: Source, scope: SearchScope) -> bool:
        return (
            source.tenant_id == scope.tenant_id
            and source.knowledge_base_id in scope.knowledge_base_ids
            and (scope.outlet_id is None or source.outlet_id in (None, scope.outlet_id))
        )

    async def search(self, vectors: QueryVectors, scope: SearchScope, limit: int) -> list:
        self.scopes.append(scope)
        found = [
            Passage(
                e.chunk.text,
                e.chunk.heading,
                sum(a * b for a, b in zip(e.dense, vectors.dense, strict=True)),
                s.document_id,
                s.filename,
                s.knowledge_base_id,
                e.chunk.position,
            )
            for s, e in self.points.values()
            if self._in_scope(s, scope)
        ]
        return sorted(found, key=lambda p: -p.score)[:limit]


def fake_pipeline(index: FakeVectorIndex | None = None) -> Pipeline:
    """Fakes of every port, with the model-free hashing embedder so retrieval means something."""
    return Pipeline(
        store=FakeDocumentStore(),
        extractor=FakeTextExtractor(),
        embedder=HashingEmbedder(),
        encoder=FakeSparseEncoder(),
        index=index or FakeVectorIndex(),
    )


# -- booking context ----------------------------------------------------------------------


class FakeResourceRepository(_FakeTable):
    async def add(self, resource: Resource) -> Resource:
        return self._add(resource)

    async def get(self, tenant_id: uuid.UUID, resource_id: uuid.UUID) -> Resource | None:
        return self._find(tenant_id=tenant_id, id=resource_id)

    async def update(self, resource: Resource) -> Resource:
        return self._update(resource)

    async def delete(self, resource: Resource) -> None:
        del self.rows[resource.id]

    async def list(self, query: ListResources) -> Page[Resource]:
        match = {"tenant_id": query.tenant_id}
        for name in ("outlet_id", "type", "status"):
            if getattr(query, name) is not None:
                match[name] = getattr(query, name)
        return self._page(query.page, **match)

    async def of_outlet(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> "list[Resource]":
        return [
            r for r in self.rows.values() if (r.tenant_id, r.outlet_id) == (tenant_id, outlet_id)
        ]


class FakeOpeningHoursRepository:
    def __init__(self) -> None:
        self.schedules: dict[tuple[uuid.UUID, uuid.UUID], OpeningHours] = {}

    async def get(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> OpeningHours:
        return self.schedules.get((tenant_id, outlet_id)) or OpeningHours(tenant_id, outlet_id)

    async def replace(self, hours: OpeningHours) -> OpeningHours:
        key = (hours.tenant_id, hours.outlet_id)
        self.schedules[key] = replace(hours, updated_at=datetime.now(UTC))
        return self.schedules[key]


class FakeBookingRepository(_FakeTable):
    """Enforces what the database does: no overlap of active bookings, numbers unique."""

    def _check(self, booking: Booking) -> None:
        for other in self.rows.values():
            same = other.resource_id == booking.resource_id and other.id != booking.id
            if (
                same
                and other.is_active
                and booking.is_active
                and other.booking_date == booking.booking_date
            ):
                if other.start < booking.end and booking.start < other.end:
                    raise SlotTaken()

    async def add(self, booking: Booking) -> Booking:
        self._check(booking)
        if self._find(tenant_id=booking.tenant_id, booking_number=booking.booking_number):
            raise BookingNumberTaken()
        return self._add(booking)

    async def get(self, tenant_id, booking_id, *, for_update: bool = False) -> Booking | None:
        return self._find(tenant_id=tenant_id, id=booking_id)

    async def update(self, booking: Booking) -> Booking:
        self._check(booking)
        return self._update(booking)

    async def list(self, query: ListBookings) -> Page[Booking]:
        rows = sorted(
            (b for b in self.rows.values() if b.tenant_id == query.tenant_id),
            key=lambda b: (b.booking_date, b.start),
        )
        return _slice(rows, query.page)

    async def active_on(self, tenant_id, outlet_id, day) -> "list[Booking]":
        return [
            b for b in self.rows.values()
            if (b.tenant_id, b.outlet_id, b.booking_date) == (tenant_id, outlet_id, day) and b.is_active
        ]  # fmt: skip

    async def upcoming(self, tenant_id, outlet_id, customer_phone, today) -> "list[Booking]":
        mine = [
            b for b in self.rows.values()
            if (b.tenant_id, b.outlet_id, b.customer_phone) == (tenant_id, outlet_id, customer_phone)
            and b.is_active and b.booking_date >= today
        ]  # fmt: skip
        return sorted(mine, key=lambda b: (b.booking_date, b.start))

    async def holds_future(self, resource_id, today) -> bool:
        return any(
            b.resource_id == resource_id and b.is_active and b.booking_date >= today
            for b in self.rows.values()
        )


class FakeBookingUnitOfWork(_FakeUnitOfWork):
    def __init__(self) -> None:
        self.resources = FakeResourceRepository()
        self.hours = FakeOpeningHoursRepository()
        self.bookings = FakeBookingRepository()
        self.facts = FakeFactOutbox()
        super().__init__()


class FakeTimezones(FakeOutlets):
    def __init__(self, zone: str = "Europe/Madrid", *foreign: uuid.UUID) -> None:
        super().__init__(*foreign)
        self.zone = zone

    async def outlet_timezone(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> str:
        return self.zone


# -- order context ------------------------------------------------------------------------


class FakeCategoryRepository(_FakeTable):
    async def add(self, category):
        return self._add(category)

    async def get(self, tenant_id, category_id):
        return self._find(tenant_id=tenant_id, id=category_id)

    async def update(self, category):
        return self._update(category)

    async def delete(self, tenant_id, category_id) -> bool:
        return self.rows.pop(category_id, None) is not None

    async def list(self, tenant_id, page: PageQuery) -> Page:
        rows = sorted(
            (r for r in self.rows.values() if r.tenant_id == tenant_id),
            key=lambda r: (r.display_order, r.name),
        )
        return _slice(rows, page)


class FakeProductRepository(_FakeTable):
    def __init__(self) -> None:
        super().__init__()
        self.ordered_ids: set[uuid.UUID] = set()

    async def add(self, product):
        return self._add(product)

    async def get(self, tenant_id, product_id):
        return self._find(tenant_id=tenant_id, id=product_id)

    async def update(self, product):
        return self._update(product)

    async def delete(self, tenant_id, product_id) -> bool:
        return self.rows.pop(product_id, None) is not None

    async def ordered(self, tenant_id, product_id) -> bool:
        return product_id in self.ordered_ids

    async def list(self, query) -> Page:
        rows = [r for r in self.rows.values() if r.tenant_id == query.tenant_id]
        if query.category_id:
            rows = [r for r in rows if r.category_id == query.category_id]
        return _slice(rows, query.page)

    async def change_stock(self, tenant_id, product_id, change):
        product = self._find(tenant_id=tenant_id, id=product_id)
        if product is None or not 0 <= product.stock_quantity + change <= MAX_STOCK:
            return None
        return self._update(replace(product, stock_quantity=product.stock_quantity + change))


class FakeStockAdjustmentRepository(_FakeTable):
    async def add(self, adjustment):
        return self._add(adjustment)

    async def list(self, query) -> Page:
        rows = [r for r in self.rows.values() if r.tenant_id == query.tenant_id]
        return _slice(list(reversed(rows)), query.page)


class FakeOrderRepository(_FakeTable):
    def __init__(self, products: FakeProductRepository) -> None:
        super().__init__()
        self._products = products

    async def add(self, order):
        self._products.ordered_ids.update(item.product_id for item in order.items)
        return self._add(order)

    async def get(self, tenant_id, order_id, *, for_update: bool = False):
        return self._find(tenant_id=tenant_id, id=order_id)

    async def update(self, order):
        return self._update(order)

    async def list(self, query) -> Page:
        rows = [
            r
            for r in reversed(self.rows.values())
            if r.tenant_id == query.tenant_id
            and (not query.customer_phone or r.customer_phone == query.customer_phone)
            and (not query.order_number or r.order_number == query.order_number)
            and (query.status is None or r.status == query.status)
        ]
        return _slice(rows, query.page)

    async def next_number(self, tenant_id) -> str:
        return str(1001 + sum(1 for r in self.rows.values() if r.tenant_id == tenant_id))

    async def unpaid_since(self, cutoff, limit):
        return [
            (r.tenant_id, r.id)
            for r in self.rows.values()
            if r.status.value == "pending_payment" and r.updated_at < cutoff
        ][:limit]


class FakeOrderUnitOfWork(_FakeUnitOfWork):
    def __init__(self) -> None:
        self.categories = FakeCategoryRepository()
        self.products = FakeProductRepository()
        self.adjustments = FakeStockAdjustmentRepository()
        self.orders = FakeOrderRepository(self.products)
        self.facts = FakeFactOutbox()
        super().__init__()


class FakePaymentGateway:
    """Issues a link per order; counts the requests."""

    def __init__(self) -> None:
        self.requests: list[uuid.UUID] = []

    async def create_payment(self, order, currency: str):
        self.requests.append(order.id)
        return PaymentLink(f"https://pay.test/{order.id}", f"ref-{order.id}")


class FakeNotifier:
    """Keeps every notice; fails while `failing` is set."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Notice, str]] = []
        self.failing = False

    async def notify(self, order, notice: Notice, key: str) -> None:
        if self.failing:
            raise ConnectionError("messaging is down")
        self.sent.append((order.customer_phone, notice, key))
