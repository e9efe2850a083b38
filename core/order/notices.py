"""What the customer is told on WhatsApp when their order changes, and the safe way to tell.

Inside the customer's 24-hour window the text goes as it is; outside it, WhatsApp takes only
an approved template, so each notice names the tenant's template for it (one per state, in
the customer's language) with the order's facts as its variables."""

import logging

from .orders import FulfillmentType, Order, OrderStatus
from .ports import Notice, Notifier

log = logging.getLogger(__name__)

PAYMENT_TIMEOUT = "the payment did not arrive in time"

_NOTICES = {
    OrderStatus.PAID: "Payment received for order #{number} ({total}). Thank you! "
    "We'll let you know when the kitchen starts on it.",
    OrderStatus.PROCESSING: "Good news: the kitchen accepted your order #{number} "
    "and is preparing it now.",
    OrderStatus.READY: "Your order #{number} is ready{where}.",
    OrderStatus.DELIVERED: "Your order #{number} has been {handed}. Enjoy your meal!",
    OrderStatus.CANCELLED: "Your order #{number} was cancelled: {reason}.",
}


# The template each notice becomes outside the window: order_<state>, its variables the
# order number and, once paid, the total.
TEMPLATE_PREFIX = "order_"


def notice(order: Order) -> Notice | None:
    """The message for the order's current state; None when there is nothing to say."""
    template = _NOTICES.get(order.status)
    if template is None:
        return None
    parameters = (order.order_number,)
    if order.status is OrderStatus.PAID:
        parameters += (str(order.total),)
    return Notice(_text(order, template), TEMPLATE_PREFIX + order.status.value, parameters)


def _text(order: Order, template: str) -> str:
    delivery = order.fulfillment_type is FulfillmentType.DELIVERY
    return template.format(
        number=order.order_number,
        total=order.total,
        where=" and will be on its way shortly" if delivery else " for pickup",
        handed="delivered" if delivery else "picked up",
        reason=order.cancel_reason or "at your request",
    )


async def tell_customer(notifier: Notifier | None, order: Order) -> None:
    """Notify without ever failing the change that caused it: the change is committed."""
    told = notice(order)
    if notifier is None or told is None or not order.customer_phone:
        return
    try:
        await notifier.notify(order, told, key=f"order:{order.id}:{order.status.value}")
    except Exception:  # a notice is best effort; the messaging outbox retries its own sends
        log.warning("could not notify order %s (%s)", order.id, order.status.value, exc_info=True)
