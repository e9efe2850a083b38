"""`crm db wait`: a pod starts only once the migration Job has brought the schema to head."""

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.postgres.migrate import upgrade
from adapters.postgres.revision import (
    NotMigrated,
    current_revision,
    head_revision,
    wait_until_migrated,
)
from services.database import platform_role, service_role


@pytest.mark.parametrize("role", [service_role("booking"), platform_role("messaging")])
async def test_a_migrated_database_is_ready_for_each_services_roles(database_url, role):
    as_service = database_url.set(username=role, password=None)

    assert await current_revision(as_service) == head_revision()
    assert await wait_until_migrated(as_service, patience=5) == head_revision()


async def test_an_unmigrated_database_times_out_naming_both_revisions(empty_database_url):
    with pytest.raises(NotMigrated, match=f"at revision None, waiting for {head_revision()}"):
        await wait_until_migrated(empty_database_url, patience=0.3, interval=0.1)


async def test_the_wait_ends_when_the_migration_lands(empty_database_url):
    await upgrade(empty_database_url, "0001")
    waiting = asyncio.create_task(
        wait_until_migrated(empty_database_url, patience=60, interval=0.1)
    )
    await asyncio.sleep(0.3)
    assert not waiting.done()

    await upgrade(empty_database_url)

    assert await waiting == head_revision()


async def test_a_rolled_back_release_starts_on_its_successors_schema(empty_database_url):
    await upgrade(empty_database_url)
    engine = create_async_engine(empty_database_url)
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE public.alembic_version SET version_num = '9999'"))
    await engine.dispose()

    assert await wait_until_migrated(empty_database_url, patience=0) == "9999"
