import uuid

import pytest

from core.shared.errors import AlreadyExists, FailedPrecondition, InvalidInput, NotFound
from core.tenant import commands as c
from core.tenant import handlers
from core.tenant.model import OutletStatus


def outlet_cmd(tenant_id, phone_id="1234567890", **extra) -> c.CreateOutlet:
    return c.CreateOutlet(
        tenant_id=tenant_id, name="Centro", waba_phone_number_id=phone_id, **extra
    )


async def test_create_outlet_and_resolve_it_by_phone_number_id(uow, tenant):
    outlet = await handlers.create_outlet(
        outlet_cmd(tenant.id, waba_phone_number="+34600111222", timezone="Europe/Madrid"), uow
    )
    resolved, owner = await handlers.resolve_outlet("1234567890", uow)
    assert resolved == outlet
    assert owner.id == tenant.id


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"waba_phone_number": "600111222"}, "waba_phone_number"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"waba_business_account_id": "abc"}, "waba_business_account_id"),
        ({"latitude": 91.0}, "latitude"),
        ({"longitude": -180.5}, "longitude"),
        ({"delivery_radius_km": -1.0}, "delivery_radius_km"),
    ],
)
async def test_create_outlet_refuses_bad_fields(uow, tenant, extra, field):
    with pytest.raises(InvalidInput) as refused:
        await handlers.create_outlet(outlet_cmd(tenant.id, **extra), uow)
    assert refused.value.field == field


async def test_phone_number_id_must_be_numeric(uow, tenant):
    with pytest.raises(InvalidInput) as refused:
        await handlers.create_outlet(outlet_cmd(tenant.id, phone_id="12ab"), uow)
    assert refused.value.field == "waba_phone_number_id"


async def test_phone_number_id_is_unique_across_tenants(uow, tenant):
    other = await handlers.create_tenant(c.CreateTenant(name="B", slug="bravo"), uow)
    await handlers.create_outlet(outlet_cmd(tenant.id), uow)
    with pytest.raises(AlreadyExists):
        await handlers.create_outlet(outlet_cmd(other.id), uow)


async def test_outlets_are_scoped_by_tenant(uow, tenant):
    other = await handlers.create_tenant(c.CreateTenant(name="B", slug="bravo"), uow)
    outlet = await handlers.create_outlet(outlet_cmd(tenant.id), uow)
    with pytest.raises(NotFound):
        await handlers.get_outlet(other.id, outlet.id, uow)
    with pytest.raises(NotFound):
        await handlers.update_outlet(c.UpdateOutlet(other.id, outlet.id, {"name": "Mine"}), uow)


async def test_inactive_tenant_gets_no_new_outlets(uow, tenant):
    await handlers.deactivate_tenant(tenant.id, uow)
    with pytest.raises(FailedPrecondition):
        await handlers.create_outlet(outlet_cmd(tenant.id), uow)


async def test_resolve_refuses_inactive_outlet_or_tenant_and_unknown_numbers(uow, tenant):
    outlet = await handlers.create_outlet(outlet_cmd(tenant.id), uow)
    with pytest.raises(NotFound):
        await handlers.resolve_outlet("999", uow)
    await handlers.deactivate_tenant(tenant.id, uow)
    with pytest.raises(FailedPrecondition, match="tenant"):
        await handlers.resolve_outlet("1234567890", uow)
    await handlers.deactivate_outlet(tenant.id, outlet.id, uow)
    with pytest.raises(FailedPrecondition, match="outlet"):
        await handlers.resolve_outlet("1234567890", uow)


async def test_update_outlet_number_to_a_taken_one_is_refused(uow, tenant):
    await handlers.create_outlet(outlet_cmd(tenant.id, phone_id="111"), uow)
    second = await handlers.create_outlet(outlet_cmd(tenant.id, phone_id="222"), uow)
    with pytest.raises(AlreadyExists):
        await handlers.update_outlet(
            c.UpdateOutlet(tenant.id, second.id, {"waba_phone_number_id": "111"}), uow
        )


async def test_list_outlets_of_unknown_tenant_is_not_found(uow):
    from core.shared.paging import PageQuery

    with pytest.raises(NotFound):
        await handlers.list_outlets(c.ListOutlets(uuid.uuid4(), PageQuery()), uow)


async def test_deactivated_outlet_keeps_its_data(uow, tenant):
    outlet = await handlers.create_outlet(outlet_cmd(tenant.id), uow)
    gone = await handlers.deactivate_outlet(tenant.id, outlet.id, uow)
    assert gone.status is OutletStatus.INACTIVE
    assert gone.waba_phone_number_id == outlet.waba_phone_number_id
