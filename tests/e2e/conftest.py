import pytest

from adapters.postgres.migrate import upgrade
from adapters.postgres.urls import plain
from services.catalog import SERVICES
from services.seed import seed_demo_business
from services.tools.mesh import Mesh, mesh_environment


@pytest.fixture
async def mesh(empty_database_url, tmp_path):
    """The whole mesh as separate processes on a fresh, migrated, seeded database.

    `mesh.bearer(role)` signs in as the demo tenant's owner, admin or agent, or an operator."""
    await upgrade(empty_database_url)
    await seed_demo_business(plain(empty_database_url))
    started = Mesh(mesh_environment(empty_database_url, tmp_path), tmp_path)
    try:
        await started.start("cloud-api", "payments", *SERVICES, "gateway")
        yield started
    finally:
        await started.stop_all()
