"""`make bench`: the WhatsApp path under load, for the mesh and for one process.

For each layout it starts the stand-in, the services and Envoy on a fresh database, runs
the load generator as a separate process, prints the figures and writes them all to
bench-results/bench.json, with the time spent understanding a message (routing, retrieval),
bookings / checkouts per second under contention on one resource / one product, the scale
test's conversations with 1 and with 3 messaging replicas, and the CPU each internal call
spends in the request guards (access, validation, mutual TLS).

    python -m services.tools.bench [PART ...]   # only these parts; the others' figures stay
"""

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from adapters.postgres.admin import drop_database, ensure_database
from adapters.postgres.embedded import start_embedded
from adapters.postgres.migrate import upgrade
from adapters.postgres.urls import async_url, plain
from core.shared.scope import across_tenants
from services.catalog import SERVICES
from services.seed import DEMO_PHONE_NUMBER_ID, seed_demo
from services.settings import Settings

from . import scale
from .mesh import Mesh, mesh_environment

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results" / "bench.json"
LAYOUTS = {"mesh": [*SERVICES], "one-process": ["all"]}
BENCH = "bench"
LOADS = [  # (messages, rate/s, concurrency): a steady load, then as fast as it goes
    (300, 25.0, 32),
    (1000, 0.0, 64),
]
console = Console()


# Conversations of the scale test (questions, bookings, orders; every webhook twice) per run.
REPLICA_CONVERSATIONS = 200
MESSAGING_REPLICAS = (1, 3)


def _server(settings: Settings):
    if settings.database_url:
        return async_url(settings.database_url)
    return start_embedded(settings.data_dir / "postgres")


async def _database(settings: Settings, name: str):
    server = _server(settings)
    await drop_database(server, name)
    url = await ensure_database(server, name)
    await upgrade(url)
    await seed_demo(plain(url))
    return server, url


async def _load(mesh: Mesh, messages: int, rate: float, concurrency: int) -> dict:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.tools.loadgen",
        "--gateway", mesh.gateway_url, "--standin", mesh.standin_url,
        "--app-secret", mesh.settings.whatsapp_app_secret,
        "--phone-number-id", DEMO_PHONE_NUMBER_ID,
        "--messages", str(messages), "--rate", str(rate), "--concurrency", str(concurrency),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await process.communicate()
    return json.loads(out)


async def bench_layout(layout: str, settings: Settings) -> list[dict]:
    server, url = await _database(settings, f"crm_bench_{layout.replace('-', '_')}")
    with tempfile.TemporaryDirectory() as logs:
        mesh = Mesh(mesh_environment(url, Path(logs), LOG_LEVEL="WARNING"), Path(logs))
        try:
            await mesh.start("cloud-api", "payments", *LAYOUTS[layout], "gateway")
            results = []
            for messages, rate, concurrency in LOADS:
                result = await _load(mesh, messages, rate, concurrency)
                results.append({"layout": layout, **result})
                _print(results[-1])
            return results
        finally:
            await mesh.stop_all()
            await drop_database(server, url.database)


def _print(result: dict) -> None:
    table = Table(title=f"{result['layout']}: {result['messages']} messages at "
                        f"{result['target_rate_per_s']}/s, concurrency {result['concurrency']}")  # fmt: skip
    for column in ("", "p50 ms", "p99 ms", "max ms"):
        table.add_column(column)
    for label, key in (("ack", "ack_latency"), ("end to end", "end_to_end_latency")):
        figures = result[key]
        table.add_row(label, str(figures["p50_ms"]), str(figures["p99_ms"]), str(figures["max_ms"]))
    console.print(table)
    console.print(f"answered {result['answered']}/{result['messages']}, "
                  f"sustained {result['sustained_answered_per_s']} answered/s")  # fmt: skip


async def messaging_replicas(settings: Settings) -> dict:
    """The same conversations with 1 and with 3 messaging replicas (one process of every other
    service): throughput and end-to-end latency of each, and the ratio of throughputs."""
    runs = []
    for count in MESSAGING_REPLICAS:
        async with scale.scale_database(_server(settings)) as url:
            with tempfile.TemporaryDirectory() as logs:
                async with scale.scale_mesh(url, Path(logs), {"messaging": count}) as mesh:
                    run = await scale.run_load(mesh, url, REPLICA_CONVERSATIONS)
        runs.append({"messaging_replicas": count, **run.figures()})
        console.print(f"{count} messaging replica(s): {runs[-1]}")
    ratio = runs[-1]["answered_per_s"] / runs[0]["answered_per_s"]
    console.print(f"throughput with {MESSAGING_REPLICAS[-1]} replicas / 1: {ratio:.2f}")
    return {"runs": runs, "throughput_ratio": round(ratio, 2)}


async def understanding() -> dict:
    """Time per message in routing (local classifier, warm) and retrieval (embed + search)."""
    from adapters.local.intents import LocalIntentClassifier

    from .eval_retrieval import evaluate_retrieval
    from .evaluate import load_routing_set, score_routing

    classifier = LocalIntentClassifier()
    score_routing(classifier, load_routing_set())  # trains and warms dateparser
    routing = score_routing(classifier, load_routing_set())["latency_ms"]
    retrieval = (await evaluate_retrieval())["hybrid"]
    figures = {
        "routing_ms": routing,
        "retrieval_ms": {"p50": retrieval["query_ms_p50"], "p99": retrieval["query_ms_p99"]},
    }
    console.print(
        f"routing {routing['p50']} / {routing['p99']} ms (p50/p99), retrieval "
        f"{retrieval['query_ms_p50']} / {retrieval['query_ms_p99']} ms per message"
    )
    return figures


async def contention(settings: Settings) -> dict:
    """Bookings of one resource and checkouts of one product, many at once: who wins, how fast."""
    from . import bench_booking, bench_orders

    server, url = await _database(settings, "crm_bench_contention")
    try:
        with across_tenants(BENCH):  # each run makes a tenant of its own and works on it
            figures = {
                "bookings": await bench_booking.run(plain(url)),
                "checkouts": await bench_orders.run(plain(url)),
            }
    finally:
        await drop_database(server, url.database)
    bookings, checkouts = figures["bookings"], figures["checkouts"]
    console.print(
        f"bookings: {bookings['bookings_per_s']}/s, {bookings['succeeded']} won, "
        f"{bookings['conflicts']} conflicts; checkouts: {checkouts['checkouts_per_s']}/s, "
        f"{checkouts['succeeded']} won, {checkouts['conflicts']} conflicts, "
        f"final stock {checkouts['final_stock']}"
    )
    return figures


async def business(settings: Settings) -> dict:
    """Metering and analytics: the per-message cost of emitting, and query time at 1M events."""
    from . import bench_analytics, bench_billing

    server, url = await _database(settings, "crm_bench_business")
    try:
        with across_tenants(BENCH):  # synthetic events of many tenants, then queries over them
            figures = {
                "metering": await bench_billing.run(plain(url)),
                "analytics_emit": await _emit_cost(),
                "analytics_queries": await bench_analytics.run(plain(url)),
            }
    finally:
        await drop_database(server, url.database)
    console.print(f"metering (usage row in the completing transaction): {figures['metering']}")
    console.print(f"analytics emit(): {figures['analytics_emit']}")
    console.print(f"analytics queries at 1M events: {figures['analytics_queries']}")
    return figures


async def _emit_cost(events: int = 100_000) -> dict:
    """emit() into the buffered emitter, in microseconds (it never awaits the network)."""
    import time
    import uuid

    from adapters.grpc.analytics_emitter import BufferedAnalyticsEmitter
    from core.orchestrator.ports import Event

    emitter = BufferedAnalyticsEmitter("127.0.0.1:9", capacity=events + 1)
    tenant = uuid.uuid4()
    costs = []
    for i in range(events):
        event = Event("message.routed", tenant, tenant, {"intent": "support"}, float(i % 50))
        started = time.perf_counter()
        await emitter.emit(event)
        costs.append(time.perf_counter() - started)
    costs.sort()
    return {
        "events": events,
        "p50_us": round(costs[len(costs) // 2] * 1e6, 2),
        "p99_us": round(costs[int(len(costs) * 0.99)] * 1e6, 2),
    }


async def guards() -> dict:
    """CPU per internal call of the interceptors (access, validation) and of mutual TLS."""
    from . import bench_guards

    figures = await bench_guards.run()
    console.print(f"request guards, CPU per call (client and server): {figures}")
    return figures


async def _whatsapp_path(settings: Settings) -> list[dict]:
    return [r for layout in LAYOUTS for r in await bench_layout(layout, settings)]


PARTS = {
    "whatsapp_path": _whatsapp_path,
    "understanding": lambda _: understanding(),
    "contention": contention,
    "business": business,
    "messaging_replicas": messaging_replicas,
    "guards": lambda _: guards(),
}


def _answered_all(figures: dict) -> bool:
    runs = [
        *figures.get("whatsapp_path", []),
        *figures.get("messaging_replicas", {}).get("runs", []),
    ]
    return all(r["answered"] == r["messages"] for r in runs)


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", help=f"any of {', '.join(PARTS)} (default: all)")
    chosen = parser.parse_args(argv).parts or list(PARTS)
    if unknown := [part for part in chosen if part not in PARTS]:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    settings = Settings()
    figures = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    measured = {part: await PARTS[part](settings) for part in chosen}
    figures.update(measured)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2))
    console.print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0 if _answered_all(measured) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
