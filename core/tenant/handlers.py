"""Use cases of the tenant context; each runs inside one unit of work."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from typing import Any

from core.billing.limits import PlanLimit, PlanLimits, ensure_room
from core.shared.errors import AlreadyExists, FailedPrecondition, NotFound, PermissionDenied
from core.shared.paging import Page
from core.shared.scope import current
from core.shared.validation import validated

from . import commands as c
from .errors import SignInTaken
from .model import (
    OUTLET_FIELDS,
    TENANT_FIELDS,
    USER_FIELDS,
    Outlet,
    OutletStatus,
    Tenant,
    TenantStatus,
    User,
    UserRole,
    UserStatus,
)
from .ports import TenantUnitOfWork


async def _tenant(uow: TenantUnitOfWork, tenant_id: uuid.UUID) -> Tenant:
    tenant = await uow.tenants.get(tenant_id)
    if tenant is None:
        raise NotFound("tenant", tenant_id)
    return tenant


async def _active_tenant(uow: TenantUnitOfWork, tenant_id: uuid.UUID) -> Tenant:
    tenant = await _tenant(uow, tenant_id)
    if not tenant.is_active:
        raise FailedPrecondition(f"tenant {tenant_id} is {tenant.status.value}")
    return tenant


async def _outlet(uow: TenantUnitOfWork, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> Outlet:
    outlet = await uow.outlets.get(tenant_id, outlet_id)
    if outlet is None:
        raise NotFound("outlet", outlet_id)
    return outlet


async def _user(uow: TenantUnitOfWork, tenant_id: uuid.UUID, user_id: uuid.UUID) -> User:
    user = await uow.users.get(tenant_id, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def _fields(cmd: Any, exclude: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in asdict(cmd).items() if k not in exclude}


# -- tenants -------------------------------------------------------------------------------


async def create_tenant(cmd: c.CreateTenant, uow: TenantUnitOfWork) -> Tenant:
    fields = validated(_fields(cmd, ()), TENANT_FIELDS, mask_field="tenant")
    async with uow:
        if await uow.tenants.get_by_slug(fields["slug"]):
            raise AlreadyExists("tenant", "slug", fields["slug"])
        tenant = await uow.tenants.add(Tenant(**fields))
        await uow.commit()
    return tenant


async def get_tenant(tenant_id: uuid.UUID, uow: TenantUnitOfWork) -> Tenant:
    async with uow:
        return await _tenant(uow, tenant_id)


# Fields only the owner (or the platform) may change: which sign-in pool the staff use
# decides who gets in at all, so an admin who could change it could lock the owner out.
OWNER_ONLY = frozenset({"firebase_tenant_id"})
BELOW_OWNER = frozenset({UserRole.ADMIN.value, UserRole.AGENT.value})


async def update_tenant(cmd: c.UpdateTenant, uow: TenantUnitOfWork) -> Tenant:
    changes = validated(dict(cmd.changes), TENANT_FIELDS, mask_field="update_mask")
    scope = current()
    if (OWNER_ONLY & changes.keys()) and scope and scope.role in BELOW_OWNER:
        fields = ", ".join(sorted(OWNER_ONLY & changes.keys()))
        raise PermissionDenied(f"only the owner may change {fields}")
    async with uow:
        tenant = await _tenant(uow, cmd.tenant_id)
        slug = changes.get("slug")
        if slug and slug != tenant.slug and await uow.tenants.get_by_slug(slug):
            raise AlreadyExists("tenant", "slug", slug)
        tenant = await uow.tenants.update(replace(tenant, **changes))
        await uow.commit()
    return tenant


async def list_tenants(cmd: c.ListTenants, uow: TenantUnitOfWork) -> Page[Tenant]:
    async with uow:
        return await uow.tenants.list(cmd.page, cmd.status)


async def deactivate_tenant(tenant_id: uuid.UUID, uow: TenantUnitOfWork) -> Tenant:
    async with uow:
        tenant = await _tenant(uow, tenant_id)
        if tenant.status is not TenantStatus.INACTIVE:
            tenant = await uow.tenants.update(replace(tenant, status=TenantStatus.INACTIVE))
            await uow.commit()
    return tenant


# -- outlets -------------------------------------------------------------------------------


async def create_outlet(
    cmd: c.CreateOutlet, uow: TenantUnitOfWork, limits: PlanLimits | None = None
) -> Outlet:
    """Within the plan's outlet limit, counted and inserted under one lock."""
    fields = validated(_fields(cmd, ("tenant_id",)), OUTLET_FIELDS, mask_field="outlet")
    async with uow:
        await _active_tenant(uow, cmd.tenant_id)
        phone_id = fields["waba_phone_number_id"]
        if await uow.outlets.get_by_phone_number_id(phone_id):
            raise AlreadyExists("outlet", "waba_phone_number_id", phone_id)
        held = await uow.outlets.count_active(cmd.tenant_id)
        await ensure_room(limits, cmd.tenant_id, PlanLimit.OUTLETS, held + 1)
        outlet = await uow.outlets.add(Outlet(tenant_id=cmd.tenant_id, **fields))
        await uow.commit()
    return outlet


async def get_outlet(tenant_id: uuid.UUID, outlet_id: uuid.UUID, uow: TenantUnitOfWork) -> Outlet:
    async with uow:
        return await _outlet(uow, tenant_id, outlet_id)


async def update_outlet(cmd: c.UpdateOutlet, uow: TenantUnitOfWork) -> Outlet:
    changes = validated(dict(cmd.changes), OUTLET_FIELDS, mask_field="update_mask")
    async with uow:
        outlet = await _outlet(uow, cmd.tenant_id, cmd.outlet_id)
        phone_id = changes.get("waba_phone_number_id")
        if phone_id and phone_id != outlet.waba_phone_number_id:
            if await uow.outlets.get_by_phone_number_id(phone_id):
                raise AlreadyExists("outlet", "waba_phone_number_id", phone_id)
        outlet = await uow.outlets.update(replace(outlet, **changes))
        await uow.commit()
    return outlet


async def list_outlets(cmd: c.ListOutlets, uow: TenantUnitOfWork) -> Page[Outlet]:
    async with uow:
        await _tenant(uow, cmd.tenant_id)
        return await uow.outlets.list(cmd.tenant_id, cmd.page, cmd.status)


async def deactivate_outlet(
    tenant_id: uuid.UUID, outlet_id: uuid.UUID, uow: TenantUnitOfWork
) -> Outlet:
    async with uow:
        outlet = await _outlet(uow, tenant_id, outlet_id)
        if outlet.status is not OutletStatus.INACTIVE:
            outlet = await uow.outlets.update(replace(outlet, status=OutletStatus.INACTIVE))
            await uow.commit()
    return outlet


async def resolve_outlet(phone_number_id: str, uow: TenantUnitOfWork) -> tuple[Outlet, Tenant]:
    """The outlet a webhook's phone_number_id belongs to, if it may serve customers."""
    async with uow:
        outlet = await uow.outlets.get_by_phone_number_id(phone_number_id)
        if outlet is None:
            raise NotFound("outlet with phone_number_id", phone_number_id)
        tenant = await _tenant(uow, outlet.tenant_id)
    if not outlet.is_active:
        raise FailedPrecondition(f"outlet {outlet.id} is inactive")
    if not tenant.is_active:
        raise FailedPrecondition(f"tenant {tenant.id} is {tenant.status.value}")
    return outlet, tenant


# -- users ---------------------------------------------------------------------------------


async def create_user(cmd: c.CreateUser, uow: TenantUnitOfWork) -> User:
    fields = validated(_fields(cmd, ("tenant_id",)), USER_FIELDS, mask_field="user")
    with _one_user_per_sign_in():
        async with uow:
            await _active_tenant(uow, cmd.tenant_id)
            # Sees this tenant's users only; another tenant's holder fails the unique key.
            if await uow.users.get_by_firebase_uid(fields["firebase_uid"]):
                raise SignInTaken()
            user = await uow.users.add(User(tenant_id=cmd.tenant_id, **fields))
            await uow.commit()
    return user


@contextmanager
def _one_user_per_sign_in() -> Iterator[None]:
    """The database's refusal of a taken uid, answered as SignInTaken like our own check."""
    try:
        yield
    except AlreadyExists as taken:
        if taken.field == "firebase_uid":
            raise SignInTaken() from None
        raise


async def get_user(tenant_id: uuid.UUID, user_id: uuid.UUID, uow: TenantUnitOfWork) -> User:
    async with uow:
        return await _user(uow, tenant_id, user_id)


async def update_user(cmd: c.UpdateUser, uow: TenantUnitOfWork) -> User:
    changes = validated(dict(cmd.changes), USER_FIELDS, mask_field="update_mask")
    with _one_user_per_sign_in():
        async with uow:
            user = await _user(uow, cmd.tenant_id, cmd.user_id)
            uid = changes.get("firebase_uid")
            if uid and uid != user.firebase_uid and await uow.users.get_by_firebase_uid(uid):
                raise SignInTaken()
            user = await uow.users.update(replace(user, **changes))
            await uow.commit()
    return user


async def list_users(cmd: c.ListUsers, uow: TenantUnitOfWork) -> Page[User]:
    async with uow:
        await _tenant(uow, cmd.tenant_id)
        return await uow.users.list(cmd.tenant_id, cmd.page, cmd.role)


async def deactivate_user(tenant_id: uuid.UUID, user_id: uuid.UUID, uow: TenantUnitOfWork) -> User:
    async with uow:
        user = await _user(uow, tenant_id, user_id)
        if user.status is not UserStatus.INACTIVE:
            user = await uow.users.update(replace(user, status=UserStatus.INACTIVE))
            await uow.commit()
    return user


async def lookup_user(firebase_uid: str, uow: TenantUnitOfWork) -> User:
    """The active user behind a verified identity; inactive users are refused."""
    async with uow:
        user = await uow.users.get_by_firebase_uid(firebase_uid)
    if user is None or user.status is not UserStatus.ACTIVE:
        raise NotFound("user with firebase_uid", firebase_uid)
    return user
