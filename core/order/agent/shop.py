"""The order use cases as the Transaction agent needs them: menu, place, look up, cancel."""

import uuid
from collections.abc import Callable
from datetime import date

from core.shared.errors import FailedPrecondition
from core.shared.paging import MAX_PAGE_SIZE, PageQuery
from core.shared.places import Point, distance_km

from .. import catalog_handlers, order_handlers
from .. import commands as c
from ..catalog import Category, Product, ProductStatus
from ..orders import FulfillmentType, Order
from ..ports import Clock, DeliveryAreas, OrderUnitOfWork, PaymentGateway
from ..references import OrderReferences
from .cart import Cart
from .turn import OrderTurn

RECENT_ORDERS = 10


class Shop:
    def __init__(
        self,
        unit_of_work: Callable[[], OrderUnitOfWork],
        payments: PaymentGateway,
        references: OrderReferences,
        clock: Clock,
        currency: str,
        areas: DeliveryAreas | None = None,
    ) -> None:
        self._uow = unit_of_work
        self._payments = payments
        self._references = references
        self._now = clock
        self.currency = currency
        self._areas = areas

    async def beyond_reach(self, turn: OrderTurn, point: Point) -> tuple[float, float] | None:
        """(distance, radius) in km when the outlet does not deliver to `point`."""
        area = (
            await self._areas.delivery_area(turn.tenant_id, turn.outlet_id) if self._areas else None
        )
        if area is None:
            return None
        centre, radius = area
        distance = distance_km(centre, point)
        return (distance, radius) if distance > radius else None

    async def categories(self, tenant_id: uuid.UUID) -> list[Category]:
        page = PageQuery(MAX_PAGE_SIZE)
        return (await catalog_handlers.list_categories(tenant_id, page, self._uow())).items

    async def products(self, tenant_id: uuid.UUID) -> list[Product]:
        """Everything on the menu, sold-out products included (to say so), inactive ones not."""
        query = c.ListProducts(tenant_id, PageQuery(MAX_PAGE_SIZE))
        page = await catalog_handlers.list_products(query, self._uow())
        return [p for p in page.items if p.status is not ProductStatus.INACTIVE]

    async def place(
        self,
        turn: OrderTurn,
        cart: Cart,
        how: FulfillmentType,
        day: date,
        address: str,
        point: Point | None = None,
    ) -> Order:
        """Create the order and check it out; a checkout that finds the stock gone cancels it."""
        command = c.CreateOrder(
            tenant_id=turn.tenant_id,
            outlet_id=turn.outlet_id,
            items=tuple(c.ItemRequest(uuid.UUID(x.product_id), x.quantity) for x in cart.lines),
            fulfillment_type=how,
            conversation_id=turn.conversation_id,
            pickup_delivery_date=day,
            customer_phone=turn.customer_phone,
            customer_name=turn.customer_name,
            delivery_address=address,
            delivery_point=point,
        )
        order = await order_handlers.create_order(command, self._uow(), self._references)
        ref = c.OrderRef(turn.tenant_id, order.id, reason="stock ran out at checkout")
        try:
            return await order_handlers.checkout(ref, self._uow(), self._payments, self.currency)
        except FailedPrecondition:
            await order_handlers.cancel_order(ref, self._uow(), None, self._now)
            raise

    async def orders_of(self, turn: OrderTurn, number: str = "") -> list[Order]:
        """The customer's recent orders, newest first (or the one with this number)."""
        query = c.ListOrders(
            turn.tenant_id,
            PageQuery(RECENT_ORDERS),
            customer_phone=turn.customer_phone,
            order_number=number,
        )
        return (await order_handlers.list_orders(query, self._uow())).items

    async def cancel(self, tenant_id: uuid.UUID, order_id: uuid.UUID) -> Order:
        ref = c.OrderRef(tenant_id, order_id, reason="cancelled by the customer")
        return await order_handlers.cancel_order(ref, self._uow(), None, self._now)
