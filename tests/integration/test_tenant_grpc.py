"""TenantService over a real grpc.aio server and real PostgreSQL: mapping and status codes."""

import uuid

import grpc
import pytest
from crm.tenant.v1 import tenant_pb2 as pb
from google.protobuf.field_mask_pb2 import FieldMask

from .grpc_support import expect

CODE = grpc.StatusCode


async def create_tenant(stub, slug="casa-pepe", **extra) -> pb.Tenant:
    reply = await stub.CreateTenant(
        pb.CreateTenantRequest(tenant=pb.Tenant(name="Casa Pepe", slug=slug, **extra))
    )
    return reply.tenant


async def test_create_then_get_round_trips_the_message(tenant_stub):
    created = await create_tenant(
        tenant_stub, llm_tone={"style": "warm", "emoji": True}, contact_email="a@b.es"
    )
    assert uuid.UUID(created.id)
    assert created.status == pb.TENANT_STATUS_ACTIVE
    assert created.create_time.seconds > 0
    got = (await tenant_stub.GetTenant(pb.GetTenantRequest(tenant_id=created.id))).tenant
    assert got == created
    assert dict(got.llm_tone) == {"style": "warm", "emoji": True}


@pytest.mark.parametrize(
    ("request_", "fragment"),
    [
        (pb.CreateTenantRequest(), "tenant: is required"),
        (pb.CreateTenantRequest(tenant=pb.Tenant(slug="fine")), "name: is required"),
        (pb.CreateTenantRequest(tenant=pb.Tenant(name="X", slug="Bad Slug")), "slug:"),
        (
            pb.CreateTenantRequest(tenant=pb.Tenant(name="X", slug="fine", contact_email="no")),
            "contact_email:",
        ),
    ],
)
async def test_create_refuses_bad_input_naming_the_field(tenant_stub, request_, fragment):
    await expect(CODE.INVALID_ARGUMENT, tenant_stub.CreateTenant(request_), fragment)


async def test_bad_and_missing_uuids_are_invalid_arguments(tenant_stub):
    await expect(
        CODE.INVALID_ARGUMENT,
        tenant_stub.GetTenant(pb.GetTenantRequest(tenant_id="nope")),
        "tenant_id",
        "must be a valid UUID",
    )
    await expect(
        CODE.INVALID_ARGUMENT,
        tenant_stub.GetTenant(pb.GetTenantRequest()),
        "tenant_id: is required",
    )


async def test_duplicate_slug_is_already_exists(tenant_stub):
    await create_tenant(tenant_stub)
    await expect(CODE.ALREADY_EXISTS, create_tenant(tenant_stub), "slug", "casa-pepe")


async def test_unknown_ids_are_not_found(tenant_stub):
    missing = str(uuid.uuid4())
    await expect(CODE.NOT_FOUND, tenant_stub.GetTenant(pb.GetTenantRequest(tenant_id=missing)))
    tenant = await create_tenant(tenant_stub)
    await expect(
        CODE.NOT_FOUND,
        tenant_stub.GetOutlet(pb.GetOutletRequest(tenant_id=tenant.id, outlet_id=missing)),
    )


async def test_update_with_mask_changes_only_named_fields(tenant_stub):
    tenant = await create_tenant(tenant_stub, greeting_message="Hi")
    reply = await tenant_stub.UpdateTenant(
        pb.UpdateTenantRequest(
            tenant=pb.Tenant(id=tenant.id, name="Casa Pepa", greeting_message="ignored"),
            update_mask=FieldMask(paths=["name"]),
        )
    )
    assert reply.tenant.name == "Casa Pepa"
    assert reply.tenant.greeting_message == "Hi"


async def test_update_without_mask_changes_the_fields_sent(tenant_stub):
    tenant = await create_tenant(tenant_stub, greeting_message="Hi")
    reply = await tenant_stub.UpdateTenant(
        pb.UpdateTenantRequest(tenant=pb.Tenant(id=tenant.id, error_message="Sorry!"))
    )
    assert (reply.tenant.error_message, reply.tenant.greeting_message) == ("Sorry!", "Hi")


async def test_update_mask_naming_an_output_only_field_is_refused(tenant_stub):
    tenant = await create_tenant(tenant_stub)
    await expect(
        CODE.INVALID_ARGUMENT,
        tenant_stub.UpdateTenant(
            pb.UpdateTenantRequest(
                tenant=pb.Tenant(id=tenant.id), update_mask=FieldMask(paths=["status"])
            )
        ),
        "update_mask",
        "status",
    )


async def test_outlet_lifecycle_and_resolution(tenant_stub):
    tenant = await create_tenant(tenant_stub)
    outlet = (
        await tenant_stub.CreateOutlet(
            pb.CreateOutletRequest(
                outlet=pb.Outlet(
                    tenant_id=tenant.id,
                    name="Centro",
                    waba_phone_number="+34600111222",
                    waba_phone_number_id="106540352242922",
                    timezone="Europe/Madrid",
                )
            )
        )
    ).outlet
    resolved = await tenant_stub.ResolveOutlet(
        pb.ResolveOutletRequest(phone_number_id="106540352242922")
    )
    assert (resolved.outlet.id, resolved.tenant.id) == (outlet.id, tenant.id)

    await expect(
        CODE.ALREADY_EXISTS,
        tenant_stub.CreateOutlet(
            pb.CreateOutletRequest(
                outlet=pb.Outlet(
                    tenant_id=tenant.id, name="B", waba_phone_number_id="106540352242922"
                )
            )
        ),
        "waba_phone_number_id",
    )
    await tenant_stub.DeactivateOutlet(
        pb.DeactivateOutletRequest(tenant_id=tenant.id, outlet_id=outlet.id)
    )
    await expect(
        CODE.FAILED_PRECONDITION,
        tenant_stub.ResolveOutlet(pb.ResolveOutletRequest(phone_number_id="106540352242922")),
        "inactive",
    )
    await expect(
        CODE.INVALID_ARGUMENT,
        tenant_stub.ResolveOutlet(pb.ResolveOutletRequest()),
        "phone_number_id",
    )


async def test_outlet_of_another_tenant_is_not_found(tenant_stub):
    mine = await create_tenant(tenant_stub, slug="mine")
    theirs = await create_tenant(tenant_stub, slug="theirs")
    outlet = (
        await tenant_stub.CreateOutlet(
            pb.CreateOutletRequest(
                outlet=pb.Outlet(tenant_id=mine.id, name="A", waba_phone_number_id="42")
            )
        )
    ).outlet
    await expect(
        CODE.NOT_FOUND,
        tenant_stub.GetOutlet(pb.GetOutletRequest(tenant_id=theirs.id, outlet_id=outlet.id)),
    )


async def test_users_roles_and_lookup(tenant_stub):
    tenant = await create_tenant(tenant_stub)
    await expect(
        CODE.INVALID_ARGUMENT,
        tenant_stub.CreateUser(
            pb.CreateUserRequest(
                user=pb.User(tenant_id=tenant.id, firebase_uid="u1", email="a@b.es")
            )
        ),
        "role",
    )
    user = (
        await tenant_stub.CreateUser(
            pb.CreateUserRequest(
                user=pb.User(
                    tenant_id=tenant.id, firebase_uid="u1", email="a@b.es", role=pb.USER_ROLE_OWNER
                )
            )
        )
    ).user
    looked_up = await tenant_stub.LookupUser(pb.LookupUserRequest(firebase_uid="u1"))
    assert looked_up.user == user
    listed = await tenant_stub.ListUsers(
        pb.ListUsersRequest(tenant_id=tenant.id, role=pb.USER_ROLE_AGENT)
    )
    assert list(listed.users) == []


async def test_list_pages_with_tokens_and_rejects_forged_ones(tenant_stub):
    for i in range(3):
        await create_tenant(tenant_stub, slug=f"tenant-{i}")
    first = await tenant_stub.ListTenants(pb.ListTenantsRequest(page={"page_size": 2}))
    assert len(first.tenants) == 2 and first.page.next_page_token
    second = await tenant_stub.ListTenants(
        pb.ListTenantsRequest(page={"page_size": 2, "page_token": first.page.next_page_token})
    )
    assert [t.slug for t in second.tenants] == ["tenant-2"] and not second.page.next_page_token
    await expect(
        CODE.INVALID_ARGUMENT,
        tenant_stub.ListTenants(pb.ListTenantsRequest(page={"page_token": "forged!"})),
        "page_token",
    )
    await expect(
        CODE.INVALID_ARGUMENT,
        tenant_stub.ListTenants(pb.ListTenantsRequest(page={"page_size": -1})),
        "page_size",
    )


async def test_inactive_tenant_cannot_gain_outlets(tenant_stub):
    tenant = await create_tenant(tenant_stub)
    await tenant_stub.DeactivateTenant(pb.DeactivateTenantRequest(tenant_id=tenant.id))
    await expect(
        CODE.FAILED_PRECONDITION,
        tenant_stub.CreateOutlet(
            pb.CreateOutletRequest(
                outlet=pb.Outlet(tenant_id=tenant.id, name="A", waba_phone_number_id="43")
            )
        ),
        "inactive",
    )
