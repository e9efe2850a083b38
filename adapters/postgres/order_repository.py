"""Postgres repository of orders with their items, and the order context's unit of work."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.order.commands import ListOrders
from core.order.orders import FulfillmentType, Order, OrderItem, OrderStatus, PaymentStatus
from core.shared.paging import Page

from .catalog_repository import (
    SqlAlchemyCategoryRepository,
    SqlAlchemyProductRepository,
    SqlAlchemyStockAdjustmentRepository,
)
from .fact_outbox import SqlAlchemyFactOutbox
from .models.order import OrderItemRow, OrderRow, PendingFactRow
from .paging import Keyset, paginate, split_page
from .table import Table, writable
from .unit_of_work import SqlAlchemyUnitOfWork

FIRST_NUMBER = 1001
_NEWEST_FIRST = Keyset(OrderRow.created_at, OrderRow.id, lambda row: row.created_at, True)
_NUMERIC = "^[0-9]{1,18}$"
# Columns copied as they are from the row to the order.
_PLAIN = (
    "id", "tenant_id", "outlet_id", "conversation_id", "order_number", "pickup_delivery_date",
    "delivery_address", "delivery_latitude", "delivery_longitude", "notes", "payment_link", "payment_reference", "cancel_reason",
    "paid_at", "cancelled_at", "created_at", "updated_at",
)  # fmt: skip


def _item(row: OrderItemRow) -> OrderItem:
    return OrderItem(
        id=row.id,
        product_id=row.product_id,
        product_name=row.product_name,
        product_price=row.product_price,
        quantity=row.quantity,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _order(row: OrderRow, items: Sequence[OrderItemRow]) -> Order:
    return Order(
        **{name: getattr(row, name) for name in _PLAIN},
        items=tuple(_item(item) for item in items),
        status=OrderStatus(row.status),
        payment_status=PaymentStatus(row.payment_status),
        fulfillment_type=FulfillmentType(row.fulfillment_type),
        customer_phone=row.customer_phone or "",
        customer_name=row.customer_name or "",
    )


def _values(order: Order) -> dict[str, Any]:
    values = writable(order)
    values.pop("items")
    return {**values, "total": order.total}


def _item_values(order: Order, item: OrderItem) -> dict[str, Any]:
    values = writable(item)
    return {**values, "tenant_id": order.tenant_id, "order_id": order.id, "subtotal": item.subtotal}


def _filters(query: ListOrders) -> list[Any]:
    row = OrderRow
    where = [row.tenant_id == query.tenant_id]
    for name in ("outlet_id", "conversation_id", "customer_phone", "order_number"):
        if value := getattr(query, name):
            where.append(getattr(row, name) == value)
    for name in ("status", "payment_status"):
        if value := getattr(query, name):
            where.append(getattr(row, name) == value.value)
    if query.start:
        where.append(row.created_at >= query.start)
    if query.end:
        where.append(row.created_at < query.end)
    return where


class SqlAlchemyOrderRepository(Table[Order]):
    """Every read and write is scoped by tenant; items are written once, with their order."""

    row = OrderRow
    to_values = staticmethod(_values)
    immutable = ("id", "tenant_id")

    async def _with_items(self, rows: Sequence[OrderRow]) -> list[Order]:
        ids = [row.id for row in rows]
        items: dict[uuid.UUID, list[OrderItemRow]] = {order_id: [] for order_id in ids}
        found = await self._session.scalars(
            select(OrderItemRow)
            .where(OrderItemRow.order_id.in_(ids))
            .order_by(OrderItemRow.created_at, OrderItemRow.id)
        )
        for item in found:
            items[item.order_id].append(item)
        return [_order(row, items[row.id]) for row in rows]

    async def add(self, order: Order) -> Order:
        row = await self._session.scalar(
            insert(OrderRow).values(**_values(order)).returning(OrderRow)
        )
        await self._session.execute(
            insert(OrderItemRow), [_item_values(order, item) for item in order.items]
        )
        return (await self._with_items([row]))[0]

    async def get(
        self, tenant_id: uuid.UUID, order_id: uuid.UUID, *, for_update: bool = False
    ) -> Order | None:
        statement = select(OrderRow).where(OrderRow.tenant_id == tenant_id, OrderRow.id == order_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        row = await self._session.scalar(statement)
        return (await self._with_items([row]))[0] if row else None

    async def update(self, order: Order) -> Order:
        values = _values(order)
        keys = {name: values.pop(name) for name in self.immutable}
        row = await self._session.scalar(
            update(OrderRow)
            .where(OrderRow.id == keys["id"], OrderRow.tenant_id == keys["tenant_id"])
            .values(**values)
            .returning(OrderRow)
            .execution_options(populate_existing=True)
        )
        return (await self._with_items([row]))[0]

    async def list(self, query: ListOrders) -> Page[Order]:
        statement = paginate(
            select(OrderRow).where(*_filters(query)), OrderRow, query.page, _NEWEST_FIRST
        )
        rows, token = split_page(
            (await self._session.scalars(statement)).all(), query.page, _NEWEST_FIRST
        )
        return Page(await self._with_items(rows), token)

    async def next_number(self, tenant_id: uuid.UUID) -> str:
        # One numbering per tenant at a time: the lock is the transaction's, so the number
        # read here is inserted before the next creator of this tenant reads its own.
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"orders.order_number:{tenant_id}"},
        )
        highest = await self._session.scalar(
            select(func.max(OrderRow.order_number.cast(BigInteger))).where(
                OrderRow.tenant_id == tenant_id, OrderRow.order_number.regexp_match(_NUMERIC)
            )
        )
        return str(max(highest or 0, FIRST_NUMBER - 1) + 1)

    async def unpaid_since(
        self, cutoff: datetime, limit: int
    ) -> Sequence[tuple[uuid.UUID, uuid.UUID]]:
        rows = await self._session.execute(
            select(OrderRow.tenant_id, OrderRow.id)
            .where(
                OrderRow.status == OrderStatus.PENDING_PAYMENT.value, OrderRow.updated_at < cutoff
            )
            .order_by(OrderRow.updated_at)
            .limit(limit)
        )
        return [(tenant_id, order_id) for tenant_id, order_id in rows]


class SqlAlchemyOrderUnitOfWork(SqlAlchemyUnitOfWork):
    categories: SqlAlchemyCategoryRepository
    products: SqlAlchemyProductRepository
    adjustments: SqlAlchemyStockAdjustmentRepository
    orders: SqlAlchemyOrderRepository
    facts: SqlAlchemyFactOutbox

    def attach(self, session: AsyncSession) -> None:
        self.categories = SqlAlchemyCategoryRepository(session)
        self.products = SqlAlchemyProductRepository(session)
        self.adjustments = SqlAlchemyStockAdjustmentRepository(session)
        self.orders = SqlAlchemyOrderRepository(session)
        self.facts = SqlAlchemyFactOutbox(session, PendingFactRow)
