"""Stock adjustments: every change of a product's stock, with its kind, sign and cause."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.shared.errors import InvalidInput


class AdjustmentType(StrEnum):
    RESTOCK = "restock"  # goods received
    SALE = "sale"  # sold outside an order reservation
    RESERVATION = "reservation"  # held for an order at checkout
    RELEASE = "release"  # a reservation given back on cancellation
    CORRECTION = "correction"  # a stock count put right, either sign
    DAMAGE = "damage"  # damaged or spoiled goods


# The sign each kind of change must carry: +1 adds, -1 removes, 0 either.
SIGN = {
    AdjustmentType.RESTOCK: 1,
    AdjustmentType.SALE: -1,
    AdjustmentType.RESERVATION: -1,
    AdjustmentType.RELEASE: 1,
    AdjustmentType.CORRECTION: 0,
    AdjustmentType.DAMAGE: -1,
}


def checked_change(kind: AdjustmentType | None, change: int) -> AdjustmentType:
    """The kind, once the change is non-zero and signed as the kind demands."""
    if kind is None:
        raise InvalidInput("adjustment_type", "is required")
    if change == 0:
        raise InvalidInput("quantity_change", "must not be zero")
    sign = SIGN[kind]
    if sign and (change > 0) != (sign > 0):
        expected = "positive" if sign > 0 else "negative"
        raise InvalidInput("quantity_change", f"must be {expected} for {kind.value}")
    return kind


@dataclass(frozen=True, slots=True)
class StockAdjustment:
    tenant_id: uuid.UUID
    product_id: uuid.UUID
    adjustment_type: AdjustmentType
    quantity_change: int
    new_quantity: int
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    order_id: uuid.UUID | None = None
    adjusted_by: uuid.UUID | None = None  # the staff user; None for automatic changes
    reason: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
