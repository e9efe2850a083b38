"""The checkout part of the dialogue: pickup or delivery, address, day, confirm, place."""

import re
from datetime import date, timedelta

from core.shared.errors import DomainError
from core.shared.places import point_in

from ..inventory import OutOfStock
from ..orders import FulfillmentType
from .dialogue import ADDRESS, CONFIRM, DAY, FULFILMENT, Dialogue, finished
from .shop import Shop
from .turn import NO, YES, OrderReply, OrderTurn, menu_only, next_steps, options, yes_no

# Pickup and delivery in English, Spanish and Indonesian ("para llevar" is takeaway,
# "ambil sendiri" is fetching it oneself, "antar" is bringing it over). A bare "ambil" is
# left out: "aku ambil 2 nasi goreng" is "I'll take two", not a pickup.
_PICKUP = re.compile(
    r"\b(pick|pickup|collect|take ?away|takeaway|recog\w*|recoj\w*|para llevar|paso a buscar"
    r"|ambil sendiri|diambil|ambil di \w+|di ?bungkus)\b",
    re.IGNORECASE,
)
_DELIVERY = re.compile(
    r"\b(deliver\w*|bring|a domicilio|domicilio|env[ií]\w*|entrega\w*|reparto|traer|tr[aá]elo"
    r"|traigan\w*|antar|anter|diantar|dianter|kirim|dikirim)\b",
    re.IGNORECASE,
)
_TOMORROW = re.compile(r"\b(tomorrow|tmrw|tmr|2moro|besok|bsk)\b|(?<!la )\bma[nñ]ana\b")
_TODAY = re.compile(
    r"\b(today|2day|tday|tonight|2nite|tonite|now|asap|hoy|ahora|ya mismo|esta noche|hari ini|sekarang"
    r"|nanti malam|malam ini)\b"
)
# A street or a house number: what an address has and a dish has not. Words a menu may use
# too ("house", "court") are left out; a short one counts only next to a number ("no 12").
_ADDRESS = re.compile(
    r"\b(calle|avenida|avda|plaza|paseo|camino|carretera|ronda|travesía|piso|portal|jl|jln|jalan"
    r"|gang|komplek|perumahan|street|road|avenue|lane|boulevard|blvd|apartment|postcode)\b"
    r"|\bc/|\b(no|nº|n°|nr|nomor|rt|rw|blok|kav|gg|apt|flat|st|rd|ave|dr|ln)\b\.?\s*\d"
    r"|\d+[a-z]?,?\s+\w+\s+(st|rd|ave|dr|ln)\b",
    re.IGNORECASE,
)
# Answers that are not an address even while one is asked for: going elsewhere in the flow.
_NOT_AN_ADDRESS = ("order.checkout", "order.status", "order.cancel", "order.browse", YES, NO)


def _day(turn: OrderTurn) -> str:
    """The day the customer named ("YYYY-MM-DD"), if any and not in the past."""
    today = turn.sent_at.date()
    text = turn.text.lower()
    chosen = turn.reply_id.removeprefix("date:") if turn.reply_id.startswith("date:") else ""
    chosen = chosen or turn.entities.get("date", "")
    if not chosen and _TOMORROW.search(text):
        chosen = (today + timedelta(days=1)).isoformat()
    elif not chosen and _TODAY.search(text):
        chosen = today.isoformat()
    try:
        return chosen if chosen and date.fromisoformat(chosen) >= today else ""
    except ValueError:
        return ""


def _fulfilment(turn: OrderTurn) -> str:
    wish = turn.reply_id or turn.entities.get("fulfillment", "")
    if wish in ("pickup", "delivery"):
        return wish
    if turn.entities.get("location"):  # a place shared: that is where it goes
        return FulfillmentType.DELIVERY.value
    if _DELIVERY.search(turn.text):
        return FulfillmentType.DELIVERY.value
    return FulfillmentType.PICKUP.value if _PICKUP.search(turn.text) else ""


def looks_like_address(text: str) -> bool:
    """A street word or a building ("Calle de Alcalá 95", "Jl. Sudirman no 12")."""
    return bool(_ADDRESS.search(text))


def may_be_address(turn: OrderTurn) -> bool:
    """Whether the turn can be the answer to "what is the delivery address?": not a button,
    a question, another step of the flow or a switch to pickup. Whether it names a dish
    instead is the agent's to tell, with the menu at hand."""
    text = turn.text.strip()
    if not text or turn.reply_id:
        return False
    # A place shared on WhatsApp; or words like "Jl. Sudirman no 12", whatever "no" reads as.
    if turn.entities.get("location") or looks_like_address(text):
        return True
    if text.endswith("?") or turn.intent in _NOT_AN_ADDRESS:
        return False
    return _fulfilment(turn) != FulfillmentType.PICKUP.value


def absorb(turn: OrderTurn, talk: Dialogue, address: bool = False) -> bool:
    """Keep details the customer gave along the way ("... for pickup tomorrow"); True when
    the turn answered the checkout question asked last. `address`: the agent found the
    text to be the delivery address asked for."""
    talk.fulfillment = _fulfilment(turn) or talk.fulfillment
    talk.day = _day(turn) or talk.day
    if address:
        talk.address = turn.text.strip()[:500]
    # "Pickup" instead of an address answers the address question too.
    picked_up = talk.fulfillment == FulfillmentType.PICKUP.value
    asked = {FULFILMENT: talk.fulfillment, ADDRESS: talk.address or picked_up, DAY: talk.day}
    return bool(asked.get(talk.step))


class CheckoutFlow:
    def __init__(self, shop: Shop, payment_minutes: float) -> None:
        self._shop = shop
        self._minutes = payment_minutes

    def next(self, turn: OrderTurn, talk: Dialogue) -> OrderReply:
        """Ask for what is still missing, or show the summary for a yes or no."""
        w = talk.words
        if talk.cart.is_empty:
            talk.step = ""
            return talk.reply(w.EMPTY_CART, menu_only(w))
        if not talk.fulfillment:
            talk.step = FULFILMENT
            return talk.reply(
                w.PICKUP_OR_DELIVERY,
                options(("pickup", w.BUTTON_PICKUP, ""), ("delivery", w.BUTTON_DELIVERY, "")),
            )
        if talk.fulfillment == FulfillmentType.DELIVERY and not talk.address:
            talk.step = ADDRESS
            return talk.reply(w.ADDRESS)
        if not talk.day:
            talk.step = DAY
            today = turn.sent_at.date()
            days = [(w.BUTTON_TODAY, today), (w.BUTTON_TOMORROW, today + timedelta(days=1))]
            return talk.reply(w.WHICH_DAY, options(*((f"date:{d}", t, "") for t, d in days)))
        return self._summary(talk)

    def _summary(self, talk: Dialogue) -> OrderReply:
        talk.step = CONFIRM
        w = talk.words
        how = (
            w.PICKUP
            if talk.fulfillment == FulfillmentType.PICKUP
            else w.DELIVERY_TO.format(address=talk.address)
        )
        text = w.SUMMARY.format(cart=talk.cart.summary(self._shop.currency), how=how, day=talk.day)
        return talk.reply(text, yes_no(w), confirmation_pending=True)

    async def place(self, turn: OrderTurn, talk: Dialogue) -> OrderReply:
        how, day = FulfillmentType(talk.fulfillment), date.fromisoformat(talk.day)
        try:
            address = talk.address if how is FulfillmentType.DELIVERY else ""
            point = point_in(address)  # a shared location ends with its coordinates
            order = await self._shop.place(turn, talk.cart, how, day, address, point)
        except OutOfStock as short:
            return self._lost_race(talk, short)
        except DomainError as refused:
            talk.step = ""
            return talk.reply(talk.words.NOT_PLACED.format(reason=refused.message))
        text = talk.words.PLACED.format(
            number=order.order_number,
            total=f"{order.total:.2f}",
            currency=self._shop.currency,
            link=order.payment_link,
            minutes=f"{self._minutes:g}",
        )
        return finished(text, order=order)

    def _lost_race(self, talk: Dialogue, short: OutOfStock) -> OrderReply:
        talk.step = ""
        w = talk.words
        name = short.product.name if short.product else w.AN_ITEM
        if short.product:
            talk.cart.remove(str(short.product.id))
        text = w.LOST_RACE.format(name=name)
        if not talk.cart.is_empty:
            text += "\n" + talk.cart.summary(self._shop.currency)
        return talk.reply(text, next_steps(w))
