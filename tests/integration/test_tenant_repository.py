"""The tenant context's Postgres adapter, driven through the use cases, on real PostgreSQL."""

import asyncio

import pytest
from sqlalchemy import text

from core.shared.errors import AlreadyExists, NotFound
from core.shared.paging import PageQuery
from core.tenant import commands as c
from core.tenant import handlers
from core.tenant.model import TenantStatus, UserRole


async def make_tenant(uow, slug="casa-pepe", **extra):
    return await handlers.create_tenant(
        c.CreateTenant(name=slug.title(), slug=slug, **extra), uow()
    )


async def test_tenant_round_trips_every_column(tenant_uow):
    tone = {"style": "formal", "emoji": False, "languages": ["es", "en"]}
    created = await make_tenant(
        tenant_uow,
        llm_tone=tone,
        greeting_message="Hola",
        error_message="Ups",
        contact_email="a@b.es",
        firebase_tenant_id="fb-1",
    )
    loaded = await handlers.get_tenant(created.id, tenant_uow())
    assert loaded == created
    assert loaded.llm_tone == tone
    assert loaded.created_at is not None and loaded.created_at.tzinfo is not None


async def test_update_writes_through_and_moves_updated_at(tenant_uow):
    created = await make_tenant(tenant_uow)
    updated = await handlers.update_tenant(
        c.UpdateTenant(created.id, {"name": "Casa Pepa", "llm_tone": {"style": "warm"}}),
        tenant_uow(),
    )
    loaded = await handlers.get_tenant(created.id, tenant_uow())
    assert loaded.name == "Casa Pepa" and loaded.llm_tone == {"style": "warm"}
    assert loaded == updated


async def test_uncommitted_work_is_rolled_back(tenant_uow):
    uow = tenant_uow()
    async with uow:
        await uow.tenants.add(
            __import__("core.tenant.model", fromlist=["Tenant"]).Tenant(name="X", slug="ghost")
        )
    async with tenant_uow() as check:
        assert await check.tenants.get_by_slug("ghost") is None


async def test_concurrent_creates_of_one_slug_leave_exactly_one(tenant_uow):
    results = await asyncio.gather(
        *(make_tenant(tenant_uow, slug="race") for _ in range(5)), return_exceptions=True
    )
    created = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, AlreadyExists)]
    assert len(created) == 1
    assert len(refused) == 4


async def test_keyset_pages_cover_every_row_once(tenant_uow):
    slugs = [f"tenant-{i:02d}" for i in range(7)]
    for slug in slugs:
        await make_tenant(tenant_uow, slug=slug)
    seen, token = [], ""
    while True:
        page = await handlers.list_tenants(c.ListTenants(PageQuery.of(3, token)), tenant_uow())
        seen += [t.slug for t in page.items]
        token = page.next_token
        if not token:
            break
    assert seen == slugs


async def test_list_filters_by_status(tenant_uow):
    keep = await make_tenant(tenant_uow, slug="keep")
    gone = await make_tenant(tenant_uow, slug="gone")
    await handlers.deactivate_tenant(gone.id, tenant_uow())
    page = await handlers.list_tenants(
        c.ListTenants(PageQuery(), TenantStatus.ACTIVE), tenant_uow()
    )
    assert [t.id for t in page.items] == [keep.id]


async def test_outlets_and_users_never_cross_tenants(tenant_uow):
    mine = await make_tenant(tenant_uow, slug="mine")
    theirs = await make_tenant(tenant_uow, slug="theirs")
    outlet = await handlers.create_outlet(
        c.CreateOutlet(tenant_id=mine.id, name="Centro", waba_phone_number_id="555"), tenant_uow()
    )
    user = await handlers.create_user(
        c.CreateUser(tenant_id=mine.id, firebase_uid="u1", email="a@b.es", role=UserRole.OWNER),
        tenant_uow(),
    )
    with pytest.raises(NotFound):
        await handlers.get_outlet(theirs.id, outlet.id, tenant_uow())
    with pytest.raises(NotFound):
        await handlers.deactivate_user(theirs.id, user.id, tenant_uow())
    listed = await handlers.list_outlets(c.ListOutlets(theirs.id, PageQuery()), tenant_uow())
    assert listed.items == []
    resolved, owner = await handlers.resolve_outlet("555", tenant_uow())
    assert (resolved.id, owner.id) == (outlet.id, mine.id)


async def test_database_refuses_a_duplicate_phone_number_id_even_past_the_core(tenant_uow, db):
    tenant = await make_tenant(tenant_uow)
    insert = text(
        "INSERT INTO tenant.outlets (tenant_id, name, waba_phone_number_id) VALUES (:t, 'x', '777')"
    )
    async with db.begin() as conn:
        await conn.execute(insert, {"t": tenant.id})
    with pytest.raises(Exception, match="uq_outlets_waba_phone_number_id"):
        async with db.begin() as conn:
            await conn.execute(insert, {"t": tenant.id})
