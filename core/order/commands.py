"""Requests to the order context, parsed from the wire but not yet validated."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.shared.paging import PageQuery
from core.shared.places import Point

from .catalog import ProductStatus
from .orders import FulfillmentType, OrderStatus, PaymentStatus
from .stock import AdjustmentType


@dataclass(frozen=True)
class CreateCategory:
    tenant_id: uuid.UUID
    name: str
    display_order: int = 0
    description: str = ""


@dataclass(frozen=True)
class CreateProduct:
    tenant_id: uuid.UUID
    name: str
    price: str
    description: str = ""
    stock_quantity: int = 0
    low_stock_threshold: int = 0
    category_id: uuid.UUID | None = None
    sku: str = ""
    status: ProductStatus | None = None
    image_url: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Update:
    """A change of a category or a product: the fields named, with their new values."""

    tenant_id: uuid.UUID
    entity_id: uuid.UUID
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class ListProducts:
    tenant_id: uuid.UUID
    page: PageQuery
    category_id: uuid.UUID | None = None
    status: ProductStatus | None = None
    low_stock_only: bool = False
    query: str = ""


@dataclass(frozen=True)
class AdjustStock:
    tenant_id: uuid.UUID
    product_id: uuid.UUID
    adjustment_type: AdjustmentType | None
    quantity_change: int
    reason: str = ""
    order_id: uuid.UUID | None = None
    adjusted_by: uuid.UUID | None = None


@dataclass(frozen=True)
class ListStockAdjustments:
    tenant_id: uuid.UUID
    page: PageQuery
    product_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    adjustment_type: AdjustmentType | None = None


@dataclass(frozen=True)
class ItemRequest:
    product_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class CreateOrder:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    items: tuple[ItemRequest, ...]
    fulfillment_type: FulfillmentType | None = None
    conversation_id: uuid.UUID | None = None
    pickup_delivery_date: date | None = None
    customer_phone: str = ""
    customer_name: str = ""
    delivery_address: str = ""
    notes: str = ""
    delivery_point: Point | None = None


@dataclass(frozen=True)
class ListOrders:
    """An admin's search; unset filters match everything. Newest first."""

    tenant_id: uuid.UUID
    page: PageQuery
    outlet_id: uuid.UUID | None = None
    status: OrderStatus | None = None
    payment_status: PaymentStatus | None = None
    customer_phone: str = ""
    conversation_id: uuid.UUID | None = None
    order_number: str = ""
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class RecordPayment:
    tenant_id: uuid.UUID
    order_id: uuid.UUID
    succeeded: bool = True
    amount: Decimal | None = None
    payment_reference: str = ""
    paid_at: datetime | None = None


@dataclass(frozen=True)
class OrderRef:
    """One order of a tenant, and what to do with it."""

    tenant_id: uuid.UUID
    order_id: uuid.UUID
    status: OrderStatus | None = None  # UpdateOrderStatus: the next step
    reason: str = ""  # CancelOrder
