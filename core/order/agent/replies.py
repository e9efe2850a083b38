"""What the Transaction agent says; the wording lives here, the decisions in the agent."""

from ..orders import Order, OrderStatus

MENU = "Here is our menu. Which category would you like to see?"
EMPTY_MENU = "Sorry, we have nothing to order right now."
CATEGORY = "Here is what we have in {name}. Tap one to add it, or tell me what you'd like."
NOT_FOUND = "Sorry, I couldn't find {name} on our menu. Would you like to see the menu?"
MISSING = "Sorry, I couldn't find {names} on our menu."
ASK_LATER = "{name!r} matches several items too: tell me which one after this."
WHICH = "Which one did you mean by {name!r}?"
SOLD_OUT = "Sorry, {name} is sold out right now."
ONLY_LEFT = "Sorry, only {left} of {name} left."
ALTERNATIVES = " How about one of these?"
IN_CART = "Added to your cart:\n{cart}\n\n"
ADDED = "Added to your cart:\n{cart}\n\nAnything else, or shall we check out?"
WHAT_TO_ADD = 'What would you like to order? You can tell me, e.g. "2 Pizza Margherita".'
EMPTY_CART = "Your cart is empty. What would you like to order?"
PICKUP_OR_DELIVERY = "Would you like to pick it up or have it delivered?"
ADDRESS = "What is the delivery address?"
WHICH_DAY = "For which day? (today, tomorrow or a date like 2025-03-14)"
SUMMARY = "Your order:\n{cart}\n{how} on {day}.\n\nShall I place it?"
PLACED = (
    "Order #{number} is placed. Total {total} {currency}.\nPay here to confirm it: {link}\n"
    "The link is valid for {minutes} minutes; we'll message you once it's paid."
)
LOST_RACE = "Sorry, {name} just sold out, so I've taken it out of your cart."
KEEP_CART = 'No problem, nothing was ordered. Your cart is kept; add more or say "checkout".'
NOTHING_PENDING = "There's nothing waiting for your confirmation."
NO_ORDERS = "I can't find an order from this number."
CANCEL_WHICH = "Cancel order #{number} ({total} {currency})?"
CANCELLED = "Order #{number} is cancelled."
KEPT = "Alright, order #{number} stays as it is."
NOT_CANCELLABLE = (
    "Order #{number} is already {status}, so I can't cancel it here; please ask our staff."
)
CART_CLEARED = "I've emptied your cart."

_STATUS = {
    OrderStatus.CREATED: "received, not yet checked out",
    OrderStatus.PENDING_PAYMENT: "waiting for payment ({link})",
    OrderStatus.PAID: "paid; waiting for the kitchen",
    OrderStatus.PROCESSING: "being prepared in the kitchen",
    OrderStatus.READY: "ready",
    OrderStatus.DELIVERED: "delivered",
    OrderStatus.CANCELLED: "cancelled",
}


def status_line(order: Order, currency: str) -> str:
    items = ", ".join(f"{i.quantity}x {i.product_name}" for i in order.items)
    state = _STATUS[order.status].format(link=order.payment_link)
    return f"Order #{order.order_number} ({items}; {order.total:.2f} {currency}) is {state}."


def status_text(order: Order) -> str:
    return order.status.value.replace("_", " ")
