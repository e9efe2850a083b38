"""Tables of the order service (schema `orders`): catalog, stock history, orders and items."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Double,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from .base import (
    Base,
    CreatedAt,
    Money,
    PendingFacts,
    TenantId,
    UpdatedAt,
    UuidPk,
    one_of,
    same_tenant,
    tenant_key,
)

SCHEMA = "orders"

# out_of_stock: set when stock_quantity reaches 0, back to active on restock.
PRODUCT_STATUSES: tuple[str, ...] = ("active", "inactive", "out_of_stock")
ADJUSTMENT_TYPES: tuple[str, ...] = (
    "restock",
    "sale",
    "reservation",
    "release",
    "correction",
    "damage",
)
ORDER_STATUSES: tuple[str, ...] = (
    "created",
    "pending_payment",
    "paid",
    "processing",
    "ready",
    "delivered",
    "cancelled",
)
PAYMENT_STATUSES: tuple[str, ...] = ("unpaid", "pending", "paid", "refunded", "failed")
FULFILLMENT_TYPES: tuple[str, ...] = ("pickup", "delivery")


class CategoryRow(Base):
    __tablename__ = "categories"
    __table_args__ = (
        tenant_key("categories"),
        UniqueConstraint("tenant_id", "name", name="uq_categories_tenant_id_name"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    name: Mapped[str] = mapped_column(String(200))
    display_order: Mapped[int] = mapped_column(Integer, server_default="0")
    description: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class ProductRow(Base):
    __tablename__ = "products"
    __table_args__ = (
        tenant_key("products"),
        same_tenant("products", "category_id", f"{SCHEMA}.categories", "SET NULL"),
        one_of("status", PRODUCT_STATUSES),
        CheckConstraint("stock_quantity >= 0", name="stock_quantity_non_negative"),
        CheckConstraint("low_stock_threshold >= 0", name="low_stock_threshold_non_negative"),
        CheckConstraint("price >= 0", name="price_non_negative"),
        # NULL SKUs never collide; a given SKU is unique within a tenant.
        UniqueConstraint("tenant_id", "sku", name="uq_products_tenant_id_sku"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    category_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, server_default="")
    price: Mapped[Money]
    stock_quantity: Mapped[int] = mapped_column(Integer, server_default="0")
    low_stock_threshold: Mapped[int] = mapped_column(Integer, server_default="0")
    # ERD column: the category's name as shown to customers (category_id is the link).
    category: Mapped[str | None] = mapped_column(String(200))
    sku: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), server_default=PRODUCT_STATUSES[0])
    image_url: Mapped[str] = mapped_column(Text, server_default="")
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class OrderRow(Base):
    __tablename__ = "orders"
    __table_args__ = (
        tenant_key("orders"),
        one_of("status", ORDER_STATUSES),
        one_of("payment_status", PAYMENT_STATUSES),
        one_of("fulfillment_type", FULFILLMENT_TYPES),
        CheckConstraint("total >= 0", name="total_non_negative"),
        UniqueConstraint("tenant_id", "order_number", name="uq_orders_tenant_id_order_number"),
        Index("ix_orders_tenant_id_status", "tenant_id", "status"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    # tenant.outlets.id and conversation.conversations.id (other services).
    outlet_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    conversation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    order_number: Mapped[str] = mapped_column(String(32))
    customer_phone: Mapped[str | None] = mapped_column(String(32))
    customer_name: Mapped[str | None] = mapped_column(String(200))
    delivery_address: Mapped[str] = mapped_column(Text, server_default="")
    delivery_latitude: Mapped[float | None] = mapped_column(Double)
    delivery_longitude: Mapped[float | None] = mapped_column(Double)
    notes: Mapped[str] = mapped_column(Text, server_default="")
    payment_link: Mapped[str] = mapped_column(Text, server_default="")
    payment_reference: Mapped[str] = mapped_column(String(200), server_default="")
    cancel_reason: Mapped[str] = mapped_column(Text, server_default="")
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), server_default=ORDER_STATUSES[0])
    total: Mapped[Money] = mapped_column(server_default="0")
    payment_status: Mapped[str] = mapped_column(String(20), server_default=PAYMENT_STATUSES[0])
    fulfillment_type: Mapped[str] = mapped_column(String(20), server_default=FULFILLMENT_TYPES[0])
    pickup_delivery_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class OrderItemRow(Base):
    __tablename__ = "order_items"
    __table_args__ = (
        same_tenant("order_items", "order_id", f"{SCHEMA}.orders", "CASCADE"),
        same_tenant("order_items", "product_id", f"{SCHEMA}.products", "RESTRICT"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("product_price >= 0", name="product_price_non_negative"),
        CheckConstraint("subtotal >= 0", name="subtotal_non_negative"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    order_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    # Ordered products are deactivated, not deleted; name and price are copied at order time.
    product_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    product_name: Mapped[str] = mapped_column(String(200))
    product_price: Mapped[Money]
    quantity: Mapped[int] = mapped_column(Integer)
    subtotal: Mapped[Money]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class StockAdjustmentRow(Base):
    __tablename__ = "stock_adjustments"
    __table_args__ = (
        same_tenant("stock_adjustments", "product_id", f"{SCHEMA}.products", "CASCADE"),
        same_tenant("stock_adjustments", "order_id", f"{SCHEMA}.orders", "SET NULL"),
        one_of("adjustment_type", ADJUSTMENT_TYPES),
        CheckConstraint("new_quantity >= 0", name="new_quantity_non_negative"),
        Index("ix_stock_adjustments_product_id_created_at", "product_id", "created_at"),
        {"schema": SCHEMA},
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    product_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    adjustment_type: Mapped[str] = mapped_column(String(20))
    quantity_change: Mapped[int] = mapped_column(Integer)
    new_quantity: Mapped[int] = mapped_column(Integer)
    order_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    # tenant.users.id (another service); NULL when the system adjusted (sale, reservation).
    adjusted_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    reason: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class PendingFactRow(PendingFacts, Base):
    """Facts for analytics not yet relayed (core.shared.facts)."""

    schema = SCHEMA
