"""The access interceptor on a real grpc.aio server: who the caller is, what their role allows,
which tenant they may name, and the scope the handler and its peer calls run in."""

import base64
import json
import uuid

import grpc
import pytest
from crm.tenant.v1 import tenant_pb2 as pb
from crm.tenant.v1 import tenant_pb2_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from adapters.grpc.access import AccessInterceptor
from adapters.grpc.identity import PAYLOAD_HEADER, GrpcUserDirectory, StaffMember
from adapters.grpc.peers import call, open_channel
from adapters.grpc.scope_metadata import outgoing
from adapters.grpc.service_identity import PeerPolicy
from adapters.grpc.tenant_servicer import TenantServicer
from core.shared.scope import Scope, acting_for, current
from core.tenant import commands as c
from core.tenant import handlers
from core.tenant.model import UserRole
from services.runtime import build_server, set_serving
from services.tools.mesh import free_ports

from .grpc_support import expect

CODE = grpc.StatusCode
TENANT = "crm.tenant.v1.TenantService"
A = uuid.UUID("6f1c1d7e-0000-4000-8000-00000000000a")
B = uuid.UUID("6f1c1d7e-0000-4000-8000-00000000000b")


def signed_in(uid: str, **claims) -> tuple[tuple[str, str], ...]:
    """What the gateway forwards after verifying a token: its payload, base64url."""
    payload = json.dumps({"sub": uid, **claims}).encode()
    return ((PAYLOAD_HEADER, base64.urlsafe_b64encode(payload).decode().rstrip("=")),)


class Echo(tenant_pb2_grpc.TenantServiceServicer):
    """Answers with the scope each handler ran in: tenant as id, role as name, caller as slug."""

    def __init__(self, peer: tenant_pb2_grpc.TenantServiceStub | None = None) -> None:
        self.peer = peer

    def _echo(self) -> pb.Tenant:
        scope = current()
        assert scope is not None
        return pb.Tenant(id=str(scope.tenant_id or "*"), name=scope.role, slug=scope.caller)

    async def GetTenant(self, request, context):
        return pb.GetTenantResponse(tenant=self._echo())

    async def ListTenants(self, request, context):
        return pb.ListTenantsResponse(tenants=[self._echo()])

    async def ListOutlets(self, request, context):
        return pb.ListOutletsResponse(outlets=[pb.Outlet(tenant_id=request.tenant_id)])

    async def UpdateTenant(self, request, context):
        return pb.UpdateTenantResponse(tenant=request.tenant)

    async def ResolveOutlet(self, request, context):
        # A handler's peer call: the peer must see the same scope, never a wider one.
        assert self.peer is not None
        return await call(self.peer.ResolveOutlet, request)


class Directory:
    def __init__(self, members: dict[str, StaffMember]) -> None:
        self.members = members

    async def member(self, uid: str) -> StaffMember | None:
        return self.members.get(uid)


MEMBERS = {
    "owner-a": StaffMember(A, "owner", ""),
    "agent-a": StaffMember(A, "agent", ""),
    "pooled": StaffMember(B, "admin", "acme-pool"),
}


@pytest.fixture
async def serve():
    started = []

    async def start(servicer, users=None) -> grpc.aio.Channel:
        access = AccessInterceptor(users or Directory(MEMBERS), PeerPolicy.unchecked())
        server, health = build_server(
            lambda s: tenant_pb2_grpc.add_TenantServiceServicer_to_server(servicer, s),
            [TENANT],
            access,
        )
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        await set_serving(health, [TENANT], True)
        channel = open_channel(f"127.0.0.1:{port}")
        started.append((server, channel))
        return channel

    yield start
    for server, channel in started:
        await channel.close()
        await server.stop(None)


@pytest.fixture
async def echo(serve):
    return tenant_pb2_grpc.TenantServiceStub(await serve(Echo()))


async def test_no_identity_is_unauthenticated_except_for_public_methods(serve):
    channel = await serve(Echo())
    tenants = tenant_pb2_grpc.TenantServiceStub(channel)
    details = await expect(CODE.UNAUTHENTICATED, tenants.GetTenant(pb.GetTenantRequest()))
    assert "Bearer" in details
    health = health_pb2_grpc.HealthStub(channel)
    answer = await health.Check(health_pb2.HealthCheckRequest(service=TENANT))
    assert answer.status == health_pb2.HealthCheckResponse.SERVING


async def test_a_staff_member_acts_for_their_tenant_in_their_role(echo):
    got = await echo.GetTenant(pb.GetTenantRequest(tenant_id=str(A)), metadata=signed_in("owner-a"))
    assert (got.tenant.id, got.tenant.name, got.tenant.slug) == (str(A), "owner", "owner-a")


async def test_another_tenant_is_not_found_and_reveals_nothing(echo):
    for other in (str(B), "-", "not-a-tenant"):
        details = await expect(
            CODE.NOT_FOUND,
            echo.GetTenant(pb.GetTenantRequest(tenant_id=other), metadata=signed_in("owner-a")),
        )
        assert details == f"tenant {other} not found"
    nested = pb.UpdateTenantRequest(tenant=pb.Tenant(id=str(B), name="mine now"))
    await expect(CODE.NOT_FOUND, echo.UpdateTenant(nested, metadata=signed_in("owner-a")))


async def test_an_empty_tenant_is_the_callers_own(echo):
    listed = await echo.ListOutlets(pb.ListOutletsRequest(), metadata=signed_in("agent-a"))
    assert listed.outlets[0].tenant_id == str(A)
    updated = await echo.UpdateTenant(
        pb.UpdateTenantRequest(tenant=pb.Tenant(name="x")), metadata=signed_in("owner-a")
    )
    assert updated.tenant.id == str(A)


async def test_a_role_the_table_does_not_allow_is_denied_by_name(echo):
    details = await expect(
        CODE.PERMISSION_DENIED,
        echo.ListTenants(pb.ListTenantsRequest(), metadata=signed_in("owner-a")),
    )
    assert details == f"role owner may not call /{TENANT}/ListTenants"
    details = await expect(
        CODE.PERMISSION_DENIED,
        echo.UpdateTenant(pb.UpdateTenantRequest(), metadata=signed_in("agent-a")),
    )
    assert "role agent" in details


async def test_unknown_users_and_tokens_of_another_firebase_tenant_are_denied(echo):
    request = pb.GetTenantRequest(tenant_id=str(B))
    await expect(CODE.PERMISSION_DENIED, echo.GetTenant(request, metadata=signed_in("stranger")))
    # The user signs in through their business's Firebase tenant, and only through it.
    await expect(CODE.PERMISSION_DENIED, echo.GetTenant(request, metadata=signed_in("pooled")))
    other_pool = signed_in("pooled", firebase={"tenant": "other-pool"})
    await expect(CODE.PERMISSION_DENIED, echo.GetTenant(request, metadata=other_pool))
    own_pool = signed_in("pooled", firebase={"tenant": "acme-pool"})
    assert (await echo.GetTenant(request, metadata=own_pool)).tenant.name == "admin"


async def test_an_operator_acts_for_the_one_tenant_named_or_for_the_platform(echo):
    operator = signed_in("op-1", crm_role="operator")
    got = await echo.GetTenant(pb.GetTenantRequest(tenant_id=str(B)), metadata=operator)
    assert (got.tenant.id, got.tenant.name) == (str(B), "operator")
    listed = await echo.ListTenants(pb.ListTenantsRequest(), metadata=operator)
    assert listed.tenants[0].id == "*"
    in_a_pool = signed_in("op-1", crm_role="operator", firebase={"tenant": "acme-pool"})
    await expect(
        CODE.PERMISSION_DENIED, echo.ListTenants(pb.ListTenantsRequest(), metadata=in_a_pool)
    )


async def test_a_peer_is_trusted_as_its_scope_and_no_wider(echo):
    peer = outgoing(Scope(A, "inbox", "service"))
    got = await echo.GetTenant(pb.GetTenantRequest(tenant_id=str(A)), metadata=peer)
    assert (got.tenant.id, got.tenant.name, got.tenant.slug) == (str(A), "service", "inbox")
    await expect(
        CODE.NOT_FOUND, echo.GetTenant(pb.GetTenantRequest(tenant_id=str(B)), metadata=peer)
    )
    await expect(CODE.PERMISSION_DENIED, echo.ListTenants(pb.ListTenantsRequest(), metadata=peer))

    platform = outgoing(Scope(None, "sweeper", "service"))
    got = await echo.GetTenant(pb.GetTenantRequest(tenant_id=str(B)), metadata=platform)
    assert got.tenant.id == str(B)  # narrowed to the tenant it names


async def test_a_verified_token_outranks_scope_metadata(echo):
    forged = signed_in("owner-a") + outgoing(Scope(None, "me", "operator"))
    await expect(CODE.PERMISSION_DENIED, echo.ListTenants(pb.ListTenantsRequest(), metadata=forged))


@pytest.mark.parametrize(
    "metadata",
    [
        (("x-crm-tenant", "everyone"), ("x-crm-role", "service")),
        ((PAYLOAD_HEADER, "%%%"),),
    ],
)
async def test_malformed_identity_is_unauthenticated(echo, metadata):
    await expect(CODE.UNAUTHENTICATED, echo.GetTenant(pb.GetTenantRequest(), metadata=metadata))


class Recorder(Echo):
    async def ResolveOutlet(self, request, context):
        return pb.ResolveOutletResponse(tenant=self._echo())


async def test_a_handlers_peer_calls_carry_its_scope(serve):
    recorder = tenant_pb2_grpc.TenantServiceStub(await serve(Recorder()))
    front = tenant_pb2_grpc.TenantServiceStub(await serve(Echo(peer=recorder)))
    with acting_for(A, "inbox"):
        answer = await call(front.ResolveOutlet, pb.ResolveOutletRequest(phone_number_id="1"))
    assert (answer.tenant.id, answer.tenant.slug) == (str(A), "inbox")


@pytest.fixture
async def tenant_service(tenant_uow):
    """The real TenantService whose interceptor looks users up in itself, remembering nothing."""
    (port,) = free_ports(1)
    users = GrpcUserDirectory(f"127.0.0.1:{port}", cache_seconds=0)
    server, _ = build_server(
        lambda s: tenant_pb2_grpc.add_TenantServiceServicer_to_server(
            TenantServicer(tenant_uow), s
        ),
        [TENANT],
        AccessInterceptor(users, PeerPolicy.unchecked()),
    )
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    async with open_channel(f"127.0.0.1:{port}") as channel:
        yield tenant_pb2_grpc.TenantServiceStub(channel)
    await users.aclose()
    await server.stop(None)


async def staff_of(tenant_uow, slug: str, uid: str):
    tenant = await handlers.create_tenant(c.CreateTenant(name=slug, slug=slug), tenant_uow())
    command = c.CreateUser(tenant.id, uid, f"{uid}@b.es", UserRole.ADMIN)
    return tenant, await handlers.create_user(command, tenant_uow())


async def test_users_come_from_the_tenant_service_and_a_deactivated_one_is_denied(
    tenant_uow, tenant_service
):
    tenant, user = await staff_of(tenant_uow, "casa", "fb-1")
    request = pb.GetTenantRequest(tenant_id=str(tenant.id))
    got = await tenant_service.GetTenant(request, metadata=signed_in("fb-1"))
    assert got.tenant.slug == "casa"
    await handlers.deactivate_user(tenant.id, user.id, tenant_uow())
    await expect(
        CODE.PERMISSION_DENIED, tenant_service.GetTenant(request, metadata=signed_in("fb-1"))
    )


async def test_the_staff_of_a_deactivated_tenant_are_denied(tenant_uow, tenant_service):
    tenant, _ = await staff_of(tenant_uow, "gone", "fb-2")
    request = pb.ListOutletsRequest(tenant_id=str(tenant.id))
    await tenant_service.ListOutlets(request, metadata=signed_in("fb-2"))
    await handlers.deactivate_tenant(tenant.id, tenant_uow())
    await expect(
        CODE.PERMISSION_DENIED, tenant_service.ListOutlets(request, metadata=signed_in("fb-2"))
    )
