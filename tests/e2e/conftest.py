import pytest

from adapters.postgres.migrate import upgrade
from adapters.postgres.urls import plain
from services.booking.seed import seed_demo_booking
from services.catalog import SERVICES
from services.order.seed import seed_demo_catalog
from services.seed import seed_demo
from services.tools.mesh import Mesh, mesh_environment


@pytest.fixture
async def mesh(empty_database_url, tmp_path):
    """The whole mesh as separate processes on a fresh, migrated, seeded database."""
    await upgrade(empty_database_url)
    tenant_id, outlet_id = await seed_demo(plain(empty_database_url))
    await seed_demo_booking(plain(empty_database_url), tenant_id, outlet_id)
    await seed_demo_catalog(plain(empty_database_url), tenant_id)
    started = Mesh(mesh_environment(empty_database_url, tmp_path), tmp_path)
    try:
        await started.start("cloud-api", "payments", *SERVICES, "gateway")
        yield started
    finally:
        await started.stop_all()
