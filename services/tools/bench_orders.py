"""Checkouts under contention: many customers at once after the last plates of one product."""

import asyncio
import time
import uuid
from functools import partial
from typing import Any

from adapters.postgres.database import PoolSettings, engine_resource, session_factory
from adapters.postgres.order_repository import SqlAlchemyOrderUnitOfWork
from core.order import catalog_handlers, order_handlers
from core.order import commands as c
from core.order.orders import FulfillmentType, Order
from core.order.ports import PaymentLink
from core.order.references import OrderReferences
from core.shared.errors import FailedPrecondition

STOCK = 50


class _InstantProvider:
    """A payment provider that answers at once, so the figures measure the database."""

    async def create_payment(self, order: Order, currency: str) -> PaymentLink:
        return PaymentLink(f"http://pay.invalid/{order.id}", f"bench-{order.id}")


class _MadeUp:
    """The bench's outlets and conversations are made up and run without their services:
    every one is taken as the tenant's."""

    async def ensure_outlet(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> None:
        return None

    async def ensure_conversation(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        return None


MADE_UP = OrderReferences(_MadeUp(), _MadeUp())


async def _orders(uow, tenant_id: uuid.UUID, product_id: uuid.UUID, tasks: int) -> list[Order]:
    item = (c.ItemRequest(product_id, 1),)
    command = c.CreateOrder(tenant_id, uuid.uuid4(), item, FulfillmentType.PICKUP)
    return [await order_handlers.create_order(command, uow(), MADE_UP) for _ in range(tasks)]


async def _checkout(uow, order: Order) -> bool:
    """True if the checkout got its plate, False if the stock was gone (a conflict)."""
    ref = c.OrderRef(order.tenant_id, order.id)
    try:
        await order_handlers.checkout(ref, uow(), _InstantProvider(), "EUR")
    except FailedPrecondition:
        return False
    return True


async def _contend(uow, tasks: int) -> dict[str, Any]:
    """Orders for one plate each, then all their checkouts at once; the figures."""
    tenant_id = uuid.uuid4()
    product = await catalog_handlers.create_product(
        c.CreateProduct(tenant_id, "Bench paella", "42.00", stock_quantity=STOCK), uow()
    )
    orders = await _orders(uow, tenant_id, product.id, tasks)
    started = time.perf_counter()
    results = await asyncio.gather(*(_checkout(uow, order) for order in orders))
    seconds = time.perf_counter() - started
    final = await catalog_handlers.get_product(tenant_id, product.id, uow())
    return {
        "checkouts_per_s": round(tasks / seconds, 1),
        "conflicts": results.count(False),
        "succeeded": results.count(True),
        "final_stock": final.stock_quantity,
        "seconds": round(seconds, 3),
    }


async def run(database_url: str, tasks: int = 200) -> dict[str, Any]:
    """Fire `tasks` concurrent checkouts of one product with STOCK in stock, on a fresh tenant."""
    engines = engine_resource(database_url, PoolSettings(20))
    sessions = session_factory(await anext(engines))
    try:
        return await _contend(partial(SqlAlchemyOrderUnitOfWork, sessions), tasks)
    finally:
        await engines.aclose()
