"""The cost of metering on the message path: record() per call, and the flush behind it."""

import time
import uuid
from functools import partial
from statistics import quantiles
from typing import Any

from crm.billing.v1 import billing_pb2_grpc

from adapters.grpc.access import AccessInterceptor, NoUsers
from adapters.grpc.billing_servicer import BillingServicer
from adapters.grpc.usage_meter import BufferedUsageMeter
from adapters.postgres.billing_repository import SqlAlchemyBillingUnitOfWork
from adapters.postgres.database import engine_resource, session_factory
from core.billing.model import UsageType
from core.conversation.model import utcnow
from services.runtime import build_server

SERVICE = "crm.billing.v1.BillingService"


def _timed_records(meter: BufferedUsageMeter, tenant_id: uuid.UUID, events: int) -> list[int]:
    """Nanoseconds of each record() call; every tenth key repeats (a redelivered webhook)."""
    costs = []
    for n in range(events):
        key = f"bench:{tenant_id}:{n - n % 10 if n % 10 == 9 else n}"
        started = time.perf_counter_ns()
        meter.record(tenant_id, UsageType.MESSAGES_IN, key)
        costs.append(time.perf_counter_ns() - started)
    return costs


async def _measure(address: str, events: int) -> dict[str, Any]:
    meter = BufferedUsageMeter(address, flush_seconds=0.2, capacity=events)
    costs = _timed_records(meter, uuid.uuid4(), events)
    buffered = meter.pending  # redeliveries were folded away in memory
    started = time.perf_counter()
    await meter.aclose()
    flushed = time.perf_counter() - started
    cuts = quantiles(costs, n=100)
    return {
        "events": events,
        "record_p50_us": round(cuts[49] / 1000, 2),
        "record_p99_us": round(cuts[98] / 1000, 2),
        "buffered_unique": buffered,
        "flush_events_per_s": round(buffered / flushed, 1),
        "dropped": meter.dropped,
    }


async def run(database_url: str, events: int = 100_000) -> dict[str, Any]:
    """Meter `events` messages of a fresh tenant into a billing server over `database_url`."""
    engines = engine_resource(database_url, pool_size=5)
    sessions = session_factory(await anext(engines))
    servicer = BillingServicer(partial(SqlAlchemyBillingUnitOfWork, sessions), utcnow, "EUR")
    server, _ = build_server(
        lambda s: billing_pb2_grpc.add_BillingServiceServicer_to_server(servicer, s),
        [SERVICE],
        AccessInterceptor(NoUsers()),  # the meter's batches arrive in platform scope
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        return await _measure(f"127.0.0.1:{port}", events)
    finally:
        await server.stop(None)
        await engines.aclose()
