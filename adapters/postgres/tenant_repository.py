"""Postgres repositories and unit of work of the tenant context."""

import uuid
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, Generic, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.shared.paging import Page, PageQuery
from core.tenant.model import (
    Outlet,
    OutletStatus,
    Tenant,
    TenantStatus,
    User,
    UserRole,
    UserStatus,
)

from .models.tenant import OutletRow, TenantRow, UserRow
from .paging import paginate, split_page
from .unit_of_work import SqlAlchemyUnitOfWork

E = TypeVar("E")


def _writable(entity: Any) -> dict[str, Any]:
    values = asdict(entity)
    for name in ("created_at", "updated_at"):
        values.pop(name)
    return values


def _tenant(row: TenantRow) -> Tenant:
    return Tenant(
        id=row.id,
        name=row.name,
        slug=row.slug,
        status=TenantStatus(row.status),
        llm_tone=dict(row.llm_tone or {}),
        greeting_message=row.greeting_message,
        error_message=row.error_message,
        contact_email=row.contact_email,
        firebase_tenant_id=row.firebase_tenant_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _outlet(row: OutletRow) -> Outlet:
    return Outlet(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        waba_phone_number=row.waba_phone_number,
        waba_phone_number_id=row.waba_phone_number_id,
        waba_business_account_id=row.waba_business_account_id,
        status=OutletStatus(row.status),
        timezone=row.timezone,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        tenant_id=row.tenant_id,
        firebase_uid=row.firebase_uid,
        email=row.email,
        role=UserRole(row.role),
        display_name=row.display_name,
        status=UserStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class _Table(Generic[E]):
    """Insert, fetch, update and page one table's rows as one entity type."""

    row: Any
    to_entity: Callable[[Any], E]
    immutable: tuple[str, ...] = ("id",)

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entity: E) -> E:
        statement = insert(self.row).values(**_writable(entity)).returning(self.row)
        return type(self).to_entity(await self._session.scalar(statement))

    async def _one(self, *where: Any) -> E | None:
        row = await self._session.scalar(select(self.row).where(*where))
        return type(self).to_entity(row) if row else None

    async def update(self, entity: E) -> E:
        values = _writable(entity)
        keys = {name: values.pop(name) for name in self.immutable}
        statement = (
            update(self.row)
            .where(*(getattr(self.row, name) == value for name, value in keys.items()))
            .values(**values)
            .returning(self.row)
            .execution_options(populate_existing=True)
        )
        return type(self).to_entity(await self._session.scalar(statement))

    async def _page(self, page: PageQuery, *where: Any) -> Page[E]:
        statement = paginate(select(self.row).where(*where), self.row, page)
        rows, token = split_page((await self._session.scalars(statement)).all(), page)
        return Page([type(self).to_entity(row) for row in rows], token)


class SqlAlchemyTenantRepository(_Table[Tenant]):
    row = TenantRow
    to_entity = staticmethod(_tenant)

    async def get(self, tenant_id: uuid.UUID) -> Tenant | None:
        return await self._one(TenantRow.id == tenant_id)

    async def get_by_slug(self, slug: str) -> Tenant | None:
        return await self._one(TenantRow.slug == slug)

    async def list(self, page: PageQuery, status: TenantStatus | None) -> Page[Tenant]:
        where = [] if status is None else [TenantRow.status == status.value]
        return await self._page(page, *where)


class SqlAlchemyOutletRepository(_Table[Outlet]):
    """Every read and write is scoped by tenant, except the webhook's phone lookup."""

    row = OutletRow
    to_entity = staticmethod(_outlet)
    immutable = ("id", "tenant_id")

    async def get(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> Outlet | None:
        return await self._one(OutletRow.tenant_id == tenant_id, OutletRow.id == outlet_id)

    async def get_by_phone_number_id(self, phone_number_id: str) -> Outlet | None:
        return await self._one(OutletRow.waba_phone_number_id == phone_number_id)

    async def list(
        self, tenant_id: uuid.UUID, page: PageQuery, status: OutletStatus | None
    ) -> Page[Outlet]:
        where = [] if status is None else [OutletRow.status == status.value]
        return await self._page(page, OutletRow.tenant_id == tenant_id, *where)


class SqlAlchemyUserRepository(_Table[User]):
    """Every read and write is scoped by tenant, except sign-in's identity lookup."""

    row = UserRow
    to_entity = staticmethod(_user)
    immutable = ("id", "tenant_id")

    async def get(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> User | None:
        return await self._one(UserRow.tenant_id == tenant_id, UserRow.id == user_id)

    async def get_by_firebase_uid(self, firebase_uid: str) -> User | None:
        return await self._one(UserRow.firebase_uid == firebase_uid)

    async def list(
        self, tenant_id: uuid.UUID, page: PageQuery, role: UserRole | None
    ) -> Page[User]:
        where = [] if role is None else [UserRow.role == role.value]
        return await self._page(page, UserRow.tenant_id == tenant_id, *where)


class SqlAlchemyTenantUnitOfWork(SqlAlchemyUnitOfWork):
    tenants: SqlAlchemyTenantRepository
    outlets: SqlAlchemyOutletRepository
    users: SqlAlchemyUserRepository

    def attach(self, session: AsyncSession) -> None:
        self.tenants = SqlAlchemyTenantRepository(session)
        self.outlets = SqlAlchemyOutletRepository(session)
        self.users = SqlAlchemyUserRepository(session)
