"""Fixtures of the order unit tests: fakes of the ports and a small menu."""

import uuid

import pytest

from core.order import catalog_handlers
from core.order import commands as c
from core.order.references import OrderReferences
from tests.fakes import (
    FakeClock,
    FakeConversations,
    FakeNotifier,
    FakeOrderUnitOfWork,
    FakeOutlets,
    FakePaymentGateway,
)

TENANT = uuid.UUID("00000000-0000-4000-8000-000000000001")
OUTLET = uuid.UUID("00000000-0000-4000-8000-0000000000a1")
# Another tenant's outlet and conversation, as their owners answer for them: not found.
THEIR_OUTLET = uuid.UUID("00000000-0000-4000-8000-0000000000b1")
THEIR_CONVERSATION = uuid.UUID("00000000-0000-4000-8000-0000000000c1")
REFERENCES = OrderReferences(FakeOutlets(THEIR_OUTLET), FakeConversations(THEIR_CONVERSATION))
PHONE = "+34600111222"


@pytest.fixture
def uow() -> FakeOrderUnitOfWork:
    return FakeOrderUnitOfWork()


@pytest.fixture
def payments() -> FakePaymentGateway:
    return FakePaymentGateway()


@pytest.fixture
def notifier() -> FakeNotifier:
    return FakeNotifier()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def menu(uow):
    """Mains (two pizzas, a paella with 1 left) and Drinks (a sold-out beer, a coffee)."""
    mains = await catalog_handlers.create_category(c.CreateCategory(TENANT, "Mains", 1), uow)
    drinks = await catalog_handlers.create_category(c.CreateCategory(TENANT, "Drinks", 2), uow)
    rows = [
        ("Pizza Margherita", "12.00", 50, mains),
        ("Pizza Diavola", "14.00", 50, mains),
        ("Seafood paella for two", "42.00", 1, mains),
        ("Draught beer", "3.50", 0, drinks),
        ("Coffee", "2.00", 50, drinks),
    ]
    products = {}
    for name, price, stock, category in rows:
        command = c.CreateProduct(
            TENANT, name, price, stock_quantity=stock, category_id=category.id
        )
        products[name] = await catalog_handlers.create_product(command, uow)
    return products
