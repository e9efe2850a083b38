"""The customer's cart, kept in the dialogue state between turns, with its totals."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..catalog import Product


@dataclass(frozen=True, slots=True)
class Line:
    product_id: str
    name: str
    price: Decimal
    quantity: int

    @property
    def subtotal(self) -> Decimal:
        return self.price * self.quantity


class Cart:
    """Lines by product; adding a product again adds to its quantity."""

    def __init__(self, lines: list[Line] | None = None) -> None:
        self.lines = lines or []

    @classmethod
    def from_state(cls, raw: list[dict[str, Any]]) -> "Cart":
        return cls(
            [Line(r["id"], r["name"], Decimal(r["price"]), int(r["qty"])) for r in raw or []]
        )

    def to_state(self) -> list[dict[str, Any]]:
        return [
            {"id": x.product_id, "name": x.name, "price": str(x.price), "qty": x.quantity}
            for x in self.lines
        ]

    def quantity_of(self, product_id: str) -> int:
        return sum(x.quantity for x in self.lines if x.product_id == product_id)

    def add(self, product: Product, quantity: int) -> None:
        held = self.quantity_of(str(product.id))
        self.remove(str(product.id))
        self.lines.append(Line(str(product.id), product.name, product.price, held + quantity))

    def remove(self, product_id: str) -> None:
        self.lines = [x for x in self.lines if x.product_id != product_id]

    @property
    def total(self) -> Decimal:
        return sum((x.subtotal for x in self.lines), Decimal("0.00"))

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def summary(self, currency: str) -> str:
        rows = [f"{x.quantity}x {x.name} — {x.subtotal:.2f} {currency}" for x in self.lines]
        return "\n".join([*rows, f"Total: {self.total:.2f} {currency}"])
