"""Categories and products of a tenant's catalog, and the rules their fields follow."""

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from core.shared.errors import InvalidInput
from core.shared.validation import optional_text, required_text

MAX_PRICE = Decimal("9999999999.99")  # NUMERIC(12, 2)
# The most a product may hold: restocks add up, and the int4 column ends at 2147483647.
MAX_STOCK = 1_000_000_000


class ProductStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    OUT_OF_STOCK = "out_of_stock"  # kept by the service: stock reached zero


def money(value: Any, field_name: str) -> Decimal:
    """A non-negative amount with at most two fraction digits."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput(field_name, f"{value!r} is not a decimal amount") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_PRICE:
        raise InvalidInput(field_name, "must be between 0 and 9999999999.99")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(field_name, "must have at most two fraction digits")
    return amount.quantize(Decimal("0.01"))


def non_negative(value: int, field_name: str) -> int:
    if value < 0:
        raise InvalidInput(field_name, "must not be negative")
    return value


MAX_ALIASES, MAX_ALIAS_LENGTH = 20, 60


def aliases(value: Any, field_name: str) -> tuple[str, ...]:
    """Other names of a product, trimmed, each once (case aside), in the order given."""
    kept: dict[str, str] = {}
    for alias in value:
        alias = " ".join(str(alias).split())
        if not alias or len(alias) > MAX_ALIAS_LENGTH:
            raise InvalidInput(field_name, f"each must be 1 to {MAX_ALIAS_LENGTH} characters")
        kept.setdefault(alias.casefold(), alias)
    if len(kept) > MAX_ALIASES:
        raise InvalidInput(field_name, f"must be at most {MAX_ALIASES}")
    return tuple(kept.values())


def writable_status(value: Any, field_name: str) -> ProductStatus:
    """Staff set ACTIVE or INACTIVE; OUT_OF_STOCK follows the stock on its own."""
    if value not in (ProductStatus.ACTIVE, ProductStatus.INACTIVE):
        raise InvalidInput(field_name, "must be ACTIVE or INACTIVE")
    return ProductStatus(value)


@dataclass(frozen=True, slots=True)
class Category:
    tenant_id: uuid.UUID
    name: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    display_order: int = 0
    description: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Product:
    tenant_id: uuid.UUID
    name: str
    price: Decimal
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    description: str = ""
    stock_quantity: int = 0
    low_stock_threshold: int = 0
    category_id: uuid.UUID | None = None
    category: str = ""  # the category's name, kept beside its id for menus
    sku: str = ""
    status: ProductStatus = ProductStatus.ACTIVE
    image_url: str = ""
    aliases: tuple[str, ...] = ()  # what customers also call it: "coke", "jus jeruk"
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def low_stock(self) -> bool:
        return self.stock_quantity <= self.low_stock_threshold

    @property
    def orderable(self) -> bool:
        return self.status is ProductStatus.ACTIVE and self.stock_quantity > 0

    def with_stock_status(self) -> "Product":
        """Sold out at zero, active again on restock; an inactive product stays inactive."""
        if self.status is ProductStatus.ACTIVE and self.stock_quantity == 0:
            return replace(self, status=ProductStatus.OUT_OF_STOCK)
        if self.status is ProductStatus.OUT_OF_STOCK and self.stock_quantity > 0:
            return replace(self, status=ProductStatus.ACTIVE)
        return self


# What UpdateCategory / UpdateProduct may change, and the rule each value must pass.
CATEGORY_FIELDS = {
    "name": required_text,
    "display_order": lambda value, _: int(value),
    "description": optional_text(2000),
}
PRODUCT_FIELDS = {
    "name": required_text,
    "description": optional_text(2000),
    "price": money,
    "low_stock_threshold": non_negative,
    "category_id": lambda value, _: value,
    "sku": optional_text(64),
    "status": writable_status,
    "image_url": optional_text(2000),
    "aliases": aliases,
}
