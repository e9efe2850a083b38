"""The agent's cart: merging lines, totals, and the round trip through the dialogue state."""

import uuid
from decimal import Decimal

from core.order.agent.cart import Cart
from core.order.catalog import Product

PIZZA = Product(uuid.uuid4(), "Pizza Margherita", Decimal("12.00"))
COFFEE = Product(uuid.uuid4(), "Coffee", Decimal("2.50"))


def test_totals_and_merged_lines():
    cart = Cart()
    cart.add(PIZZA, 2)
    cart.add(COFFEE, 1)
    cart.add(PIZZA, 1)
    assert [(x.name, x.quantity) for x in cart.lines] == [("Coffee", 1), ("Pizza Margherita", 3)]
    assert cart.total == Decimal("38.50")
    assert cart.quantity_of(str(PIZZA.id)) == 3


def test_summary_lists_subtotals_and_total():
    cart = Cart()
    cart.add(PIZZA, 2)
    assert cart.summary("EUR") == "2x Pizza Margherita — 24.00 EUR\nTotal: 24.00 EUR"


def test_state_round_trip_survives_doubles():
    cart = Cart()
    cart.add(COFFEE, 2)
    raw = [{**line, "qty": float(line["qty"])} for line in cart.to_state()]
    again = Cart.from_state(raw)
    assert again.total == Decimal("5.00") and again.lines[0].quantity == 2


def test_remove_and_empty():
    cart = Cart()
    cart.add(COFFEE, 1)
    cart.remove(str(COFFEE.id))
    assert cart.is_empty and cart.total == Decimal("0.00")
