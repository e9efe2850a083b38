"""`make run`: database ready, nine service processes, a demo tenant, one Ctrl-C stops all."""

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import gateway
from .catalog import SERVICES
from .database import prepare
from .demo.knowledge import seed_demo_documents
from .demo.templates import seed_demo_templates
from .mesh_identity import credentials_folder
from .probe import wait_until_serving
from .seed import DEMO_BUSINESS_ACCOUNT_ID, DEMO_PHONE_NUMBER_ID, seed_demo_business
from .settings import Settings

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
console = Console()
COLOURS = [
    "cyan",
    "magenta",
    "green",
    "yellow",
    "blue",
    "red",
    "bright_cyan",
    "bright_magenta",
    "bright_green",
]


def relayed(name: str, colour: str, width: int, line: str) -> Text:
    """A child's line under its coloured name; the line itself is plain text, never markup:
    a log line naming "[/crm.conversation.v1.ConversationService/...]" once crashed the relay."""
    return Text.assemble((f"{name:<{width}}", colour), " | ", line)


async def _relay(name: str, colour: str, stream: asyncio.StreamReader) -> None:
    """Each child's log lines, prefixed with its name so nine streams stay readable."""
    width = max(len(n) for n in [*SERVICES, "cloud-api", "payments", "gateway"])
    async for raw in stream:
        line = raw.decode(errors="replace").rstrip()
        console.print(relayed(name, colour, width, line), highlight=False, soft_wrap=True)


def _die_with_launcher() -> None:
    """In the child: receive SIGTERM if the launcher dies, so no process outlives it."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


async def _spawn(argv: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *argv, env=env, preexec_fn=_die_with_launcher,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


def cloud_api_standin(settings: Settings) -> list[str]:
    """The Cloud API stand-in, knowing the demo number's business account (its templates)."""
    return [
        sys.executable, "-m", "adapters.local.cloud_api_standin",
        "--port", str(settings.cloud_api_standin_port), "--token", settings.whatsapp_token,
        "--number", f"{DEMO_PHONE_NUMBER_ID}={DEMO_BUSINESS_ACCOUNT_ID}",
    ]  # fmt: skip


def _programs(settings: Settings) -> dict[str, list[str]]:
    """Every process of the local mesh: the Cloud API and payment stand-ins, nine services,
    the Envoy gateway."""
    python = [sys.executable, "-m"]
    payments = [
        *python, "adapters.local.payment_standin", "--port", str(settings.payment_standin_port),
        "--order-address", settings.address_of("order"),
        "--tls-dir", str(credentials_folder(settings, "payments")),
    ]  # fmt: skip
    services = {name: [*python, "services.cli", "serve", name] for name in SERVICES}
    envoy = [
        str(gateway.envoy_binary()), "-c", str(gateway.write_local(settings)),
        "--log-level", "warn", "--disable-hot-restart",
    ]  # fmt: skip
    return {
        "cloud-api": cloud_api_standin(settings),
        "payments": payments,
        **services,
        "gateway": envoy,
    }


async def _stop(processes: dict[str, asyncio.subprocess.Process], grace: float) -> None:
    for process in processes.values():
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    waits = [p.wait() for p in processes.values()]
    try:
        await asyncio.wait_for(asyncio.gather(*waits), grace + 5)
    except TimeoutError:
        for name, process in processes.items():
            if process.returncode is None:
                log.warning("%s did not stop in time; killing it", name)
                process.kill()


def _report(statuses: dict[str, str], settings: Settings) -> None:
    table = Table(title="CRM mesh")
    for column in ("service", "address", "health"):
        table.add_column(column)
    for name, status in statuses.items():
        style = "green" if status == "SERVING" else "red"
        address = (
            f"http://127.0.0.1:{settings.gateway_port}"
            if name == "gateway"
            else settings.address_of(name)
        )
        table.add_row(name, address, f"[{style}]{status}[/]")
    console.print(table)


async def _gateway_status(settings: Settings, process: asyncio.subprocess.Process) -> str:
    try:
        async with asyncio.timeout(15):
            await gateway.wait_ready(settings, process)
    except (TimeoutError, RuntimeError) as failure:
        return f"NOT READY ({failure})"
    return "SERVING"


async def run_mesh(settings: Settings) -> int:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    url = await prepare(settings)
    tenant_id, outlet_id = await seed_demo_business(url)
    env = {**os.environ, "DATABASE_URL": url}
    processes = {name: await _spawn(argv, env) for name, argv in _programs(settings).items()}
    relays = [
        asyncio.create_task(_relay(name, COLOURS[i % len(COLOURS)], p.stdout))
        for i, (name, p) in enumerate(processes.items())
    ]
    exit_code = 0
    try:
        statuses = await wait_until_serving(settings, list(SERVICES), within_seconds=60)
        statuses["gateway"] = await _gateway_status(settings, processes["gateway"])
        _report(statuses, settings)
        if any(s != "SERVING" for s in statuses.values()):
            console.print("[red]not every service came up; stopping[/]")
            return 1
        uploaded = await seed_demo_documents(settings, tenant_id)
        if uploaded:
            console.print(f"Uploaded {uploaded} demo documents to the knowledge service.")
        if created := await seed_demo_templates(settings, tenant_id, outlet_id):
            console.print(f"Created {created} demo WhatsApp templates (approved by the stand-in).")
        console.print(
            f"[bold]Mesh is up.[/] Gateway: http://127.0.0.1:{settings.gateway_port} "
            f"(webhook: /webhooks/whatsapp, admin: /v1/...). Ctrl-C stops every service."
        )
        died = [asyncio.create_task(p.wait()) for p in processes.values()]
        await asyncio.wait(
            [asyncio.create_task(stopping.wait()), *died], return_when=asyncio.FIRST_COMPLETED
        )
        if not stopping.is_set():
            exit_code = 1
            dead = [n for n, p in processes.items() if p.returncode is not None]
            console.print(f"[red]{', '.join(dead)} exited; stopping the mesh[/]")
    finally:
        console.print("stopping…")
        await _stop(processes, settings.shutdown_grace_seconds)
        for relay in relays:
            relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await relay
    return exit_code
