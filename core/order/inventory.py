"""Stock changes: staff adjustments, and the reservations orders hold from checkout on."""

import uuid
from dataclasses import dataclass

from core.shared.errors import FailedPrecondition, InvalidInput, NotFound
from core.shared.paging import Page
from core.shared.validation import optional_text

from . import commands as c
from .catalog import MAX_STOCK, Product
from .orders import Order
from .ports import OrderUnitOfWork
from .stock import AdjustmentType, StockAdjustment, checked_change


class OutOfStock(FailedPrecondition):
    """Not enough of a product is left for the change."""

    def __init__(self, product: Product | None, wanted: int) -> None:
        name = product.name if product else "the product"
        left = product.stock_quantity if product else 0
        super().__init__(f"{name}: only {left} left, {wanted} wanted")
        self.product = product


@dataclass(frozen=True, slots=True)
class Change:
    """One stock change to make and record."""

    tenant_id: uuid.UUID
    product_id: uuid.UUID
    kind: AdjustmentType
    quantity: int  # signed
    order_id: uuid.UUID | None = None
    adjusted_by: uuid.UUID | None = None
    reason: str = ""


async def apply(uow: OrderUnitOfWork, change: Change) -> tuple[StockAdjustment, Product]:
    """Change the stock atomically (never below zero) and write its adjustment."""
    product = await uow.products.change_stock(change.tenant_id, change.product_id, change.quantity)
    if product is None:
        current = await uow.products.get(change.tenant_id, change.product_id)
        if current is None:
            raise NotFound("product", change.product_id)
        if current.stock_quantity + change.quantity > MAX_STOCK:
            raise InvalidInput("quantity_change", f"would take the stock past {MAX_STOCK}")
        raise OutOfStock(current, -change.quantity)
    settled = product.with_stock_status()
    if settled != product:
        product = await uow.products.update(settled)
    adjustment = StockAdjustment(
        tenant_id=change.tenant_id,
        product_id=change.product_id,
        adjustment_type=change.kind,
        quantity_change=change.quantity,
        new_quantity=product.stock_quantity,
        order_id=change.order_id,
        adjusted_by=change.adjusted_by,
        reason=change.reason,
    )
    return await uow.adjustments.add(adjustment), product


async def reserve(uow: OrderUnitOfWork, order: Order) -> None:
    """Hold every item's quantity for the order; one missing item undoes them all (rollback).

    Products are taken in id order, so two checkouts sharing products never deadlock."""
    for item in sorted(order.items, key=lambda i: i.product_id):
        kind = AdjustmentType.RESERVATION
        await apply(uow, Change(order.tenant_id, item.product_id, kind, -item.quantity, order.id))


async def release(uow: OrderUnitOfWork, order: Order, reason: str) -> None:
    for item in sorted(order.items, key=lambda i: i.product_id):
        change = Change(
            order.tenant_id,
            item.product_id,
            AdjustmentType.RELEASE,
            item.quantity,
            order.id,
            reason=reason,
        )
        await apply(uow, change)


async def adjust_stock(cmd: c.AdjustStock, uow: OrderUnitOfWork) -> tuple[StockAdjustment, Product]:
    kind = checked_change(cmd.adjustment_type, cmd.quantity_change)
    change = Change(
        cmd.tenant_id,
        cmd.product_id,
        kind,
        cmd.quantity_change,
        cmd.order_id,
        cmd.adjusted_by,
        optional_text(500)(cmd.reason.strip(), "reason"),
    )
    async with uow:
        result = await apply(uow, change)
        await uow.commit()
    return result


async def list_adjustments(
    cmd: c.ListStockAdjustments, uow: OrderUnitOfWork
) -> Page[StockAdjustment]:
    async with uow:
        return await uow.adjustments.list(cmd)
