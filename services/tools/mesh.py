"""The local mesh as processes that tests and benchmarks start and stop one by one.

Names are the nine services, "cloud-api" and "payments" (the stand-ins), "gateway" (Envoy), and "all"
(every servicer in one process, to compare against the mesh). A service given several replicas
runs as processes "<service>/0", "<service>/1", ..., each on its own port; its name stands for
all of them, "<service>/<n>" for one.
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
from services.launcher import cloud_api_standin
from services.mesh_identity import credentials_folder
from services.probe import wait_until_serving
from services.seed import DEMO_STAFF
from services.settings import PROBE_PORT_OFFSET, Settings


def free_ports(count: int) -> list[int]:
    """Ports free now, each with the probe port a service would open beside it free too."""
    held: list[socket.socket] = []
    ports: list[int] = []
    while len(ports) < count:
        main, probe = socket.socket(), socket.socket()
        held += [main, probe]
        main.bind(("127.0.0.1", 0))
        port = main.getsockname()[1]
        try:
            probe.bind(("127.0.0.1", port + PROBE_PORT_OFFSET))
        except (OSError, OverflowError):
            continue
        ports.append(port)
    for s in held:
        s.close()
    return ports


def mesh_environment(
    database_url, data_dir: Path, replicas: dict[str, int] | None = None, **extra: str
) -> dict[str, str]:
    """Environment for a mesh on free ports, its own database and a short worker lease;
    `replicas` gives a service several processes (its <SERVICE>_REPLICA_PORTS)."""
    names = ["gateway", "gateway_admin", "cloud_api_standin", "payment_standin"]
    counts = {name: (replicas or {}).get(name, 1) for name in SERVICES}
    free = iter(free_ports(len(names) + sum(counts.values())))
    ports = {name: next(free) for name in names}
    replica_ports = {name: [next(free) for _ in range(n)] for name, n in counts.items()}
    ports |= {name: listed[0] for name, listed in replica_ports.items()}
    several = {name: listed for name, listed in replica_ports.items() if len(listed) > 1}
    return {
        **os.environ,
        "DATABASE_URL": plain(database_url),
        "DATA_DIR": str(data_dir),
        "WHATSAPP_API_BASE_URL": f"http://127.0.0.1:{ports['cloud_api_standin']}",
        "PAYMENT_BASE_URL": f"http://127.0.0.1:{ports['payment_standin']}",
        "MESSAGING_LEASE_SECONDS": "3",
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
        **{f"{name.upper()}_REPLICA_PORTS": ",".join(map(str, p)) for name, p in several.items()},
        **extra,
    }


class Mesh:
    """Each service, the Cloud API stand-in and Envoy, started and stopped at will."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.settings = _settings(env)
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
                    self.settings.address_of("order"), "--tls-dir",
                    str(credentials_folder(self.settings, "payments"))]  # fmt: skip
        if name == "cloud-api":
            return cloud_api_standin(self.settings)
        return [sys.executable, "-m", "services.cli", "serve", name]

    def members(self, name: str) -> list[str]:
        """The processes a name stands for: a replicated service's every replica."""
        if name in SERVICES and (count := len(self.settings.ports_of(name))) > 1:
            return [f"{name}/{i}" for i in range(count)]
        return [name]

    def _env_of(self, member: str) -> dict[str, str]:
        """A replica listens on its own port; every other process on the mesh's."""
        service, _, index = member.partition("/")
        if not index:
            return self.env
        port = self.settings.ports_of(service)[int(index)]
        return {**self.env, f"{service.upper()}_PORT": str(port)}

    async def start(self, *names: str) -> None:
        members = [member for name in names for member in self.members(name)]
        for member in members:
            log = (self.logs / f"{member.replace('/', '-')}.log").open("ab")
            self.processes[member] = await asyncio.create_subprocess_exec(
                *self._argv(member.partition("/")[0]),
                env=self._env_of(member), stdout=log, stderr=log,
            )  # fmt: skip
        await self._wait_serving(list(SERVICES) if "all" in names else members)
        if "gateway" in names:
            await gateway.wait_ready(self.settings, self.processes["gateway"])
        if "cloud-api" in names:
            await self._wait_http(f"{self.standin_url}/_standin/health")

    async def _wait_serving(self, members: list[str]) -> None:
        """Until every service process (each replica on its own port) reports SERVING."""
        waits = []
        for member in members:
            service = member.partition("/")[0]
            if service in SERVICES:  # asked at its own port alone, not at all its replicas'
                alone = {**self._env_of(member), f"{service.upper()}_REPLICA_PORTS": ""}
                waits.append(wait_until_serving(_settings(alone), [service], 60))
        for statuses in await asyncio.gather(*waits):
            assert set(statuses.values()) <= {"SERVING"}, statuses

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
        """Stop the process(es) a name stands for; the last exit code."""
        code = 0
        for member in self.members(name):
            process = self.processes.pop(member)
            if process.returncode is None:
                process.send_signal(signum)
            code = await asyncio.wait_for(process.wait(), 20)
        return code

    async def kill(self, name: str) -> int:
        """SIGKILL: no draining, no goodbye; what it held must be recovered by the others."""
        return await self.stop(name, signal.SIGKILL)

    async def restart(self, name: str) -> None:
        """Kill (SIGKILL) and start again on the same port(s)."""
        await self.kill(name)
        await self.start(name)

    async def stop_all(self) -> None:
        for name in list(self.processes):
            await self.stop(name)

    def log_of(self, name: str) -> str:
        return "".join(
            (self.logs / f"{member.replace('/', '-')}.log").read_text(errors="replace")
            for member in self.members(name)
        )


def _settings(env: dict[str, str]) -> Settings:
    fields = {k.lower(): v for k, v in env.items() if k.lower() in Settings.model_fields}
    return Settings(_env_file=None, **fields)
