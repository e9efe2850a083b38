"""Every allowed and every refused step of the order state machine, table-driven."""

import itertools
import uuid
from decimal import Decimal

import pytest

from core.order.orders import TRANSITIONS, Order, OrderItem, OrderStatus
from core.shared.errors import FailedPrecondition

S = OrderStatus
ALLOWED = {
    (S.CREATED, S.PENDING_PAYMENT),
    (S.CREATED, S.CANCELLED),
    (S.PENDING_PAYMENT, S.PAID),
    (S.PENDING_PAYMENT, S.CANCELLED),
    (S.PAID, S.PROCESSING),
    (S.PROCESSING, S.READY),
    (S.READY, S.DELIVERED),
}
EVERY_PAIR = list(itertools.product(S, S))


def order_in(status: OrderStatus) -> Order:
    item = OrderItem(uuid.uuid4(), "Coffee", Decimal("2.00"), 2)
    return Order(uuid.uuid4(), uuid.uuid4(), "1042", (item,), status=status)


def test_the_table_is_exactly_the_seed_machine():
    table = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == ALLOWED


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_step(current, target):
    assert order_in(current).moved_to(target).status is target


@pytest.mark.parametrize(
    ("current", "target"), [pair for pair in EVERY_PAIR if pair not in ALLOWED]
)
def test_refused_step_names_the_current_state(current, target):
    with pytest.raises(FailedPrecondition) as refused:
        order_in(current).moved_to(target)
    assert f"is {current.value}" in refused.value.message
    assert target.value in refused.value.message


@pytest.mark.parametrize("status", list(S))
def test_only_an_order_awaiting_payment_holds_stock(status):
    assert order_in(status).holds_stock is (status is S.PENDING_PAYMENT)


def test_total_sums_the_items():
    items = (
        OrderItem(uuid.uuid4(), "Pizza", Decimal("12.00"), 2),
        OrderItem(uuid.uuid4(), "Coffee", Decimal("2.50"), 3),
    )
    order = Order(uuid.uuid4(), uuid.uuid4(), "1", items)
    assert order.total == Decimal("31.50")
