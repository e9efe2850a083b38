"""`crm run` as an operator uses it: nine processes, health, demo data, clean Ctrl-C."""

import asyncio
import signal
import sys

import grpc
import pytest
from crm.billing.v1 import billing_pb2, billing_pb2_grpc
from crm.tenant.v1 import tenant_pb2, tenant_pb2_grpc

from services.catalog import SERVICES
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
    yield settings, process, output
    if process.returncode is None:
        process.kill()
        await process.wait()


async def test_mesh_serves_all_nine_with_demo_data_and_stops_cleanly(mesh):
    settings, process, _output = mesh

    statuses = await status_of_all(settings, list(SERVICES))
    assert statuses == dict.fromkeys(SERVICES, "SERVING")

    async with grpc.aio.insecure_channel(settings.address_of("tenant")) as channel:
        tenant_stub = tenant_pb2_grpc.TenantServiceStub(channel)
        resolved = await tenant_stub.ResolveOutlet(
            tenant_pb2.ResolveOutletRequest(phone_number_id=DEMO_PHONE_NUMBER_ID)
        )
        assert resolved.tenant.slug == DEMO_SLUG

    async with grpc.aio.insecure_channel(settings.address_of("billing")) as channel:
        # Served for real now: answers (with whatever tiers the seed has put in).
        await billing_pb2_grpc.BillingServiceStub(channel).ListTiers(billing_pb2.ListTiersRequest())

    process.send_signal(signal.SIGINT)
    remaining = await asyncio.wait_for(process.stdout.read(), 30)
    assert await process.wait() == 0, "".join(_output) + remaining.decode()
    assert "stopped" in remaining.decode()
    statuses = await status_of_all(settings, list(SERVICES))
    assert set(statuses.values()) == {"UNAVAILABLE"}
