"""In-memory fakes of the core's ports, for unit tests of the use cases."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Self

from core.conversation.commands import ListConversations, ListMessages
from core.conversation.model import Conversation, ConversationStatus, Message
from core.conversation.ports import CachedHistory, HistoryKey
from core.shared.paging import Page, PageQuery
from core.tenant.model import Outlet, OutletStatus, Tenant, TenantStatus, User, UserRole


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


class FakeTenantUnitOfWork:
    """Shares its repositories across uses, like one database; counts commits."""

    def __init__(self) -> None:
        self.tenants = FakeTenantRepository()
        self.outlets = FakeOutletRepository()
        self.users = FakeUserRepository()
        self.commits = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        self.commits += 1


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
        if wamid and self._find(whatsapp_message_id=wamid):
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


class FakeConversationUnitOfWork:
    """Shares its repositories across uses, like one database; counts commits."""

    def __init__(self) -> None:
        self.conversations = FakeConversationRepository()
        self.messages = FakeMessageRepository()
        self.commits = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        self.commits += 1


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
