"""The cost of metering on the message path: what the usage row adds to the transaction that
completes an inbox item, and how fast the relay hands the rows to billing."""

import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial
from statistics import quantiles
from typing import Any

from crm.billing.v1 import billing_pb2_grpc

from adapters.grpc.access import AccessInterceptor, NoUsers
from adapters.grpc.billing_servicer import BillingServicer
from adapters.grpc.usage_reporter import GrpcUsageReporter
from adapters.postgres.billing_repository import SqlAlchemyBillingUnitOfWork
from adapters.postgres.database import PoolSettings, engine_resource, session_factory
from adapters.postgres.messaging_repository import SqlAlchemyMessagingUnitOfWork
from core.conversation.model import utcnow
from core.messaging.model import InboundMessage, InboundType
from core.messaging.queue import OutletRef
from core.messaging.relay import UsageRelay
from core.messaging.usage import MESSAGES_IN, UsageEntry
from services.runtime import build_server

SERVICE = "crm.billing.v1.BillingService"


def _inbound(n: int) -> InboundMessage:
    wamid, customer = f"bench.{uuid.uuid4().hex}", f"34{n:09d}"
    return InboundMessage(wamid, "bench", customer, InboundType.TEXT, datetime.now(UTC), text="hi")


async def _stored(uow, messages: int, chunk: int = 1_000) -> list[tuple[uuid.UUID, str]]:
    """(item id, wamid) of `messages` fresh inbox items, each of its own conversation."""
    stored = []
    for start in range(0, messages, chunk):
        async with uow() as work:
            await work.inbox.add_new([_inbound(n) for n in range(start, start + chunk)])
            await work.commit()
        async with uow() as work:
            items = await work.inbox.claim(chunk, timedelta(minutes=5))
            await work.commit()
        stored += [(item.id, item.message.whatsapp_message_id) for item in items]
    return stored


async def _completions(uow, outlet: OutletRef, messages: int) -> dict[str, list[int]]:
    """Nanoseconds of each completing transaction, with and without its usage row, taken in
    turns so both see the same database."""
    costs: dict[str, list[int]] = {"without": [], "with": []}
    for n, (item_id, wamid) in enumerate(await _stored(uow, messages)):
        kind = "with" if n % 2 else "without"
        started = time.perf_counter_ns()
        async with uow() as work:
            await work.inbox.complete(item_id, outlet)
            if kind == "with":
                entry = UsageEntry(outlet.tenant_id, MESSAGES_IN, wamid, outlet_id=outlet.outlet_id)
                await work.usage.add([entry])
            await work.commit()
        costs[kind].append(time.perf_counter_ns() - started)
    return costs


def _percentiles(costs: list[int]) -> tuple[float, float]:
    cuts = quantiles(costs, n=100)
    return round(cuts[49] / 1e6, 3), round(cuts[98] / 1e6, 3)


async def _measure(uow, address: str, messages: int) -> dict[str, Any]:
    outlet = OutletRef(uuid.uuid4(), uuid.uuid4())
    costs = await _completions(uow, outlet, messages)
    billing = GrpcUsageReporter(address)
    relay = UsageRelay(uow, billing)
    started = time.perf_counter()
    relayed = 0
    try:
        while sent := await relay.relay_once():
            relayed += sent
    finally:
        await billing.aclose()
    seconds = time.perf_counter() - started
    without_p50, without_p99 = _percentiles(costs["without"])
    with_p50, with_p99 = _percentiles(costs["with"])
    return {
        "completions": messages,
        "complete_p50_ms": without_p50,
        "complete_p99_ms": without_p99,
        "complete_with_usage_p50_ms": with_p50,
        "complete_with_usage_p99_ms": with_p99,
        "relayed": relayed,
        "relay_rows_per_s": round(relayed / seconds, 1),
    }


async def run(database_url: str, messages: int = 4_000) -> dict[str, Any]:
    """Complete `messages` inbox items over `database_url`, half of them storing their usage,
    then relay the usage to a billing server over the same database."""
    engines = engine_resource(database_url, PoolSettings(5))
    sessions = session_factory(await anext(engines))
    servicer = BillingServicer(partial(SqlAlchemyBillingUnitOfWork, sessions), utcnow, "EUR")
    server, _ = build_server(
        lambda s: billing_pb2_grpc.add_BillingServiceServicer_to_server(servicer, s),
        [SERVICE],
        AccessInterceptor(NoUsers()),  # the relay's batches arrive in platform scope
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        uow = partial(SqlAlchemyMessagingUnitOfWork, sessions)
        return await _measure(uow, f"127.0.0.1:{port}", messages)
    finally:
        await server.stop(None)
        await engines.aclose()
