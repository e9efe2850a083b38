"""grpc_health_probe in Python: ask each service's grpc.health.v1 endpoint how it is, at its
probe port (plaintext, health and reflection alone)."""

import asyncio

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from .settings import Settings


async def status_of(address: str, deadline_seconds: float = 2.0) -> str:
    """SERVING, NOT_SERVING, or why the check failed (e.g. UNAVAILABLE)."""
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=deadline_seconds)
        except grpc.aio.AioRpcError as error:
            return error.code().name
    return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)


async def status_of_all(settings: Settings, names: list[str]) -> dict[str, str]:
    results = await asyncio.gather(*(status_of(settings.probe_address_of(n)) for n in names))
    return dict(zip(names, results, strict=True))


async def wait_until_serving(
    settings: Settings, names: list[str], within_seconds: float
) -> dict[str, str]:
    """Poll until every service reports SERVING or the timeout passes; the last statuses."""
    deadline = asyncio.get_running_loop().time() + within_seconds
    while True:
        statuses = await status_of_all(settings, names)
        if all(s == "SERVING" for s in statuses.values()):
            return statuses
        if asyncio.get_running_loop().time() > deadline:
            return statuses
        await asyncio.sleep(0.2)
