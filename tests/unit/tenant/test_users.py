import pytest

from core.shared.errors import AlreadyExists, InvalidInput, NotFound
from core.tenant import commands as c
from core.tenant import handlers
from core.tenant.model import UserRole, UserStatus


def user_cmd(tenant_id, uid="uid-1", role=UserRole.ADMIN, email="ana@casa.es") -> c.CreateUser:
    return c.CreateUser(tenant_id=tenant_id, firebase_uid=uid, email=email, role=role)


async def test_create_user_and_look_it_up_by_identity(uow, tenant):
    user = await handlers.create_user(user_cmd(tenant.id), uow)
    assert await handlers.lookup_user("uid-1", uow) == user
    assert user.status is UserStatus.ACTIVE


async def test_role_is_required(uow, tenant):
    with pytest.raises(InvalidInput) as refused:
        await handlers.create_user(user_cmd(tenant.id, role=None), uow)
    assert refused.value.field == "role"


async def test_email_must_be_an_email(uow, tenant):
    with pytest.raises(InvalidInput) as refused:
        await handlers.create_user(user_cmd(tenant.id, email="ana"), uow)
    assert refused.value.field == "email"


async def test_firebase_uid_is_unique(uow, tenant):
    await handlers.create_user(user_cmd(tenant.id), uow)
    with pytest.raises(AlreadyExists):
        await handlers.create_user(user_cmd(tenant.id, email="other@casa.es"), uow)


async def test_deactivated_user_can_no_longer_be_looked_up(uow, tenant):
    user = await handlers.create_user(user_cmd(tenant.id), uow)
    await handlers.deactivate_user(tenant.id, user.id, uow)
    with pytest.raises(NotFound):
        await handlers.lookup_user("uid-1", uow)


async def test_users_are_scoped_by_tenant(uow, tenant):
    other = await handlers.create_tenant(c.CreateTenant(name="B", slug="bravo"), uow)
    user = await handlers.create_user(user_cmd(tenant.id), uow)
    with pytest.raises(NotFound):
        await handlers.get_user(other.id, user.id, uow)
    with pytest.raises(NotFound):
        await handlers.deactivate_user(other.id, user.id, uow)


async def test_change_role(uow, tenant):
    user = await handlers.create_user(user_cmd(tenant.id), uow)
    updated = await handlers.update_user(
        c.UpdateUser(tenant.id, user.id, {"role": UserRole.AGENT}), uow
    )
    assert updated.role is UserRole.AGENT
