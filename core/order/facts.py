"""What analytics hears of an order's life, read off the change: created, paid, each status it
moves to, cancelled, delivered (core.shared.facts). Amounts are the order's total; items say
what was sold, for the top products."""

from typing import Any

from core.shared.facts import Fact

from .orders import Order, OrderStatus

CREATED, STATUS_CHANGED = "order.created", "order.status_changed"
REACHED = {
    OrderStatus.PAID: "order.paid",
    OrderStatus.CANCELLED: "order.cancelled",
    OrderStatus.DELIVERED: "order.delivered",
}
NAMES = frozenset({CREATED, STATUS_CHANGED, *REACHED.values()})


def order_facts(before: Order | None, after: Order) -> list[Fact]:
    """The facts of `before` becoming `after` (None before: just placed)."""
    if before is None:
        names = [CREATED]
    elif before.status == after.status:
        names = []
    else:
        names = [REACHED.get(after.status, STATUS_CHANGED)]
    return [
        Fact(
            after.tenant_id,
            name,
            outlet_id=after.outlet_id,
            conversation_id=after.conversation_id,
            properties=_properties(after, before),
            amount=after.total,
        )
        for name in names
    ]


def _properties(order: Order, before: Order | None) -> dict[str, Any]:
    said: dict[str, Any] = {
        "order_id": str(order.id),
        "order_number": order.order_number,
        "status": order.status.value,
        "fulfillment": order.fulfillment_type.value,
        "channel": "chat" if order.conversation_id else "staff",
        "items": [
            {
                "name": item.product_name,
                "quantity": item.quantity,
                "product_id": str(item.product_id),
            }
            for item in order.items
        ],
    }
    if before is not None:
        said["from_status"] = before.status.value
    if order.cancel_reason:
        said["reason"] = order.cancel_reason[:200]
    return said
