"""What the request guards cost per call: the same unary call to a tenant servicer, bare over
plaintext, with the interceptors `serve` adds (access with the real table, protovalidate), and
also over mutual TLS as `serve` serves it; CPU microseconds of this process (client and server
both live here).

The servicer answers from memory, so the difference is the guards' own cost, not the work's.
"""

import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import grpc
from crm.tenant.v1 import tenant_pb2 as pb
from crm.tenant.v1 import tenant_pb2_grpc

from adapters.grpc.access import AccessInterceptor, NoUsers
from adapters.grpc.scope_metadata import outgoing
from adapters.grpc.service_identity import PeerPolicy
from adapters.local.mesh_ca import LocalMeshCA
from core.shared.scope import Scope
from services.catalog import CALLS
from services.runtime import build_server

TIMED_CALLS = 2000
ROUNDS = 5  # the variants alternate, and each figure is the median of its rounds
TENANT = "crm.tenant.v1.TenantService"
# (interceptors, mutual TLS): bare, checked, served as `serve` serves.
VARIANTS = ((False, False), (True, False), (True, True))


class Answering(tenant_pb2_grpc.TenantServiceServicer):
    async def GetTenant(self, request, context):
        return pb.GetTenantResponse(tenant=pb.Tenant(id=request.tenant_id, name="bench"))


async def _cpu_per_call(ca: LocalMeshCA, interceptors: bool, tls: bool) -> float:
    def register(server: grpc.aio.Server) -> None:
        tenant_pb2_grpc.add_TenantServiceServicer_to_server(Answering(), server)

    if interceptors:
        peers = PeerPolicy.of(CALLS) if tls else PeerPolicy.unchecked()  # no names without TLS
        access = AccessInterceptor(NoUsers(), peers)
        server, _ = build_server(register, [TENANT], access)
    else:
        server = grpc.aio.server()
        register(server)
    if tls:
        port = server.add_secure_port("127.0.0.1:0", ca.credentials("tenant").for_server())
        address = f"127.0.0.1:{port}"
        channel = grpc.aio.secure_channel(address, ca.credentials("booking").for_channel())
    else:
        port = server.add_insecure_port("127.0.0.1:0")
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    await server.start()
    tenant = uuid.uuid4()
    request = pb.GetTenantRequest(tenant_id=str(tenant))
    metadata = outgoing(Scope(tenant, "bench"))
    stub = tenant_pb2_grpc.TenantServiceStub(channel)
    try:
        for _ in range(200):  # connection, handshake and caches warm
            await stub.GetTenant(request, metadata=metadata)
        started = time.process_time()
        for _ in range(TIMED_CALLS):
            await stub.GetTenant(request, metadata=metadata)
        return (time.process_time() - started) / TIMED_CALLS
    finally:
        await channel.close()
        await server.stop(None)


async def run() -> dict:
    with tempfile.TemporaryDirectory() as directory:
        ca = LocalMeshCA(Path(directory))
        rounds = [
            [await _cpu_per_call(ca, *variant) for variant in VARIANTS] for _ in range(ROUNDS)
        ]
    bare, checked, served = (statistics.median(column) for column in zip(*rounds, strict=True))
    return {
        "calls": TIMED_CALLS * ROUNDS,
        "bare_cpu_us_per_call": round(bare * 1e6, 1),
        "interceptors_cpu_us_per_call": round((checked - bare) * 1e6, 1),
        "mutual_tls_cpu_us_per_call": round((served - checked) * 1e6, 1),
    }


if __name__ == "__main__":
    print(asyncio.run(run()))
