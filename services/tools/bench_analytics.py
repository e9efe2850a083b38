"""Analytics query time over a large event log: fill one tenant with synthetic events, time
each dashboard query over its month (all outlets and one outlet), then remove the tenant.

    python -m services.tools.bench_analytics [events]
"""

import asyncio
import json
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres import analytics_synthetic as synthetic
from adapters.postgres.analytics_repository import SqlAlchemyAnalyticsUnitOfWork
from adapters.postgres.database import PoolSettings, engine_resource, session_factory
from core.analytics import queries
from core.analytics.model import Window

QUERIES = {
    "message_volume": queries.message_volume,
    "intent_breakdown": queries.intent_breakdown,
    "handoff_share": queries.handoff_share,
    "latency": queries.latency,
    "booking_funnel": partial(queries.conversion_funnel, kind="booking"),
    "revenue": queries.revenue,
    "top_products": partial(queries.top_products, limit=10),
    "unanswered_questions": partial(queries.unanswered_questions, limit=20),
}


async def _time(query, window: Window, uow, runs: int = 3) -> float:
    """The best of `runs` timings in ms (the first warms the cache)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        await query(window=window, uow=uow())
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


async def _timings(engine: AsyncEngine, window: Window) -> dict[str, float]:
    uow = partial(SqlAlchemyAnalyticsUnitOfWork, session_factory(engine))
    return {name: await _time(query, window, uow) for name, query in QUERIES.items()}


async def _measure(engine: AsyncEngine, events: int) -> dict[str, Any]:
    tenant, end = uuid.uuid4(), datetime.now(UTC)
    try:
        started = time.perf_counter()
        await synthetic.fill(engine, str(tenant), events, end)
        load = time.perf_counter() - started
        month = Window(tenant, end - timedelta(days=30), end + timedelta(seconds=1))
        outlet = Window(tenant, month.start, month.end, outlet_id=uuid.UUID(int=3))
        return {
            "events": events,
            "load_seconds": round(load, 1),
            "query_ms_all_outlets": await _timings(engine, month),
            "query_ms_one_outlet": await _timings(engine, outlet),
        }
    finally:
        await synthetic.remove(engine, str(tenant))


async def run(database_url: str, events: int = 1_000_000) -> dict[str, Any]:
    """Query timings over `events` synthetic events of one tenant (a migrated database)."""
    engines = engine_resource(database_url, PoolSettings(2))
    try:
        return await _measure(await anext(engines), events)
    finally:
        await engines.aclose()


async def _main(events: int) -> None:
    from services.database import prepare
    from services.settings import Settings

    print(json.dumps(await run(await prepare(Settings()), events), indent=2))


if __name__ == "__main__":
    asyncio.run(_main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
