"""In-memory fakes of the core's ports, for unit tests of the use cases."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Self

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
