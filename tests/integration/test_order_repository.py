"""The order context on real PostgreSQL: CRUD, tenant scoping, stock history, concurrency."""

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from adapters.postgres.database import session_factory
from adapters.postgres.order_repository import SqlAlchemyOrderUnitOfWork
from core.order import catalog_handlers, inventory, order_handlers
from core.order import commands as c
from core.order.catalog import MAX_STOCK
from core.order.orders import FulfillmentType, OrderStatus
from core.order.references import OrderReferences
from core.order.stock import AdjustmentType
from core.order.sweeper import PaymentSweeper
from core.shared.errors import AlreadyExists, FailedPrecondition, InvalidInput, NotFound
from core.shared.paging import PageQuery
from tests.fakes import FakeConversations, FakeOutlets, FakePaymentGateway

TENANT, OTHER, OUTLET = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def uow(db):
    sessions = session_factory(db)
    return lambda: SqlAlchemyOrderUnitOfWork(sessions)


async def product(uow, name="Paella", stock=1, tenant=TENANT, **extra):
    command = c.CreateProduct(tenant, name, "42.00", stock_quantity=stock, **extra)
    return await catalog_handlers.create_product(command, uow())


async def order_of(uow, item, quantity=1):
    command = c.CreateOrder(
        TENANT,
        OUTLET,
        (c.ItemRequest(item.id, quantity),),
        FulfillmentType.PICKUP,
        customer_phone="+34600111222",
    )
    return await order_handlers.create_order(
        command, uow(), OrderReferences(FakeOutlets(), FakeConversations())
    )


async def checkout(uow, order):
    ref = c.OrderRef(TENANT, order.id)
    return await order_handlers.checkout(ref, uow(), FakePaymentGateway(), "EUR")


async def test_catalog_crud_and_tenant_scoping(uow):
    mains = await catalog_handlers.create_category(c.CreateCategory(TENANT, "Mains", 2), uow())
    drinks = await catalog_handlers.create_category(c.CreateCategory(TENANT, "Drinks", 1), uow())
    pizza = await product(uow, "Pizza", 5, category_id=mains.id, sku="PZ-1")
    assert pizza.category == "Mains" and pizza.price == Decimal("42.00")
    page = await catalog_handlers.list_categories(TENANT, PageQuery(1), uow())
    assert [x.name for x in page.items] == ["Drinks"] and page.next_token
    changed = await catalog_handlers.update_product(
        c.Update(TENANT, pizza.id, {"price": "13.50", "category_id": drinks.id}), uow()
    )
    assert (changed.price, changed.category) == (Decimal("13.50"), "Drinks")
    with pytest.raises(AlreadyExists):
        await product(uow, "Pizza 2", sku="PZ-1")
    await product(uow, "Other tenant's", sku="PZ-1", tenant=OTHER)  # SKUs are per tenant
    with pytest.raises(NotFound):
        await catalog_handlers.get_product(OTHER, pizza.id, uow())
    with pytest.raises(NotFound):
        await catalog_handlers.create_product(
            c.CreateProduct(OTHER, "X", "1", category_id=mains.id), uow()
        )
    await catalog_handlers.delete_category(TENANT, drinks.id, uow())
    moved = await catalog_handlers.get_product(TENANT, pizza.id, uow())
    assert (moved.category_id, moved.category) == (None, "")


async def test_orders_round_trip_numbers_and_scoping(uow):
    item = await product(uow, stock=10)
    first, second = await order_of(uow, item, 2), await order_of(uow, item)
    assert (first.order_number, second.order_number) == ("1001", "1002")
    stored = await order_handlers.get_order(TENANT, first.id, uow())
    assert stored.total == Decimal("84.00") and stored.items[0].quantity == 2
    with pytest.raises(NotFound):
        await order_handlers.get_order(OTHER, first.id, uow())
    page = await order_handlers.list_orders(c.ListOrders(TENANT, PageQuery(10)), uow())
    assert [o.id for o in page.items] == [second.id, first.id]
    found = await order_handlers.list_orders(
        c.ListOrders(TENANT, PageQuery(10), order_number="1001"), uow()
    )
    assert [o.id for o in found.items] == [first.id]


async def test_checkout_and_cancel_write_the_stock_history(uow):
    item = await product(uow, stock=3)
    order = await checkout(uow, await order_of(uow, item, 2))
    assert order.status is OrderStatus.PENDING_PAYMENT and order.payment_link
    await order_handlers.cancel_order(c.OrderRef(TENANT, order.id), uow(), None, _now)
    history = await inventory.list_adjustments(
        c.ListStockAdjustments(TENANT, PageQuery(10), product_id=item.id), uow()
    )
    assert [(a.adjustment_type, a.quantity_change, a.new_quantity) for a in history.items] == [
        (AdjustmentType.RELEASE, 2, 3),
        (AdjustmentType.RESERVATION, -2, 1),
    ]
    assert all(a.order_id == order.id for a in history.items)


def _now() -> datetime:
    return datetime.now(UTC)


async def test_concurrent_checkouts_of_the_last_item_one_wins(uow, db):
    item = await product(uow, stock=1)
    orders = [await order_of(uow, item) for _ in range(24)]
    results = await asyncio.gather(*(checkout(uow, o) for o in orders), return_exceptions=True)
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, FailedPrecondition)]
    assert len(won) == 1 and len(lost) == 23
    left = await catalog_handlers.get_product(TENANT, item.id, uow())
    assert (left.stock_quantity, left.status.value) == (0, "out_of_stock")
    async with db.connect() as conn:
        lowest = await conn.scalar(
            text("SELECT min(new_quantity) FROM orders.stock_adjustments WHERE product_id = :p"),
            {"p": item.id},
        )
        reservations = await conn.scalar(
            text("SELECT count(*) FROM orders.stock_adjustments WHERE product_id = :p"),
            {"p": item.id},
        )
    assert (lowest, reservations) == (0, 1)


async def test_sweeper_releases_the_stock_of_an_expired_order(uow, db):
    item = await product(uow, stock=2)
    order = await checkout(uow, await order_of(uow, item, 2))
    async with db.begin() as conn:
        await conn.execute(
            text(
                "UPDATE orders.orders SET updated_at = now() - interval '20 minutes' WHERE id = :o"
            ),
            {"o": order.id},
        )
    sweeper = PaymentSweeper(uow, None, _now, timedelta(minutes=15), 1.0)
    assert await sweeper.sweep() == 1
    cancelled = await order_handlers.get_order(TENANT, order.id, uow())
    assert cancelled.status is OrderStatus.CANCELLED and "in time" in cancelled.cancel_reason
    assert (await catalog_handlers.get_product(TENANT, item.id, uow())).stock_quantity == 2
    assert await sweeper.sweep() == 0


async def test_restocks_stop_at_the_ceiling_instead_of_overflowing_the_column(uow):
    item = await product(uow, stock=MAX_STOCK - 10)
    restock = c.AdjustStock(TENANT, item.id, AdjustmentType.RESTOCK, 11)
    with pytest.raises(InvalidInput, match="quantity_change: would take the stock past"):
        await inventory.adjust_stock(restock, uow())
    _, full = await inventory.adjust_stock(replace(restock, quantity_change=10), uow())
    assert full.stock_quantity == MAX_STOCK
