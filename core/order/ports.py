"""What the order use cases need from the outside world."""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self

from core.shared.facts import FactOutbox
from core.shared.paging import Page, PageQuery
from core.shared.places import Point

from .catalog import Category, Product
from .commands import ListOrders, ListProducts, ListStockAdjustments
from .orders import Order
from .stock import StockAdjustment

Clock = Callable[[], datetime]


class CategoryRepository(Protocol):
    async def add(self, category: Category) -> Category: ...
    async def get(self, tenant_id: uuid.UUID, category_id: uuid.UUID) -> Category | None: ...
    async def update(self, category: Category) -> Category: ...
    async def delete(self, tenant_id: uuid.UUID, category_id: uuid.UUID) -> bool: ...
    async def list(self, tenant_id: uuid.UUID, page: PageQuery) -> Page[Category]:
        """By display_order, then name."""
        ...


class ProductRepository(Protocol):
    async def add(self, product: Product) -> Product: ...
    async def get(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> Product | None: ...
    async def update(self, product: Product) -> Product: ...
    async def delete(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> bool: ...
    async def ordered(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> bool:
        """Whether any order item refers to the product."""
        ...

    async def list(self, query: ListProducts) -> Page[Product]:
        """By name."""
        ...

    async def change_stock(
        self, tenant_id: uuid.UUID, product_id: uuid.UUID, change: int
    ) -> Product | None:
        """Add `change` to the stock in one atomic step; None when it would go below zero or
        past MAX_STOCK (or the product is not the tenant's). Concurrent changes of one product
        serialise."""
        ...


class StockAdjustmentRepository(Protocol):
    async def add(self, adjustment: StockAdjustment) -> StockAdjustment: ...
    async def list(self, query: ListStockAdjustments) -> Page[StockAdjustment]:
        """Newest first."""
        ...


class OrderRepository(Protocol):
    async def add(self, order: Order) -> Order:
        """Store the order with its items."""
        ...

    async def get(
        self, tenant_id: uuid.UUID, order_id: uuid.UUID, *, for_update: bool = False
    ) -> Order | None:
        """The order; `for_update` holds it until commit, serialising its state changes."""
        ...

    async def update(self, order: Order) -> Order:
        """Store the order's own fields (its items never change)."""
        ...

    async def list(self, query: ListOrders) -> Page[Order]: ...
    async def next_number(self, tenant_id: uuid.UUID) -> str:
        """The tenant's next order number; held for this transaction, so it stays unique."""
        ...

    async def unpaid_since(
        self, cutoff: datetime, limit: int
    ) -> Sequence[tuple[uuid.UUID, uuid.UUID]]:
        """(tenant id, order id) of orders awaiting payment since before `cutoff`, any tenant."""
        ...


class OrderUnitOfWork(Protocol):
    """One transaction over the order context's repositories."""

    categories: CategoryRepository
    products: ProductRepository
    adjustments: StockAdjustmentRepository
    orders: OrderRepository
    facts: FactOutbox

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...


@dataclass(frozen=True, slots=True)
class PaymentLink:
    url: str  # where the customer pays
    reference: str  # the provider's id of this payment request


class PaymentGateway(Protocol):
    """A payment provider: it issues a link now and confirms the payment later (RecordPayment)."""

    async def create_payment(self, order: Order, currency: str) -> PaymentLink:
        """Idempotent per order: asking again for the same order gives the same payment."""
        ...


@dataclass(frozen=True, slots=True)
class Notice:
    """What to tell the customer: the text, and the tenant's template that says it outside
    the 24-hour window, with its variables."""

    text: str
    template: str
    parameters: tuple[str, ...]


class Notifier(Protocol):
    """Tells the customer on WhatsApp, by the notice's template when their window closed;
    `key` makes a repeated notice a no-op."""

    async def notify(self, order: Order, notice: Notice, key: str) -> None: ...


class DeliveryAreas(Protocol):
    """The tenant service: where an outlet is and how far it delivers."""

    async def delivery_area(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID
    ) -> tuple[Point, float] | None:
        """(the outlet's location, its radius in km); None when it delivers anywhere or its
        location is not on record."""
        ...
