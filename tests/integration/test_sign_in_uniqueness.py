"""A Firebase uid that another tenant's user holds is refused exactly like one of our own:
the answer names neither the tenant nor the user (the tenant service's role, under row-level
security, cannot even see the holder; the unique key refuses it)."""

import pytest

from adapters.postgres.database import ScopedSessions
from adapters.postgres.tenant_repository import SqlAlchemyTenantUnitOfWork
from core.shared.scope import across_tenants, acting_for
from core.tenant import commands as c
from core.tenant import handlers
from core.tenant.errors import SignInTaken
from core.tenant.model import UserRole


def new_user(tenant_id, uid: str, email: str) -> c.CreateUser:
    return c.CreateUser(tenant_id=tenant_id, firebase_uid=uid, email=email, role=UserRole.AGENT)


@pytest.fixture
def units(db, engine_as):
    """Units of work as the tenant service has them."""
    sessions = ScopedSessions(engine_as("crm_tenant"), engine_as("crm_tenant_platform"))
    return lambda: SqlAlchemyTenantUnitOfWork(sessions)


async def test_a_uid_held_in_another_tenant_reads_as_one_held_here(units):
    with across_tenants("test"):
        a = await handlers.create_tenant(c.CreateTenant(name="A", slug="alpha"), units())
        b = await handlers.create_tenant(c.CreateTenant(name="B", slug="bravo"), units())
    with acting_for(a.id):
        await handlers.create_user(new_user(a.id, "uid-shared", "ana@a.example"), units())
        await handlers.create_user(new_user(a.id, "uid-a2", "eva@a.example"), units())
        with pytest.raises(SignInTaken) as here:
            await handlers.create_user(new_user(a.id, "uid-shared", "bea@a.example"), units())
    with acting_for(b.id):
        with pytest.raises(SignInTaken) as elsewhere:
            await handlers.create_user(new_user(b.id, "uid-shared", "bob@b.example"), units())
        mine = await handlers.create_user(new_user(b.id, "uid-b", "bob@b.example"), units())
        with pytest.raises(SignInTaken) as by_update:
            await handlers.update_user(
                c.UpdateUser(b.id, mine.id, {"firebase_uid": "uid-a2"}), units()
            )
    assert str(here.value) == str(elsewhere.value) == str(by_update.value)
    for leaked in (str(a.id), "alpha", "uid-shared", "ana@"):
        assert leaked not in str(elsewhere.value)
