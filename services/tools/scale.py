"""Several replicas of every stateless service under a load of whole conversations.

Hundreds of customers at once ask questions, book a few contended slots and order
low-stock products, each line of theirs delivered twice (Meta delivers at least once), all
through Envoy. `make test-scale` (tests/scale) kills one messaging and one orchestrator replica
with SIGKILL mid-load, starts them again, and checks what this module gathers; `make bench`
runs the same load against 1 and 3 messaging replicas.
"""

import asyncio
import random
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.local.customer_webhooks import customer_message, signed
from adapters.postgres.admin import drop_database, ensure_database
from adapters.postgres.migrate import upgrade
from adapters.postgres.urls import plain
from services.catalog import SERVICES
from services.database import platform_role, service_role
from services.demo.knowledge import seed_demo_documents
from services.seed import DEMO_PHONE_NUMBER_ID, seed_demo_business
from services.tools.pgbouncer import running_pgbouncer, server_connections, through

from .loadgen import summary
from .mesh import Mesh, mesh_environment

# The layout: knowledge stays one process in Qdrant's local mode (no Qdrant server here).
REPLICAS = {"messaging": 3, "orchestrator": 2, "knowledge": 1}
STATELESS = ("tenant", "conversation", "booking", "order", "billing", "analytics")
SCALE_LAYOUT = {**dict.fromkeys(STATELESS, 2), **REPLICAS}

SCRIPTS = {
    "question": ("Hi", "What time do you open?", "thanks!"),
    "booking": ("Book a table for 2 tomorrow at 7pm", "yes"),  # eight tables for them all
    "order": ("I'd like 2 seafood paella please", "checkout", "pickup", "today", "yes"),
}
MIX = {"question": 0.6, "booking": 0.25, "order": 0.15}
# Webhook deliveries in flight at once. Each holds a database connection in messaging while it
# is stored, and the whole mesh shares one server's connections (100 by default).
DELIVERIES_IN_FLIGHT = 12
LOW_STOCK = {"MN-PAELLA": 6}
# PgBouncer's server connections per (database, role): 18 roles, so at most 72 of the
# server's 100 however many processes and pools the replicas open.
SERVER_POOL = 4  # three orders of two, then "sold out", until timeouts give back

ENVIRONMENT = {
    "LOG_LEVEL": "WARNING",
    "EMBEDDER": "hashing",  # retrieval quality is not what this measures
    # Longer than a peer's 10 s deadline: a live worker is never overtaken on its own item.
    "MESSAGING_LEASE_SECONDS": "15",
    "MESSAGING_CONCURRENCY": "4",  # per replica; with the above, within 100 connections
    # Unpaid orders time out within the run, so every order replica's sweeper has work.
    "ORDER_PAYMENT_TIMEOUT_MINUTES": "0.05",
    "ORDER_SWEEP_SECONDS": "1",
}


def conversations_for(count: int, seed: int = 7) -> list[tuple[str, tuple[str, ...]]]:
    """(customer, lines) for `count` customers in the MIX, shuffled so kinds interleave."""
    kinds = [kind for kind, share in MIX.items() for _ in range(round(count * share))]
    random.Random(seed).shuffle(kinds)
    run = uuid.uuid4().int % 10**5
    return [(f"3469{run:05d}{i:04d}", SCRIPTS[kind]) for i, kind in enumerate(kinds[:count])]


@dataclass
class Posted:
    """What the customers sent: each one's message ids in order, and when each was posted."""

    lines: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    at: dict[str, float] = field(default_factory=dict)
    redeliveries: int = 0  # deliveries Envoy did not take (a replica dying), sent again

    @property
    def wamids(self) -> list[str]:
        return [wamid for ids in self.lines.values() for wamid in ids]


class Customers:
    """Signed webhooks through the gateway: each line delivered twice at once, both retried
    until acknowledged, as Meta does; a customer's next line only after the last was taken."""

    def __init__(self, mesh: Mesh, http: httpx.AsyncClient) -> None:
        self._mesh = mesh
        self._http = http
        self.posted = Posted()

    async def converse(self, customer: str, lines: tuple[str, ...]) -> None:
        for line in lines:
            update = customer_message(DEMO_PHONE_NUMBER_ID, customer, "Scale", line)
            wamid = update["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
            raw, headers = signed(update, self._mesh.settings.whatsapp_app_secret)
            self.posted.at[wamid] = time.time()
            await asyncio.gather(self._deliver(raw, headers), self._deliver(raw, headers))
            self.posted.lines[customer].append(wamid)

    async def _deliver(self, raw: bytes, headers: dict[str, str]) -> None:
        for attempt in range(30):
            try:
                answer = await self._http.post(
                    f"{self._mesh.gateway_url}/webhooks/whatsapp", content=raw, headers=headers
                )
                if answer.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            self.posted.redeliveries += 1
            await asyncio.sleep(min(0.2 * 2**attempt, 2.0))
        raise AssertionError("a webhook was never acknowledged")


class Replies:
    """Follows the Cloud API stand-in: when the first piece of each reply went out."""

    def __init__(self, mesh: Mesh, http: httpx.AsyncClient) -> None:
        self._url = f"{mesh.standin_url}/_standin/sent"
        self._http = http
        self._after = -1
        self.at: dict[str, float] = {}  # inbound wamid -> when its reply reached the stand-in

    async def poll(self) -> None:
        sends = (await self._http.get(self._url, params={"after": self._after})).json()
        for send in sends:
            self._after = max(self._after, send["index"])
            context = send["payload"].get("context", {}).get("message_id")
            if context and send["type"] != "read":
                self.at.setdefault(context, send["at"])

    async def until(self, count: int, within: float) -> None:
        deadline = time.monotonic() + within
        while len(self.at) < count and time.monotonic() < deadline:
            await self.poll()
            await asyncio.sleep(0.25)

    async def everything(self) -> list[dict[str, Any]]:
        return [s for s in (await self._http.get(self._url)).json() if s["type"] != "read"]


@dataclass
class Disruption:
    """One replica killed with SIGKILL mid-load and started again."""

    replica: str
    killed_at: float  # epoch seconds
    killed_after: int  # replies out when it was killed
    restarted_in: float  # seconds until it served again
    in_hand: list[str]  # inbox items being worked on (by any replica) at the kill
    recovered_in: float | None = None  # seconds until the last of those was answered

    def __str__(self) -> str:
        recovery = f"{self.recovered_in:.1f} s" if self.recovered_in is not None else "never"
        return (
            f"{self.replica}: killed after {self.killed_after} replies, serving again in "
            f"{self.restarted_in:.1f} s; the {len(self.in_hand)} messages in hand at the kill "
            f"were all answered {recovery} after it"
        )


async def disrupt(
    mesh: Mesh, engine: AsyncEngine, replies: Replies, replica: str, after: int
) -> Disruption:
    """Once `after` replies are out: SIGKILL the replica, note what was in hand, restart it."""
    await replies.until(after, within=600)
    await mesh.kill(replica)
    killed, killed_at = time.monotonic(), time.time()
    async with engine.connect() as conn:
        in_hand = list(
            await conn.scalars(
                text(
                    "SELECT whatsapp_message_id FROM messaging.inbox_items"
                    " WHERE status IN ('processing', 'failed')"
                )
            )
        )
    await mesh.start(replica)
    restarted_in = time.monotonic() - killed
    return Disruption(replica, killed_at, len(replies.at), restarted_in, in_hand)


async def outbox_sent(engine: AsyncEngine, within: float) -> None:
    """Every piece of every reply sent: a line counts as answered at its first piece, and the
    rest of a long reply may still be on its way (later under load)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        async with engine.connect() as conn:
            waiting = await conn.scalar(
                text("SELECT count(*) FROM messaging.outbox_messages WHERE status = 'queued'")
            )
        if not waiting:
            return
        await asyncio.sleep(0.5)


async def recovery(engine: AsyncEngine, disruption: Disruption) -> None:
    """Seconds from the kill to the answer of the last message in hand at that moment."""
    async with engine.connect() as conn:
        last = await conn.scalar(
            text(
                "SELECT extract(epoch FROM max(processed_at)) FROM messaging.inbox_items"
                " WHERE whatsapp_message_id = ANY(:ids) AND status = 'done'"
            ),
            {"ids": disruption.in_hand},
        )
    if disruption.in_hand and last is not None:
        disruption.recovered_in = max(float(last) - disruption.killed_at, 0.0)


@dataclass
class Run:
    """What happened: what was sent and answered, disruptions, and the database afterwards."""

    posted: Posted
    reply_at: dict[str, float]
    sent: list[dict[str, Any]]  # every send the stand-in accepted, in order
    facts: dict[str, Any]
    disruptions: list[Disruption]
    seconds: float
    peak_server_connections: int = 0  # PgBouncer's, at the busiest moment

    def figures(self) -> dict[str, Any]:
        """Throughput and end-to-end latency (post of a line to its reply at the stand-in)."""
        answered = [w for w in self.posted.wamids if w in self.reply_at]
        latencies = [self.reply_at[w] - self.posted.at[w] for w in answered]
        return {
            "conversations": len(self.posted.lines),
            "messages": len(self.posted.wamids),
            "deliveries": 2 * len(self.posted.wamids) + self.posted.redeliveries,
            "answered": len(answered),
            "seconds": round(self.seconds, 1),
            "answered_per_s": round(len(answered) / self.seconds, 1),
            "peak_server_connections": self.peak_server_connections,
            "end_to_end_latency": summary(latencies),
        }


@asynccontextmanager
async def scale_database(server: URL) -> AsyncIterator[URL]:
    """A fresh database with the demo business, a few products short of stock; dropped after."""
    name = f"crm_scale_{uuid.uuid4().hex[:10]}"
    url = await ensure_database(server, name)
    try:
        await upgrade(url)
        tenant_id, _ = await seed_demo_business(plain(url))
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            for sku, stock in LOW_STOCK.items():
                await conn.execute(
                    text(
                        "UPDATE orders.products SET stock_quantity = :stock"
                        " WHERE tenant_id = :tenant AND sku = :sku"
                    ),
                    {"stock": stock, "tenant": tenant_id, "sku": sku},
                )
        await engine.dispose()
        yield url
    finally:
        await drop_database(server, name)


@asynccontextmanager
async def scale_mesh(url: URL, logs: Path, layout: dict[str, int]) -> AsyncIterator[Mesh]:
    """Every service behind Envoy, those in `layout` as that many processes of their own, all
    reaching PostgreSQL through PgBouncer (transaction pooling), as in the cluster."""
    roles = [url.username or "postgres"]
    roles += [role(service) for service in SERVICES for role in (service_role, platform_role)]
    async with running_pgbouncer(url, roles, logs, SERVER_POOL) as port:
        pooled = through(url, port)
        env = mesh_environment(pooled, logs, replicas=layout, DATABASE_POOLER="pgbouncer",
                               **ENVIRONMENT)  # fmt: skip
        mesh = Mesh(env, logs)
        try:
            await mesh.start("cloud-api", "payments", *SERVICES, "gateway")
            tenant_id = await _demo_tenant(url)
            await seed_demo_documents(mesh.settings, tenant_id)
            yield mesh
        finally:
            await mesh.stop_all()


async def _demo_tenant(url: URL) -> uuid.UUID:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(text("SELECT id FROM tenant.tenants WHERE slug = 'demo'"))
    finally:
        await engine.dispose()


async def run_load(
    mesh: Mesh, url: URL, conversations: int, kills: tuple[str, ...] = (), within: float = 300
) -> Run:
    """All the conversations at once; each replica in `kills` is SIGKILLed and restarted in
    turn as the replies come in. Gathers the facts once every line is answered (or `within`
    seconds have passed), after messaging has stopped and relayed its usage."""
    plan = conversations_for(conversations)
    total = sum(len(lines) for _, lines in plan)
    engine = create_async_engine(url)
    peak = Peak(engine, url.database or "")
    watching = asyncio.create_task(peak.watch())
    limits = httpx.Limits(max_connections=DELIVERIES_IN_FLIGHT)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        customers, replies = Customers(mesh, http), Replies(mesh, http)
        started = time.monotonic()
        talking = asyncio.gather(*(customers.converse(c, lines) for c, lines in plan))
        disruptions = [
            await disrupt(mesh, engine, replies, replica, total * n // (len(kills) + 2))
            for n, replica in enumerate(kills, start=1)
        ]
        await talking
        await replies.until(total, within)
        seconds = time.monotonic() - started
        await outbox_sent(engine, within)
        sent = await replies.everything()
    watching.cancel()
    await mesh.stop("messaging")  # drains; each relay sends what is pending on its way out
    for disruption in disruptions:
        await recovery(engine, disruption)
    facts = await gather_facts(engine)
    await engine.dispose()
    return Run(customers.posted, replies.at, sent, facts, disruptions, seconds, peak.most)


class Peak:
    """The most server connections PgBouncer held at once, sampled every 0.2 s."""

    def __init__(self, engine: AsyncEngine, database: str) -> None:
        self._engine, self._database = engine, database
        self.most = 0

    async def watch(self) -> None:
        while True:
            now = await server_connections(self._engine, self._database)
            self.most = max(self.most, now)
            await asyncio.sleep(0.2)


async def gather_facts(engine: AsyncEngine) -> dict[str, Any]:
    """The database after the run, as the checks read it."""
    queries = {
        "inbox": "SELECT whatsapp_message_id, count(*), min(status) FROM messaging.inbox_items"
        " GROUP BY whatsapp_message_id",
        "customer_messages": "SELECT whatsapp_message_id, count(*) FROM conversation.messages"
        " WHERE sender_type = 'customer' GROUP BY whatsapp_message_id",
        "outbox": "SELECT idempotency_key, status, whatsapp_message_id, attempts, to_phone"
        " FROM messaging.outbox_messages",
        "usage_keys": "SELECT usage_type, idempotency_key FROM billing.usage_events"
        " WHERE usage_type IN ('messages_in', 'messages_out')",
        # What billing must have counted: each item worked and each reply Meta accepted.
        "sent_keys": "SELECT 'out:' || id FROM messaging.outbox_messages"
        " WHERE whatsapp_message_id IS NOT NULL",
        "usage_pending": "SELECT count(*) FROM messaging.usage_pending",
        "double_bookings": "SELECT a.id, b.id FROM booking.bookings a JOIN booking.bookings b"
        " ON a.resource_id = b.resource_id AND a.id < b.id"
        " AND a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')"
        " AND tsrange(a.booking_date + a.start_time, a.booking_date + a.end_time)"
        " && tsrange(b.booking_date + b.start_time, b.booking_date + b.end_time)",
        "bookings": "SELECT count(*) FROM booking.bookings WHERE status IN ('pending', 'confirmed')",
        "negative_stock": "SELECT sku, stock_quantity FROM orders.products"
        " WHERE stock_quantity < 0",
        # Per order and product: what its reservation took and what was given back, and how
        # often; a release per order at most, a cancelled order holds nothing.
        "order_stock": "SELECT o.status, a.product_id, sum(a.quantity_change),"
        " count(*) FILTER (WHERE a.adjustment_type = 'release')"
        " FROM orders.stock_adjustments a JOIN orders.orders o ON o.id = a.order_id"
        " GROUP BY o.id, o.status, a.product_id",
        "stock": "SELECT p.sku, p.stock_quantity, coalesce(sum(a.quantity_change), 0)"
        " FROM orders.products p LEFT JOIN orders.stock_adjustments a"
        " ON a.product_id = p.id AND a.order_id IS NOT NULL GROUP BY p.id",
        "orders": "SELECT status, count(*) FROM orders.orders GROUP BY status",
    }
    async with engine.connect() as conn:
        return {
            name: [tuple(row) for row in await conn.execute(text(sql))]
            for name, sql in queries.items()
        }
