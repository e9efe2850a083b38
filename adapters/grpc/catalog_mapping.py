"""Catalog entities (categories, products, stock adjustments) <-> crm.order.v1 messages."""

import uuid
from typing import Any

from crm.order.v1 import order_pb2 as pb

from core.order import commands as c
from core.order.catalog import Category, Product, ProductStatus
from core.order.stock import StockAdjustment
from core.shared.ids import parse_id

from .convert import enum_to_domain, enum_to_proto, money_message, optional_id, timestamp


def text_id(value: uuid.UUID | None) -> str:
    return str(value) if value else ""


def category_message(category: Category) -> pb.Category:
    return pb.Category(
        id=str(category.id),
        tenant_id=str(category.tenant_id),
        name=category.name,
        display_order=category.display_order,
        description=category.description,
        create_time=timestamp(category.created_at),
        update_time=timestamp(category.updated_at),
    )


def product_message(product: Product, currency: str) -> pb.Product:
    return pb.Product(
        id=str(product.id),
        tenant_id=str(product.tenant_id),
        name=product.name,
        description=product.description,
        price=money_message(product.price, currency),
        stock_quantity=product.stock_quantity,
        low_stock_threshold=product.low_stock_threshold,
        category_id=text_id(product.category_id),
        category=product.category,
        sku=product.sku,
        status=enum_to_proto(product.status, pb.ProductStatus),
        low_stock=product.low_stock,
        image_url=product.image_url,
        aliases=product.aliases,
        create_time=timestamp(product.created_at),
        update_time=timestamp(product.updated_at),
    )


def adjustment_message(adjustment: StockAdjustment) -> pb.StockAdjustment:
    return pb.StockAdjustment(
        id=str(adjustment.id),
        tenant_id=str(adjustment.tenant_id),
        product_id=str(adjustment.product_id),
        adjustment_type=enum_to_proto(adjustment.adjustment_type, pb.AdjustmentType),
        quantity_change=adjustment.quantity_change,
        new_quantity=adjustment.new_quantity,
        order_id=text_id(adjustment.order_id),
        adjusted_by=text_id(adjustment.adjusted_by),
        reason=adjustment.reason,
        create_time=timestamp(adjustment.created_at),
        update_time=timestamp(adjustment.updated_at),
    )


def create_category_command(category: pb.Category) -> c.CreateCategory:
    return c.CreateCategory(
        tenant_id=parse_id(category.tenant_id, "category.tenant_id"),
        name=category.name,
        display_order=category.display_order,
        description=category.description,
    )


def create_product_command(product: pb.Product) -> c.CreateProduct:
    return c.CreateProduct(
        tenant_id=parse_id(product.tenant_id, "product.tenant_id"),
        name=product.name,
        price=product.price.amount or "missing",
        description=product.description,
        stock_quantity=product.stock_quantity,
        low_stock_threshold=product.low_stock_threshold,
        category_id=optional_id(product.category_id, "product.category_id"),
        sku=product.sku,
        status=enum_to_domain(product, "status", ProductStatus),
        image_url=product.image_url,
        aliases=tuple(product.aliases),
    )


# How each field UpdateCategory / UpdateProduct may change is read from the message.
CATEGORY_READERS: dict[str, Any] = {
    "name": lambda m: m.name,
    "display_order": lambda m: m.display_order,
    "description": lambda m: m.description,
}
PRODUCT_READERS: dict[str, Any] = {
    "name": lambda m: m.name,
    "description": lambda m: m.description,
    "price": lambda m: m.price.amount,
    "low_stock_threshold": lambda m: m.low_stock_threshold,
    "category_id": lambda m: optional_id(m.category_id, "product.category_id"),
    "sku": lambda m: m.sku,
    "status": lambda m: enum_to_domain(m, "status", ProductStatus),
    "image_url": lambda m: m.image_url,
    "aliases": lambda m: tuple(m.aliases),
}
