"""Postgres repositories and unit of work of the tenant context."""

import uuid

from sqlalchemy import func, select
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

from .locks import hold_until_commit
from .models.tenant import OutletRow, TenantRow, UserRow
from .table import Table
from .unit_of_work import SqlAlchemyUnitOfWork


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
        booking_reminder_minutes=row.booking_reminder_minutes,
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
        latitude=row.latitude,
        longitude=row.longitude,
        delivery_radius_km=row.delivery_radius_km,
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


class SqlAlchemyTenantRepository(Table[Tenant]):
    row = TenantRow
    to_entity = staticmethod(_tenant)

    async def get(self, tenant_id: uuid.UUID) -> Tenant | None:
        return await self._one(TenantRow.id == tenant_id)

    async def get_by_slug(self, slug: str) -> Tenant | None:
        return await self._one(TenantRow.slug == slug)

    async def list(self, page: PageQuery, status: TenantStatus | None) -> Page[Tenant]:
        where = [] if status is None else [TenantRow.status == status.value]
        return await self._page(page, *where)


class SqlAlchemyOutletRepository(Table[Outlet]):
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

    async def count_active(self, tenant_id: uuid.UUID) -> int:
        await hold_until_commit(self._session, f"tenant.outlets:{tenant_id}")
        return await self._session.scalar(
            select(func.count()).where(
                OutletRow.tenant_id == tenant_id, OutletRow.status == OutletStatus.ACTIVE.value
            )
        )


class SqlAlchemyUserRepository(Table[User]):
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
