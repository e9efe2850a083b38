"""The demo catalog seeds once however often it runs; the checkout bench counts honestly."""

import uuid

from adapters.postgres.database import session_factory
from adapters.postgres.order_repository import SqlAlchemyOrderUnitOfWork
from core.order import catalog_handlers
from core.order import commands as c
from core.shared.paging import PageQuery
from services.order.seed import DEMO_MENU, seed_demo_catalog
from services.tools import bench_orders


def _url(database_url) -> str:
    return database_url.render_as_string(hide_password=False)


async def test_seed_is_idempotent(db, database_url):
    tenant_id = uuid.uuid4()
    await seed_demo_catalog(_url(database_url), tenant_id)
    await seed_demo_catalog(_url(database_url), tenant_id)
    uow = SqlAlchemyOrderUnitOfWork(session_factory(db))
    products = await catalog_handlers.list_products(c.ListProducts(tenant_id, PageQuery(100)), uow)
    assert len(products.items) == sum(len(rows) for rows in DEMO_MENU.values())
    paella = next(p for p in products.items if p.sku == "MN-PAELLA")
    assert (str(paella.price), paella.stock_quantity, paella.category) == ("42.00", 10, "Mains")


async def test_bench_sells_exactly_the_stock(db, database_url):
    figures = await bench_orders.run(_url(database_url), tasks=80)
    assert (figures["succeeded"], figures["conflicts"], figures["final_stock"]) == (50, 30, 0)
    assert figures["checkouts_per_s"] > 0
