"""The HTML report of a seeded tenant: self-contained, with its charts and tables."""

import uuid

import pytest

from adapters.postgres.analytics_repository import SqlAlchemyAnalyticsUnitOfWork
from adapters.postgres.database import session_factory
from core.analytics.ingestion import ingest_events
from core.shared.errors import NotFound
from core.tenant.model import Tenant
from services.tools.report import gather, render
from tests.analytics_seed import DAY1, NOW, seed_events


@pytest.fixture
async def sessions(db, tenant_uow):
    async with tenant_uow() as uow:
        tenant = await uow.tenants.add(Tenant(name="Report Cafe", slug=f"r-{uuid.uuid4().hex[:8]}"))
        await uow.commit()
    sessions = session_factory(db)
    events = seed_events(tenant.id, uuid.uuid4())
    await ingest_events(events, SqlAlchemyAnalyticsUnitOfWork(sessions), lambda: NOW)
    return sessions, tenant.slug


async def test_the_report_inlines_its_charts_and_lists_the_gaps(sessions):
    sessions, slug = sessions
    figures = await gather(sessions, slug, 30, NOW, "EUR")
    assert figures.window.start < DAY1
    page = render(figures)
    assert page.count('src="data:image/png;base64,') == 4
    assert "do you have parking" in page and "Latte" in page
    assert "42.50 EUR from orders" in page and "50.00 EUR from bookings" in page
    assert "http://" not in page and "https://" not in page


async def test_an_unknown_tenant_is_not_found(sessions):
    with pytest.raises(NotFound):
        await gather(sessions[0], "no-such-tenant", 30, NOW, "EUR")
