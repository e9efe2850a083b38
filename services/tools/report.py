"""`crm report`: one tenant's analytics over the last days as a self-contained HTML file."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from adapters.postgres.analytics_repository import SqlAlchemyAnalyticsUnitOfWork
from adapters.postgres.database import PoolSettings, engine_resource, session_factory
from adapters.postgres.tenant_repository import SqlAlchemyTenantUnitOfWork
from core.analytics import model as m
from core.analytics import queries
from core.analytics.window import utcnow
from core.shared.errors import NotFound
from core.shared.scope import across_tenants, acting_for

from . import report_charts as charts
from .report_page import page
from .report_scale import TimeAxis, granularity_for


@dataclass(frozen=True)
class Figures:
    """Everything the report shows, for one tenant and window."""

    tenant: str
    currency: str
    window: m.Window
    volume: list[m.VolumePoint]
    intents: list[m.IntentCount]
    handoff: m.HandoffShare
    latency: tuple[list[m.LatencyPoint], m.LatencyPoint]
    funnel: list[m.FunnelStage]
    revenue: list[m.RevenuePoint]
    products: list[m.Ranked]
    questions: list[m.Ranked]


CALLER = "crm-report"


async def _tenant_id(sessions, slug: str) -> uuid.UUID:
    with across_tenants(CALLER):  # a slug is unique across tenants; finding it spans them
        async with SqlAlchemyTenantUnitOfWork(sessions) as uow:
            tenant = await uow.tenants.get_by_slug(slug)
    if tenant is None:
        raise NotFound("tenant", slug)
    return tenant.id


async def gather(sessions, slug: str, days: int, now: datetime, currency: str) -> Figures:
    """Run every dashboard query over the tenant's last `days` days, in buckets that fit them."""
    span = timedelta(days=days)
    tenant_id = await _tenant_id(sessions, slug)
    window = m.Window(tenant_id, now - span, now, granularity=granularity_for(span))
    uow = partial(SqlAlchemyAnalyticsUnitOfWork, sessions)
    with acting_for(window.tenant_id, CALLER):
        return Figures(
            slug,
            currency,
            window,
            await queries.message_volume(window, uow()),
            await queries.intent_breakdown(window, uow()),
            await queries.handoff_share(window, uow()),
            await queries.latency(window, uow()),
            await queries.conversion_funnel(window, "booking", uow()),
            await queries.revenue(window, uow()),
            await queries.top_products(window, 10, uow()),
            await queries.unanswered_questions(window, 20, uow()),
        )


def render(figures: Figures) -> str:
    """The HTML page, its charts inlined as PNG so the file stands alone."""
    window = figures.window
    axis = TimeAxis(window.start, window.end, window.granularity)
    return page(
        figures,
        [
            charts.volume_chart(figures.volume, axis),
            charts.intent_chart(figures.intents),
            charts.revenue_chart(figures.revenue, axis, figures.currency),
            charts.latency_chart(figures.latency[0], axis),
        ],
    )


async def report_html(database_url: str, slug: str, days: int, currency: str) -> str:
    """The report of tenant `slug` over its last `days` days, amounts in `currency`."""
    engines = engine_resource(database_url, PoolSettings(2))
    try:
        sessions = session_factory(await anext(engines))
        figures = await gather(sessions, slug, days, utcnow(), currency)
    finally:
        await engines.aclose()
    return render(figures)
