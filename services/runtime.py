"""Serve one service: gRPC server with health and reflection, graceful stop on SIGTERM.

The service itself is served over mutual TLS to members of the mesh alone; health and
reflection are also served in plaintext on a probe port, for the kubelet and for tools.
"""

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from adapters.grpc.access import AccessInterceptor
from adapters.grpc.service_identity import MeshCredentials
from adapters.grpc.status import DomainErrorInterceptor
from adapters.grpc.validation import ValidationInterceptor

log = logging.getLogger(__name__)

Register = Callable[[grpc.aio.Server], None]

# Documents arrive whole (the gateway accepts up to 36 MiB of JSON, base64 inflating 4/3).
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
SERVER_OPTIONS = [
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
]


def build_server(
    register: Register, service_names: Sequence[str], access: AccessInterceptor | None = None
) -> tuple[grpc.aio.Server, health.aio.HealthServicer]:
    """A server with the service's servicers, health checking and reflection added.

    With `access`, every call is checked against the permission table and runs in its
    caller's scope; a server without it (a test of one servicer) trusts every call. Requests
    are checked against their contract's rules after access, so a stranger learns nothing.
    """
    interceptors = [
        DomainErrorInterceptor(),
        *([access] if access else []),
        ValidationInterceptor(),
    ]
    server = grpc.aio.server(interceptors=interceptors, options=SERVER_OPTIONS)
    register(server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    _enable_reflection(server, service_names)
    return server, health_servicer


def _enable_reflection(server: grpc.aio.Server, service_names: Sequence[str]) -> None:
    reflection.enable_server_reflection(
        [*service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], server
    )


def build_probe_server(
    health_servicer: health.aio.HealthServicer, service_names: Sequence[str]
) -> grpc.aio.Server:
    """Health and reflection alone, for callers without a certificate of the mesh."""
    server = grpc.aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    _enable_reflection(server, service_names)
    return server


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


@dataclass(frozen=True)
class Unit:
    """One gRPC server to run: a service on its address, its probes on another."""

    name: str
    address: str
    probe_address: str
    register: Register
    service_names: Sequence[str]


async def serve(
    units: Sequence[Unit],
    grace_seconds: float,
    access: AccessInterceptor,
    credentials: MeshCredentials,
) -> None:
    """Serve until SIGTERM or SIGINT, then drain: NOT_SERVING first, then stop with grace."""
    running = []
    for unit in units:
        server, health_servicer = build_server(unit.register, unit.service_names, access)
        if server.add_secure_port(unit.address, credentials.for_server()) == 0:
            raise SystemExit(f"{unit.name}: cannot listen on {unit.address}")
        probes = build_probe_server(health_servicer, unit.service_names)
        if probes.add_insecure_port(unit.probe_address) == 0:
            raise SystemExit(f"{unit.name}: cannot listen for probes on {unit.probe_address}")
        await server.start()
        await probes.start()
        await set_serving(health_servicer, unit.service_names, True)
        log.info("serving %s", unit.name, extra={"address": unit.address})
        running.append((unit, health_servicer, (server, probes)))

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()

    log.info("draining", extra={"grace_seconds": grace_seconds})
    for unit, health_servicer, _ in running:
        await set_serving(health_servicer, unit.service_names, False)
    servers = [server for _, _, pair in running for server in pair]
    await asyncio.gather(*(server.stop(grace_seconds) for server in servers))
    log.info("stopped")
