"""The report of an hour, a day and a year of traffic, opened in headless Chromium.

Screenshots go to a temporary folder, or to REPORT_SCREENSHOTS (`make report-screenshots`
writes docs/report-1h.png, -1d.png and -1y.png there).
"""

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from adapters.postgres.analytics_repository import SqlAlchemyAnalyticsUnitOfWork
from adapters.postgres.database import session_factory
from core.analytics.ingestion import MAX_BATCH, ingest_events
from core.tenant.model import Tenant
from services.tools.report import gather, render
from tests.analytics_traffic import traffic

NOW = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
# name: (how long the traffic lasts, conversations, with sales, days the report covers)
CASES = {
    "1h": (timedelta(hours=1), 8, False, 1),  # hourly buckets; no sales yet
    "1d": (timedelta(days=1), 40, True, 30),  # the command's default window, in days
    "1y": (timedelta(days=365), 600, True, 365),  # weekly buckets
}
LOADED = "img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0"
SAID = "p => p.checkVisibility() ? p.innerText.trim() : 'hidden'"


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("no Chromium found: `make install` installs it (or set CHROMIUM)")
    return path


async def _report(db, tenant_uow, case: str) -> str:
    lasts, conversations, sales, days = CASES[case]
    async with tenant_uow() as uow:
        tenant = await uow.tenants.add(Tenant(name="Corner Cafe", slug="corner-cafe"))
        await uow.commit()
    sessions = session_factory(db)
    events = traffic(tenant.id, NOW - lasts, NOW, conversations, sales=sales)
    for i in range(0, len(events), MAX_BATCH):
        batch = events[i : i + MAX_BATCH]
        ingested = await ingest_events(batch, SqlAlchemyAnalyticsUnitOfWork(sessions), lambda: NOW)
        assert ingested.accepted == len(batch)
    return render(await gather(sessions, tenant.slug, days, NOW, "EUR"))


@pytest.mark.parametrize("case", list(CASES))
async def test_the_report_reads_in_a_browser(db, tenant_uow, tmp_path, case):
    html = await _report(db, tenant_uow, case)
    shots = Path(os.environ.get("REPORT_SCREENSHOTS") or tmp_path)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=_chromium())
        try:
            page = await browser.new_page(viewport={"width": 1000, "height": 800})
            await page.set_content(html, wait_until="load")
            charts = page.locator("img.chart")
            loaded = await charts.evaluate_all(f"imgs => imgs.map({LOADED})")
            empty = await page.locator(".empty").evaluate_all(f"ps => ps.map({SAID})")
            await page.screenshot(path=shots / f"report-{case}.png", full_page=True)
        finally:
            await browser.close()
    if CASES[case][2]:
        assert loaded == [True] * 4
        assert empty == []
    else:
        assert loaded == [True] * 3  # messages, intents, response times
        assert empty == [
            "No revenue yet in this period",
            "No bookings yet in this period (1 conversation asked to book)",
            "No products sold yet in this period",
        ]
    assert (shots / f"report-{case}.png").stat().st_size > 0
