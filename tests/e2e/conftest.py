import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from adapters.postgres.admin import drop_database, ensure_database
from adapters.postgres.migrate import upgrade
from adapters.postgres.urls import plain
from services.catalog import SERVICES
from services.seed import seed_demo_business
from services.tools.mesh import Mesh, mesh_environment


@asynccontextmanager
async def running_mesh(database_url, directory: Path) -> AsyncIterator[Mesh]:
    """The whole mesh as separate processes on a migrated, seeded database.

    `mesh.bearer(role)` signs in as the demo tenant's owner, admin or agent, or an operator."""
    await upgrade(database_url)
    await seed_demo_business(plain(database_url))
    started = Mesh(mesh_environment(database_url, directory), directory)
    try:
        await started.start("cloud-api", "payments", *SERVICES, "gateway")
        yield started
    finally:
        await started.stop_all()


@pytest.fixture
async def mesh(empty_database_url, tmp_path):
    """A mesh of its own for each test, on a fresh database."""
    async with running_mesh(empty_database_url, tmp_path) as started:
        yield started


@pytest.fixture(scope="module")
async def shared_mesh(pg_server_url, tmp_path_factory):
    """One mesh for a module whose tests leave nothing in the way of each other."""
    name = f"crm_e2e_{uuid.uuid4().hex[:12]}"
    url = await ensure_database(pg_server_url, name)
    try:
        async with running_mesh(url, tmp_path_factory.mktemp("mesh")) as started:
            yield started
    finally:
        await drop_database(pg_server_url, name)
