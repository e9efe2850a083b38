import pytest

from core.shared.errors import AlreadyExists, InvalidInput, NotFound, PermissionDenied
from core.shared.paging import PageQuery
from core.shared.scope import acting_for
from core.tenant import commands as c
from core.tenant import handlers
from core.tenant.model import TenantStatus


async def test_create_tenant_is_active_and_committed(uow):
    tenant = await handlers.create_tenant(
        c.CreateTenant(name="  Casa Pepe ", slug="casa-pepe", contact_email="Pepe@Casa.ES"), uow
    )
    assert tenant.status is TenantStatus.ACTIVE
    assert tenant.name == "Casa Pepe"
    assert tenant.contact_email == "pepe@casa.es"
    assert uow.commits == 1
    assert await handlers.get_tenant(tenant.id, uow) == tenant


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "slug": "ok-slug"}, "name"),
        ({"name": "X", "slug": "No Spaces"}, "slug"),
        ({"name": "X", "slug": "ab"}, "slug"),
        ({"name": "X", "slug": "-leading"}, "slug"),
        ({"name": "X", "slug": "fine", "contact_email": "not-an-email"}, "contact_email"),
        ({"name": "X", "slug": "fine", "llm_tone": ["not", "an", "object"]}, "llm_tone"),
        ({"name": "X", "slug": "fine", "greeting_message": "x" * 4097}, "greeting_message"),
    ],
)
async def test_create_tenant_refuses_bad_fields_naming_the_field(uow, fields, field):
    with pytest.raises(InvalidInput) as refused:
        await handlers.create_tenant(c.CreateTenant(**fields), uow)
    assert refused.value.field == field
    assert uow.commits == 0


async def test_slug_is_unique(uow, tenant):
    with pytest.raises(AlreadyExists, match="slug"):
        await handlers.create_tenant(c.CreateTenant(name="Other", slug=tenant.slug), uow)


async def test_update_changes_only_the_named_fields(uow, tenant):
    updated = await handlers.update_tenant(
        c.UpdateTenant(tenant.id, {"greeting_message": "Hola!"}), uow
    )
    assert updated.greeting_message == "Hola!"
    assert updated.name == tenant.name


async def test_update_refuses_fields_that_are_not_writable(uow, tenant):
    with pytest.raises(InvalidInput) as refused:
        await handlers.update_tenant(c.UpdateTenant(tenant.id, {"status": "inactive"}), uow)
    assert refused.value.field == "update_mask"


async def test_update_to_a_taken_slug_is_refused(uow, tenant):
    other = await handlers.create_tenant(c.CreateTenant(name="B", slug="bravo"), uow)
    with pytest.raises(AlreadyExists):
        await handlers.update_tenant(c.UpdateTenant(other.id, {"slug": tenant.slug}), uow)


async def test_unknown_tenant_is_not_found(uow):
    import uuid

    with pytest.raises(NotFound):
        await handlers.get_tenant(uuid.uuid4(), uow)


async def test_deactivate_is_idempotent(uow, tenant):
    first = await handlers.deactivate_tenant(tenant.id, uow)
    second = await handlers.deactivate_tenant(tenant.id, uow)
    assert first.status is second.status is TenantStatus.INACTIVE
    assert uow.commits == 2  # create + the one real change


async def test_list_filters_by_status_and_pages(uow, tenant):
    for slug in ("alpha", "bravo", "charlie"):
        await handlers.create_tenant(c.CreateTenant(name=slug, slug=slug), uow)
    await handlers.deactivate_tenant(tenant.id, uow)

    first = await handlers.list_tenants(
        c.ListTenants(PageQuery.of(2, ""), TenantStatus.ACTIVE), uow
    )
    second = await handlers.list_tenants(
        c.ListTenants(PageQuery.of(2, first.next_token), TenantStatus.ACTIVE), uow
    )
    assert [t.slug for t in first.items + second.items] == ["alpha", "bravo", "charlie"]
    assert second.next_token == ""


def test_page_size_is_defaulted_capped_and_never_negative():
    assert PageQuery.of(0, "").size == 50
    assert PageQuery.of(10_000, "").size == 500
    with pytest.raises(InvalidInput):
        PageQuery.of(-1, "")


@pytest.mark.parametrize(("role", "allowed"), [("admin", False), ("agent", False), ("owner", True)])
async def test_only_the_owner_changes_the_sign_in_pool(uow, tenant, role, allowed):
    change = c.UpdateTenant(tenant.id, {"firebase_tenant_id": "another-pool"})
    with acting_for(tenant.id, "test", role=role):
        if allowed:
            assert (await handlers.update_tenant(change, uow)).firebase_tenant_id == "another-pool"
        else:
            with pytest.raises(PermissionDenied, match="only the owner"):
                await handlers.update_tenant(change, uow)
