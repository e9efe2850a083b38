"""Schemathesis against the running mesh: every REST operation, as the demo owner, via Envoy.

python -m services.tools.fuzz [--max-examples N] [--max-time SECONDS]

Starts the stand-ins, the nine services and the gateway on a fresh, seeded database and runs
`st run` on the gateway's own /openapi.json. It fails on any 5xx and on any answer that breaks
the description. The figures (requests, answers by status class) are printed and written to
bench-results/fuzz.json; schemathesis' reports and the services' logs go to bench-results/fuzz/.
"""

import argparse
import asyncio
import json
import shutil
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from adapters.postgres.admin import drop_database, ensure_database
from adapters.postgres.embedded import start_embedded
from adapters.postgres.migrate import upgrade
from adapters.postgres.urls import async_url, plain
from services.catalog import SERVICES
from services.seed import seed_demo_business
from services.settings import ROOT, Settings

from .mesh import Mesh, mesh_environment

CONFIG = Path(__file__).with_name("fuzz.toml")
# The figures, and schemathesis' own reports (HAR of every exchange, the run's verdict).
RESULTS = ROOT / "bench-results" / "fuzz.json"
REPORTS = ROOT / "bench-results" / "fuzz"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)


@dataclass(frozen=True)
class Figures:
    requests: int
    status_classes: dict[str, int]
    # Checks the API failed (a 5xx, an answer unlike its description): what the run is for.
    failures: list[str]
    # Schemathesis' own crashes while generating cases: those cases did not run.
    errors: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures and "5xx" not in self.status_classes and self.requests > 0


@dataclass(frozen=True)
class Target:
    mesh: Mesh
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID


@asynccontextmanager
async def running_target(server: URL, logs: Path) -> AsyncIterator[Target]:
    """The whole mesh on a fresh database with the demo business; dropped afterwards."""
    name = f"crm_fuzz_{uuid.uuid4().hex[:12]}"
    url = await ensure_database(server, name)
    mesh = Mesh(mesh_environment(url, logs, LOG_LEVEL="WARNING"), logs)
    try:
        await upgrade(url)
        tenant_id, outlet_id = await seed_demo_business(plain(url))
        await mesh.start("cloud-api", "payments", *SERVICES, "gateway")
        yield Target(mesh, tenant_id, outlet_id)
    finally:
        await mesh.stop_all()
        await drop_database(server, name)


def figures_of(reports: Path) -> Figures:
    """Requests and their status classes from the HAR log; failures from the run report."""
    entries = json.loads((reports / "run.har").read_text())["log"]["entries"]
    classes = Counter(f"{entry['response']['status'] // 100}xx" for entry in entries)
    run = json.loads((reports / "run.json").read_text())
    failures = [
        f"{f['title']} ({f['count']}): {', '.join(f['operations'])}" for f in run["failures"]
    ]
    errors = [f"{e['title']} ({e['count']})" for e in run["errors"]]
    return Figures(len(entries), dict(sorted(classes.items())), failures, errors)


async def run_schemathesis(
    target: Target, max_examples: int, max_time: int, reports: Path, seed: int = 1
) -> Figures:
    """`st run` against the gateway's description; its output goes to this process' stdout."""
    command = [
        str(Path(sys.executable).with_name("st")), "--config-file", str(CONFIG), "run",
        f"{target.mesh.gateway_url}/openapi.json",
        "--header", f"Authorization: Bearer {target.mesh.token('owner', expires_in=3600)}",
        "--checks", ",".join(CHECKS),
        "--max-examples", str(max_examples), "--max-time", str(max_time),
        "--seed", str(seed), "--workers", "2", "--no-color", "--generation-database", "none",
        "--report", "json,har", "--report-json-path", str(reports / "run.json"),
        "--report-har-path", str(reports / "run.har"),
    ]  # fmt: skip
    environment = {"FUZZ_TENANT_ID": str(target.tenant_id), "FUZZ_OUTLET_ID": str(target.outlet_id)}
    # Run where the reports go: schemathesis keeps a cache of crashes in its working directory.
    process = await asyncio.create_subprocess_exec(
        *command, env=target.mesh.env | environment, cwd=reports
    )
    await process.wait()
    return figures_of(reports)


def database_server(settings: Settings) -> URL:
    if settings.database_url:
        return async_url(settings.database_url)
    return start_embedded(settings.data_dir / "postgres")


async def fuzz_mesh(max_examples: int, max_time: int) -> Figures:
    async with running_target(database_server(Settings()), REPORTS / "logs") as target:
        return await run_schemathesis(target, max_examples, max_time, REPORTS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.tools.fuzz", description=__doc__)
    parser.add_argument("--max-examples", type=int, default=100, help="per operation and phase")
    parser.add_argument("--max-time", type=int, default=900, help="seconds for the whole run")
    args = parser.parse_args(argv)
    shutil.rmtree(REPORTS, ignore_errors=True)  # the logs double as the mesh's data directory
    (REPORTS / "logs").mkdir(parents=True)
    figures = asyncio.run(fuzz_mesh(args.max_examples, args.max_time))
    RESULTS.write_text(json.dumps(asdict(figures), indent=2) + "\n")
    print(json.dumps(asdict(figures), indent=2))
    return 0 if figures.passed else 1


if __name__ == "__main__":
    sys.exit(main())
