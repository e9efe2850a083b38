"""`crm run` as an operator uses it: nine processes, health, demo data, clean Ctrl-C."""

import asyncio
import signal
import sys
import uuid

import grpc
import httpx
import pytest
from crm.billing.v1 import billing_pb2, billing_pb2_grpc
from crm.tenant.v1 import tenant_pb2, tenant_pb2_grpc

from adapters.grpc.peers import open_channel
from adapters.grpc.scope_metadata import outgoing
from core.shared.scope import Scope
from services.catalog import SERVICES
from services.mesh_identity import credentials_of
from services.probe import status_of_all
from services.seed import DEMO_PHONE_NUMBER_ID, DEMO_SLUG
from services.tools.mesh import Mesh, mesh_environment

READY = "Mesh is up"


@pytest.fixture
async def mesh(empty_database_url, tmp_path):
    """The launcher on free ports and a fresh database; yields its settings and output."""
    env = mesh_environment(empty_database_url, tmp_path)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.cli", "run",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output: list[str] = []

    async def read_until_ready() -> None:
        async for raw in process.stdout:
            output.append(raw.decode(errors="replace"))
            if READY in output[-1]:
                return
        raise AssertionError("launcher exited before the mesh was up:\n" + "".join(output))

    await asyncio.wait_for(read_until_ready(), 90)
    settings = Mesh(env, tmp_path).settings
    yield settings, process, output, env
    if process.returncode is None:
        process.kill()
        await process.wait()


async def test_mesh_serves_all_nine_with_demo_data_and_stops_cleanly(mesh):
    settings, process, _output, env = mesh

    statuses = await status_of_all(settings, list(SERVICES))
    assert statuses == dict.fromkeys(SERVICES, "SERVING")

    # Without a certificate of the mesh a service is not even reachable; its probe port is.
    async with grpc.aio.insecure_channel(settings.address_of("tenant")) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await tenant_pb2_grpc.TenantServiceStub(channel).ResolveOutlet(
                tenant_pb2.ResolveOutletRequest(phone_number_id=DEMO_PHONE_NUMBER_ID), timeout=5
            )
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE

    # Called as a peer inside the mesh would (internal RPCs have no route through Envoy).
    platform = outgoing(Scope(None, "e2e"))
    async with open_channel(
        settings.address_of("tenant"), credentials_of(settings, "messaging")
    ) as channel:
        tenant_stub = tenant_pb2_grpc.TenantServiceStub(channel)
        resolved = await tenant_stub.ResolveOutlet(
            tenant_pb2.ResolveOutletRequest(phone_number_id=DEMO_PHONE_NUMBER_ID),
            metadata=platform,
        )
        assert resolved.tenant.slug == DEMO_SLUG

    as_orchestrator = credentials_of(settings, "orchestrator")
    async with open_channel(settings.address_of("billing"), as_orchestrator) as channel:
        billing = billing_pb2_grpc.BillingServiceStub(channel)
        in_tenant = outgoing(Scope(uuid.UUID(resolved.tenant.id), "e2e"))
        quota = await billing.CheckQuota(
            billing_pb2.CheckQuotaRequest(
                tenant_id=resolved.tenant.id, usage_type=billing_pb2.USAGE_TYPE_MESSAGES_IN
            ),
            metadata=in_tenant,
        )
        assert quota.allowed
        # The orchestrator checks quotas; the platform's price list is not its business.
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await billing.ListTiers(
                billing_pb2.ListTiersRequest(), metadata=outgoing(Scope(None, "e2e", "operator"))
            )
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED

    # The README's way in: a token from `crm admin token`, then curl (here httpx).
    tenant_id = resolved.tenant.id
    minted = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.cli", "admin", "token", "--tenant", DEMO_SLUG,
        "--role", "owner", env=env, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    token = (await minted.communicate())[0].decode().strip()
    assert minted.returncode == 0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{settings.gateway_port}") as client:
        tenant = await client.get(
            f"/v1/tenants/{tenant_id}", headers={"Authorization": f"Bearer {token}"}
        )
        assert tenant.status_code == 200, tenant.text
        assert (await client.get(f"/v1/tenants/{tenant_id}")).status_code == 401

    process.send_signal(signal.SIGINT)
    remaining = await asyncio.wait_for(process.stdout.read(), 30)
    assert await process.wait() == 0, "".join(_output) + remaining.decode()
    assert "stopped" in remaining.decode()
    statuses = await status_of_all(settings, list(SERVICES))
    assert set(statuses.values()) == {"UNAVAILABLE"}
