import pytest

from core.tenant import commands as c
from core.tenant import handlers
from tests.fakes import FakeTenantUnitOfWork


@pytest.fixture
def uow() -> FakeTenantUnitOfWork:
    return FakeTenantUnitOfWork()


@pytest.fixture
async def tenant(uow):
    return await handlers.create_tenant(c.CreateTenant(name="Casa Pepe", slug="casa-pepe"), uow)
