"""The local mesh as processes that tests and benchmarks start and stop one by one.

Names are the nine services, "cloud-api" and "payments" (the stand-ins), "gateway" (Envoy), and "all"
(every servicer in one process, to compare against the mesh).
"""

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx

from adapters.grpc.permissions import OPERATOR
from adapters.postgres.urls import plain
from core.tenant.model import UserRole
from services import admin_token, gateway
from services.catalog import SERVICES
from services.probe import wait_until_serving
from services.seed import DEMO_STAFF
from services.settings import Settings


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def mesh_environment(database_url, data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a mesh on free ports, its own database and a short worker lease."""
    names = [*SERVICES, "gateway", "gateway_admin", "cloud_api_standin", "payment_standin"]
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    return {
        **os.environ,
        "DATABASE_URL": plain(database_url),
        "DATA_DIR": str(data_dir),
        "WHATSAPP_API_BASE_URL": f"http://127.0.0.1:{ports['cloud_api_standin']}",
        "PAYMENT_BASE_URL": f"http://127.0.0.1:{ports['payment_standin']}",
        "MESSAGING_LEASE_SECONDS": "3",
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
        **extra,
    }


class Mesh:
    """Each service, the Cloud API stand-in and Envoy, started and stopped at will."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.settings = Settings(_env_file=None, **{k.lower(): v for k, v in env.items()
                                                    if k.lower() in Settings.model_fields})  # fmt: skip
        self.logs = logs
        self.processes: dict[str, asyncio.subprocess.Process] = {}

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.gateway_port}"

    @property
    def standin_url(self) -> str:
        return self.settings.whatsapp_api_base_url

    def token(self, role: str = "owner", expires_in: float = 600.0) -> str:
        """A token the gateway accepts: the demo tenant's user with `role`, or an operator."""
        if role == OPERATOR:
            uid, claims = admin_token.OPERATOR_UID, {"crm_role": OPERATOR}
        else:
            uid, claims = DEMO_STAFF[UserRole(role)][0], {}
        return admin_token.issuer(self.settings).mint(uid, expires_in, **claims)

    def bearer(self, role: str = "owner") -> dict[str, str]:
        """Authorization headers for the admin API (REST, or gRPC through the gateway)."""
        return {"authorization": f"Bearer {self.token(role)}"}

    def _argv(self, name: str) -> list[str]:
        if name == "gateway":
            config = gateway.write_local(self.settings)
            return [str(gateway.envoy_binary()), "-c", str(config), "--log-level", "warn",
                    "--disable-hot-restart"]  # fmt: skip
        if name == "payments":
            return [sys.executable, "-m", "adapters.local.payment_standin", "--port",
                    str(self.settings.payment_standin_port), "--order-address",
                    self.settings.address_of("order")]  # fmt: skip
        if name == "cloud-api":
            return [sys.executable, "-m", "adapters.local.cloud_api_standin", "--port",
                    str(self.settings.cloud_api_standin_port), "--token",
                    self.settings.whatsapp_token]  # fmt: skip
        return [sys.executable, "-m", "services.cli", "serve", name]

    async def start(self, *names: str) -> None:
        for name in names:
            log = (self.logs / f"{name}.log").open("ab")
            self.processes[name] = await asyncio.create_subprocess_exec(
                *self._argv(name), env=self.env, stdout=log, stderr=log
            )
        services = list(SERVICES) if "all" in names else [n for n in names if n in SERVICES]
        statuses = await wait_until_serving(self.settings, services, within_seconds=60)
        assert set(statuses.values()) <= {"SERVING"}, statuses
        if "gateway" in names:
            await gateway.wait_ready(self.settings, self.processes["gateway"])
        if "cloud-api" in names:
            await self._wait_http(f"{self.standin_url}/_standin/health")

    async def _wait_http(self, url: str) -> None:
        async with httpx.AsyncClient() as client:
            for _ in range(100):
                try:
                    if (await client.get(url)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise AssertionError(f"{url} never answered")

    async def stop(self, name: str, signum: int = signal.SIGTERM) -> int:
        process = self.processes.pop(name)
        if process.returncode is None:
            process.send_signal(signum)
        return await asyncio.wait_for(process.wait(), 20)

    async def stop_all(self) -> None:
        for name in list(self.processes):
            await self.stop(name)

    def log_of(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")
