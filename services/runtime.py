"""Serve one service: gRPC server with health and reflection, graceful stop on SIGTERM."""

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from adapters.grpc.status import DomainErrorInterceptor

log = logging.getLogger(__name__)

Register = Callable[[grpc.aio.Server], None]

# Documents arrive whole (the gateway accepts up to 36 MiB of JSON, base64 inflating 4/3).
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
SERVER_OPTIONS = [
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
]


def build_server(
    register: Register, service_names: Sequence[str]
) -> tuple[grpc.aio.Server, health.aio.HealthServicer]:
    """A server with the service's servicers, health checking and reflection added."""
    server = grpc.aio.server(interceptors=[DomainErrorInterceptor()], options=SERVER_OPTIONS)
    register(server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [*service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], server
    )
    return server, health_servicer


async def set_serving(
    health_servicer: health.aio.HealthServicer, service_names: Sequence[str], serving: bool
) -> None:
    status = (
        health_pb2.HealthCheckResponse.SERVING
        if serving
        else health_pb2.HealthCheckResponse.NOT_SERVING
    )
    for name in ("", *service_names):
        await health_servicer.set(name, status)


async def serve(
    name: str,
    address: str,
    register: Register,
    service_names: Sequence[str],
    grace_seconds: float,
) -> None:
    """Serve until SIGTERM or SIGINT, then drain: NOT_SERVING first, then stop with grace."""
    server, health_servicer = build_server(register, service_names)
    if server.add_insecure_port(address) == 0:
        raise SystemExit(f"{name}: cannot listen on {address}")
    await server.start()
    await set_serving(health_servicer, service_names, True)
    log.info("serving", extra={"address": address})

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()

    log.info("draining", extra={"grace_seconds": grace_seconds})
    await set_serving(health_servicer, service_names, False)
    await server.stop(grace_seconds)
    log.info("stopped")
