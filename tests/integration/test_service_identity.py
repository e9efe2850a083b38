"""Service identity: each service serves only members of the mesh, honours a user's token only
from the gateway, and scope metadata only for the RPCs each member makes (services.catalog.CALLS).

Every service is served as `serve` serves it (mutual TLS, the access interceptor with the real
table), behind its generated base servicer: a call that gets past access and validation answers
UNIMPLEMENTED, so "served" and "refused" are told apart without any storage.
"""

import base64
import importlib
import json

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from adapters.grpc.access import AccessInterceptor, NoUsers
from adapters.grpc.identity import PAYLOAD_HEADER
from adapters.grpc.permissions import OPERATOR, SERVICE, roles_for
from adapters.grpc.scope_metadata import outgoing
from adapters.grpc.service_identity import GATEWAY, PeerPolicy
from adapters.local.mesh_ca import LocalMeshCA
from core.shared.scope import Scope
from services.catalog import CALLS, DIALS, SERVICES
from services.runtime import build_probe_server, build_server, set_serving

MEMBERS = sorted({*DIALS, GATEWAY})
REFUSED_AT_THE_DOOR = grpc.StatusCode.UNAVAILABLE  # the TLS handshake fails: no call is made
CODE = grpc.StatusCode


def method_for(service: str, role: str) -> tuple[str, type] | None:
    """A method of the service that `role` may call, and its request type."""
    spec = SERVICES[service]
    module = importlib.import_module(f"crm.{service}.v1.{service}_pb2")
    for method in spec.descriptor().methods:
        path = f"/{spec.grpc_service}/{method.name}"
        if role in (roles_for(path) or ()):
            return path, getattr(module, method.input_type.name)
    return None


def operator_token() -> str:
    payload = json.dumps({"sub": "op-1", "crm_role": OPERATOR}).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> LocalMeshCA:
    return LocalMeshCA(tmp_path_factory.mktemp("pki"))


@pytest.fixture(params=list(SERVICES))
async def served(request, ca):
    """One service on a TLS port (its own certificate) and its plaintext probe port."""
    service = request.param
    spec = SERVICES[service]
    servicer = getattr(spec.grpc_module(), f"{spec.pascal}ServiceServicer")()
    access = AccessInterceptor(NoUsers(), PeerPolicy.of(CALLS))
    server, health = build_server(lambda s: spec.adder()(servicer, s), [spec.grpc_service], access)
    port = server.add_secure_port("127.0.0.1:0", ca.credentials(service).for_server())
    probes = build_probe_server(health, [spec.grpc_service])
    probe_port = probes.add_insecure_port("127.0.0.1:0")
    await server.start()
    await probes.start()
    await set_serving(health, [spec.grpc_service], True)
    yield service, f"127.0.0.1:{port}", f"127.0.0.1:{probe_port}"
    await server.stop(None)
    await probes.stop(None)


def as_permitted(service: str, rpc: str) -> tuple:
    """Scope metadata in a role the RPC's table admits (a peer acts for a user at times)."""
    roles = roles_for(called(service, rpc)[0]) or ()
    return outgoing(Scope(None, "peer", SERVICE if SERVICE in roles else min(roles)))


def called(service: str, rpc: str) -> tuple[str, type]:
    """The path and request type of one RPC of the service."""
    spec = SERVICES[service]
    module = importlib.import_module(f"crm.{service}.v1.{service}_pb2")
    method = spec.descriptor().methods_by_name[rpc]
    return f"/{spec.grpc_service}/{rpc}", getattr(module, method.input_type.name)


async def code_of(
    channel: grpc.aio.Channel,
    service: str,
    metadata=(),
    role: str = SERVICE,
    rpc: str | None = None,
) -> grpc.StatusCode:
    found = called(service, rpc) if rpc else method_for(service, role)
    assert found, f"no method of {service} for {role}"
    path, request_type = found
    call = channel.unary_unary(
        path, request_serializer=request_type.SerializeToString, response_deserializer=bytes
    )
    try:
        await call(request_type(), metadata=metadata, timeout=5)
    except grpc.aio.AioRpcError as failure:
        return failure.code()
    return CODE.OK


def as_member(ca: LocalMeshCA, address: str, *members: str) -> grpc.aio.Channel:
    return grpc.aio.secure_channel(address, ca.credentials(*members).for_channel())


async def test_without_a_certificate_of_the_mesh_nothing_is_served(served, tmp_path):
    service, address, _ = served
    scope = outgoing(Scope(None, "intruder"))
    async with grpc.aio.insecure_channel(address) as plaintext:
        assert await code_of(plaintext, service, scope) == REFUSED_AT_THE_DOOR
    ca_only = grpc.ssl_channel_credentials(LocalMeshCA(tmp_path).credentials("x").ca)
    async with grpc.aio.secure_channel(address, ca_only) as anonymous:
        assert await code_of(anonymous, service, scope) == REFUSED_AT_THE_DOOR
    # A certificate that names a real caller, from a CA that is not the mesh's.
    callers = sorted(m for m, dialled in DIALS.items() if service in dialled)
    forged = LocalMeshCA(tmp_path / "forged").credentials(callers[0])
    async with grpc.aio.secure_channel(address, forged.for_channel()) as channel:
        assert await code_of(channel, service, scope) == REFUSED_AT_THE_DOOR


async def test_scope_is_honoured_only_for_the_rpcs_each_member_makes(served, ca):
    service, address, _ = served
    every = {m.name for m in SERVICES[service].descriptor().methods}
    for member in MEMBERS:
        made = CALLS.get(member, {}).get(service, frozenset())
        async with as_member(ca, address, member) as channel:
            for rpc in sorted(made):  # served: past access, into the bare servicer
                code = await code_of(channel, service, as_permitted(service, rpc), rpc=rpc)
                assert code == CODE.UNIMPLEMENTED, (member, service, rpc)
            for rpc in sorted(every - made)[:3]:
                code = await code_of(channel, service, as_permitted(service, rpc), rpc=rpc)
                assert code == CODE.PERMISSION_DENIED, (member, service, rpc)


async def test_a_member_taken_over_cannot_list_every_tenant(ca):
    """Knowledge parses untrusted PDFs; it reads the tenant directory, never the platform's list."""
    spec = SERVICES["tenant"]
    servicer = getattr(spec.grpc_module(), f"{spec.pascal}ServiceServicer")()
    access = AccessInterceptor(NoUsers(), PeerPolicy.of(CALLS))
    server, _ = build_server(lambda s: spec.adder()(servicer, s), [spec.grpc_service], access)
    port = server.add_secure_port("127.0.0.1:0", ca.credentials("tenant").for_server())
    await server.start()
    try:
        platform = outgoing(Scope(None, "knowledge", "operator"))
        async with as_member(ca, f"127.0.0.1:{port}", "knowledge") as channel:
            path, request_type = called("tenant", "ListTenants")
            listing = channel.unary_unary(path, request_type.SerializeToString, bytes)
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await listing(request_type(), metadata=platform, timeout=5)
        assert refused.value.code() == CODE.PERMISSION_DENIED
        assert "knowledge does not make /crm.tenant.v1.TenantService/ListTenants" in (
            refused.value.details()
        )
    finally:
        await server.stop(None)


async def test_a_users_token_is_honoured_only_from_the_gateway(served, ca):
    service, address, _ = served
    forwarded = ((PAYLOAD_HEADER, operator_token()),)
    if method_for(service, OPERATOR):  # some services serve only the mesh
        async with as_member(ca, address, GATEWAY) as channel:
            assert await code_of(channel, service, forwarded, OPERATOR) == CODE.UNIMPLEMENTED
    for member in sorted(DIALS):
        async with as_member(ca, address, member) as channel:
            assert await code_of(channel, service, forwarded) == CODE.PERMISSION_DENIED, member


async def test_a_process_serving_several_services_is_each_of_them(served, ca):
    service, address, _ = served
    callers = {m for m, dialled in DIALS.items() if service in dialled}
    outsider, caller = min(set(MEMBERS) - callers), min(callers)
    rpc = min(CALLS[caller][service])
    async with as_member(ca, address, outsider, caller) as channel:
        code = await code_of(channel, service, as_permitted(service, rpc), rpc=rpc)
        assert code == CODE.UNIMPLEMENTED


async def test_health_and_reflection_answer_anyone_on_the_probe_port(served):
    service, _, probes = served
    async with grpc.aio.insecure_channel(probes) as channel:
        answer = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=SERVICES[service].grpc_service)
        )
        assert answer.status == health_pb2.HealthCheckResponse.SERVING
        assert await code_of(channel, service) == CODE.UNIMPLEMENTED  # the service is not here
