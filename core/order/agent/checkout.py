"""The checkout part of the dialogue: pickup or delivery, address, day, confirm, place."""

import re
from datetime import date, timedelta

from core.shared.errors import DomainError

from ..inventory import OutOfStock
from ..orders import FulfillmentType
from . import replies as r
from .dialogue import ADDRESS, CONFIRM, DAY, FULFILMENT, Dialogue, finished
from .shop import Shop
from .turn import YES_NO, OrderReply, OrderTurn, options

_PICKUP = re.compile(r"\b(pick|pickup|collect|take ?away|takeaway)\b", re.IGNORECASE)
_DELIVERY = re.compile(r"\b(deliver\w*|bring)\b", re.IGNORECASE)


def _day(turn: OrderTurn) -> str:
    """The day the customer named ("YYYY-MM-DD"), if any and not in the past."""
    today = turn.sent_at.date()
    text = turn.text.lower()
    chosen = turn.reply_id.removeprefix("date:") if turn.reply_id.startswith("date:") else ""
    chosen = chosen or turn.entities.get("date", "")
    if not chosen and "tomorrow" in text:
        chosen = (today + timedelta(days=1)).isoformat()
    elif not chosen and ("today" in text or "tonight" in text or " now" in f" {text}"):
        chosen = today.isoformat()
    try:
        return chosen if chosen and date.fromisoformat(chosen) >= today else ""
    except ValueError:
        return ""


def _fulfilment(turn: OrderTurn) -> str:
    wish = turn.reply_id or turn.entities.get("fulfillment", "")
    if wish in ("pickup", "delivery"):
        return wish
    if _DELIVERY.search(turn.text):
        return FulfillmentType.DELIVERY.value
    return FulfillmentType.PICKUP.value if _PICKUP.search(turn.text) else ""


def absorb(turn: OrderTurn, talk: Dialogue) -> bool:
    """Keep details the customer gave along the way ("... for pickup tomorrow"); True when
    the turn answered the checkout question asked last."""
    talk.fulfillment = _fulfilment(turn) or talk.fulfillment
    talk.day = _day(turn) or talk.day
    if talk.step == ADDRESS and turn.text.strip() and not turn.intent.startswith("order."):
        talk.address = turn.text.strip()[:500]
    asked = {FULFILMENT: talk.fulfillment, ADDRESS: talk.address, DAY: talk.day}
    return bool(asked.get(talk.step))


class CheckoutFlow:
    def __init__(self, shop: Shop, payment_minutes: float) -> None:
        self._shop = shop
        self._minutes = payment_minutes

    def next(self, turn: OrderTurn, talk: Dialogue) -> OrderReply:
        """Ask for what is still missing, or show the summary for a yes or no."""
        if talk.cart.is_empty:
            talk.step = ""
            return talk.reply(r.EMPTY_CART, options(("menu", "See the menu", "")))
        if not talk.fulfillment:
            talk.step = FULFILMENT
            return talk.reply(
                r.PICKUP_OR_DELIVERY,
                options(("pickup", "Pickup", ""), ("delivery", "Delivery", "")),
            )
        if talk.fulfillment == FulfillmentType.DELIVERY and not talk.address:
            talk.step = ADDRESS
            return talk.reply(r.ADDRESS)
        if not talk.day:
            talk.step = DAY
            today = turn.sent_at.date()
            days = [("Today", today), ("Tomorrow", today + timedelta(days=1))]
            return talk.reply(r.WHICH_DAY, options(*((f"date:{d}", t, "") for t, d in days)))
        return self._summary(talk)

    def _summary(self, talk: Dialogue) -> OrderReply:
        talk.step = CONFIRM
        how = (
            "Pickup"
            if talk.fulfillment == FulfillmentType.PICKUP
            else f"Delivery to {talk.address}"
        )
        text = r.SUMMARY.format(cart=talk.cart.summary(self._shop.currency), how=how, day=talk.day)
        return talk.reply(text, YES_NO, confirmation_pending=True)

    async def place(self, turn: OrderTurn, talk: Dialogue) -> OrderReply:
        how, day = FulfillmentType(talk.fulfillment), date.fromisoformat(talk.day)
        try:
            order = await self._shop.place(turn, talk.cart, how, day, talk.address)
        except OutOfStock as short:
            return self._lost_race(talk, short)
        except DomainError as refused:
            talk.step = ""
            return talk.reply(f"Sorry, I couldn't place the order: {refused.message}")
        text = r.PLACED.format(
            number=order.order_number,
            total=f"{order.total:.2f}",
            currency=self._shop.currency,
            link=order.payment_link,
            minutes=f"{self._minutes:g}",
        )
        return finished(text, order=order)

    def _lost_race(self, talk: Dialogue, short: OutOfStock) -> OrderReply:
        talk.step = ""
        name = short.product.name if short.product else "an item"
        if short.product:
            talk.cart.remove(str(short.product.id))
        text = r.LOST_RACE.format(name=name)
        if not talk.cart.is_empty:
            text += "\n" + talk.cart.summary(self._shop.currency)
        return talk.reply(
            text, options(("checkout", "Check out", ""), ("menu", "See the menu", ""))
        )
