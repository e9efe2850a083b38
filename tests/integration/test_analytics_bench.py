"""The analytics benchmark runs end to end on a small log and leaves nothing behind."""

from sqlalchemy import text

from services.tools.bench_analytics import QUERIES, run


async def test_the_benchmark_times_every_query_and_cleans_up(database_url, db):
    figures = await run(database_url.render_as_string(hide_password=False), events=5_000)
    assert set(figures["query_ms_all_outlets"]) == set(QUERIES)
    async with db.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM analytics.event_rollups")) == 0
