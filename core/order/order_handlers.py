"""Use cases of orders: create, check out, record payment, fulfil, cancel; one unit of work each."""

import uuid
from datetime import date, datetime, timedelta

from core.shared.errors import InvalidInput, NotFound
from core.shared.paging import Page
from core.shared.validation import optional_text, valid_phone

from . import commands as c
from .facts import order_facts
from .inventory import OutOfStock, release, reserve
from .notices import PAYMENT_TIMEOUT, tell_customer
from .orders import FULFILMENT_STEPS, FulfillmentType, Order, OrderItem, OrderStatus
from .ports import Clock, Notifier, OrderUnitOfWork, PaymentGateway
from .references import OrderReferences


async def _order(uow: OrderUnitOfWork, tenant_id, order_id, lock: bool = False) -> Order:
    order = await uow.orders.get(tenant_id, order_id, for_update=lock)
    if order is None:
        raise NotFound("order", order_id)
    return order


def _merged(items: tuple[c.ItemRequest, ...]) -> dict[uuid.UUID, int]:
    """Quantities per product; the same product twice becomes one line."""
    if not items:
        raise InvalidInput("order.items", "must not be empty")
    merged: dict[uuid.UUID, int] = {}
    for item in items:
        if item.quantity < 1:
            raise InvalidInput("order.items.quantity", "must be at least 1")
        merged[item.product_id] = merged.get(item.product_id, 0) + item.quantity
    return merged


async def _snapshot(uow: OrderUnitOfWork, tenant_id, product_id, quantity: int) -> OrderItem:
    """The item with the product's name and price as they are now."""
    product = await uow.products.get(tenant_id, product_id)
    if product is None:
        raise NotFound("product", product_id)
    if not product.orderable or product.stock_quantity < quantity:
        raise OutOfStock(product, quantity)
    return OrderItem(product.id, product.name, product.price, quantity)


def _checked(cmd: c.CreateOrder) -> c.CreateOrder:
    if cmd.fulfillment_type is None:
        raise InvalidInput("order.fulfillment_type", "is required")
    if cmd.fulfillment_type is FulfillmentType.DELIVERY and not cmd.delivery_address.strip():
        raise InvalidInput("order.delivery_address", "is required for delivery")
    valid_phone(cmd.customer_phone, "order.customer_phone")
    optional_text(2000)(cmd.notes, "order.notes")
    return cmd


# How far ahead an order may be fulfilled; a day's slack either side of the UTC date the
# caller gives, so no outlet's today is refused whatever its time zone.
FULFILMENT_HORIZON = timedelta(days=60)


def _fulfillable(day: date | None, today: date | None) -> None:
    if day is None or today is None:
        return
    if not today - timedelta(days=1) <= day <= today + timedelta(days=1) + FULFILMENT_HORIZON:
        raise InvalidInput(
            "order.pickup_delivery_date",
            f"must be from today to {FULFILMENT_HORIZON.days} days ahead, not {day}",
        )


async def create_order(
    cmd: c.CreateOrder,
    uow: OrderUnitOfWork,
    references: OrderReferences,
    today: date | None = None,
) -> Order:
    """A CREATED order with prices snapshotted; stock is checked now and reserved at checkout.
    Its outlet and conversation must be the tenant's (NotFound otherwise)."""
    cmd, quantities = _checked(cmd), _merged(cmd.items)
    _fulfillable(cmd.pickup_delivery_date, today)
    await references.ensure(cmd.tenant_id, cmd.outlet_id, cmd.conversation_id)
    async with uow:
        items = [await _snapshot(uow, cmd.tenant_id, p, q) for p, q in quantities.items()]
        order = Order(
            tenant_id=cmd.tenant_id,
            outlet_id=cmd.outlet_id,
            order_number=await uow.orders.next_number(cmd.tenant_id),
            items=tuple(items),
            conversation_id=cmd.conversation_id,
            fulfillment_type=cmd.fulfillment_type,
            pickup_delivery_date=cmd.pickup_delivery_date,
            customer_phone=cmd.customer_phone,
            customer_name=cmd.customer_name.strip()[:200],
            delivery_address=cmd.delivery_address.strip(),
            delivery_latitude=cmd.delivery_point.latitude if cmd.delivery_point else None,
            delivery_longitude=cmd.delivery_point.longitude if cmd.delivery_point else None,
            notes=cmd.notes,
        )
        order = await uow.orders.add(order)
        await uow.facts.add(order_facts(None, order))
        await uow.commit()
    return order


async def _saved(uow: OrderUnitOfWork, before: Order, after: Order) -> Order:
    """The change stored, with the facts analytics hears of it, in the same transaction."""
    saved = await uow.orders.update(after)
    await uow.facts.add(order_facts(before, saved))
    return saved


async def get_order(tenant_id: uuid.UUID, order_id: uuid.UUID, uow: OrderUnitOfWork) -> Order:
    async with uow:
        return await _order(uow, tenant_id, order_id)


async def list_orders(cmd: c.ListOrders, uow: OrderUnitOfWork) -> Page[Order]:
    async with uow:
        return await uow.orders.list(cmd)


async def checkout(
    ref: c.OrderRef, uow: OrderUnitOfWork, payments: PaymentGateway, currency: str
) -> Order:
    """CREATED -> PENDING_PAYMENT with the stock reserved and a payment link issued."""
    order = await get_order(ref.tenant_id, ref.order_id, uow)
    if order.status is OrderStatus.PENDING_PAYMENT:
        return order  # a retried checkout
    order.moved_to(OrderStatus.PENDING_PAYMENT)  # refuse early, before asking the provider
    # Asked outside the transaction: no product row stays locked over a network call.
    link = await payments.create_payment(order, currency)
    async with uow:
        before = await _order(uow, ref.tenant_id, ref.order_id, lock=True)
        order = before.checked_out(link.url, link.reference)
        await reserve(uow, order)
        order = await _saved(uow, before, order)
        await uow.commit()
    return order


def _payment_repeat(order: Order, cmd: c.RecordPayment) -> bool:
    reference = cmd.payment_reference
    return order.paid_at is not None and bool(reference) and reference == order.payment_reference


async def record_payment(
    cmd: c.RecordPayment, uow: OrderUnitOfWork, notifier: Notifier | None, now: Clock
) -> Order:
    """Success: PENDING_PAYMENT -> PAID and the customer is told; failure: still awaiting."""
    async with uow:
        order = await _order(uow, cmd.tenant_id, cmd.order_id, lock=True)
        if _payment_repeat(order, cmd):
            return order
        if not cmd.succeeded:
            order = await uow.orders.update(order.payment_failed())
            await uow.commit()
            return order
        if cmd.amount is None:  # marking an order paid for an amount nobody stated is a loss
            raise InvalidInput("amount", "is required when the payment succeeded")
        if cmd.amount != order.total:
            raise InvalidInput("amount", f"must equal the order total {order.total}")
        order = await _saved(uow, order, order.paid(cmd.payment_reference, cmd.paid_at or now()))
        await uow.commit()
    await tell_customer(notifier, order)
    return order


async def update_status(ref: c.OrderRef, uow: OrderUnitOfWork, notifier: Notifier | None) -> Order:
    """A staff fulfilment step (PROCESSING, READY, DELIVERED), one at a time."""
    if ref.status not in FULFILMENT_STEPS:
        raise InvalidInput("status", "must be PROCESSING, READY or DELIVERED")
    async with uow:
        order = await _order(uow, ref.tenant_id, ref.order_id, lock=True)
        order = await _saved(uow, order, order.moved_to(ref.status))
        await uow.commit()
    await tell_customer(notifier, order)
    return order


async def cancel_order(
    ref: c.OrderRef, uow: OrderUnitOfWork, notifier: Notifier | None, now: Clock
) -> Order:
    """CREATED or PENDING_PAYMENT -> CANCELLED; a reservation goes back to stock."""
    reason = optional_text(500)(ref.reason.strip(), "reason")
    async with uow:
        before = await _order(uow, ref.tenant_id, ref.order_id, lock=True)
        order = before.cancelled(reason, now())
        if before.holds_stock:
            await release(uow, order, reason or "order cancelled")
        order = await _saved(uow, before, order)
        await uow.commit()
    await tell_customer(notifier, order)
    return order


async def expired_orders(
    uow: OrderUnitOfWork, now: datetime, allowed: timedelta, limit: int
) -> list[c.OrderRef]:
    """Orders whose payment is overdue, as cancellations to make."""
    async with uow:
        found = await uow.orders.unpaid_since(now - allowed, limit)
    return [
        c.OrderRef(tenant_id, order_id, reason=PAYMENT_TIMEOUT) for tenant_id, order_id in found
    ]
