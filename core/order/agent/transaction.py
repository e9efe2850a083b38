"""The Transaction agent: browse, fill the cart, check out, ask after or cancel an order."""

import uuid
from dataclasses import dataclass, field

from core.shared.errors import FailedPrecondition
from core.shared.places import point_in

from ..catalog import Product
from ..orders import OrderStatus
from .checkout import CheckoutFlow, absorb, looks_like_address, may_be_address
from .dialogue import ADDRESS, CANCEL, CONFIRM, FULFILMENT, PICK, Dialogue, finished
from .matching import candidates, wishes
from .replies import Words, words
from .shop import Shop
from .turn import CANCEL as CANCEL_INTENT
from .turn import (
    CHECKOUT,
    CHOOSE,
    NO,
    STATUS,
    YES,
    OrderReply,
    OrderTurn,
    menu_only,
    next_steps,
    options,
    yes_no,
    yes_or_no,
)

CANCELLABLE = (OrderStatus.CREATED, OrderStatus.PENDING_PAYMENT)


def _rows(products: list[Product], currency: str) -> tuple:
    return options(*((f"product:{p.id}", p.name, f"{p.price:.2f} {currency}") for p in products))


@dataclass
class _Outcome:
    """What became of each wish of one turn."""

    added: bool = False
    missing: list[str] = field(default_factory=list)  # names not on the menu
    notes: list[str] = field(default_factory=list)  # sold out, short, to ask about later
    unclear: tuple[str, int, list[Product]] | None = None  # asked about now
    instead: tuple[int, list[Product]] | None = None  # alternatives to the first sold out

    def refusals(self, w: Words) -> list[str]:
        missing = [w.MISSING.format(names=f" {w.OR} ".join(map(repr, self.missing)))]
        return (missing if self.missing else []) + self.notes


class TransactionAgent:
    def __init__(self, shop: Shop, payment_minutes: float) -> None:
        self._shop = shop
        self._checkout = CheckoutFlow(shop, payment_minutes)

    async def handle(self, turn: OrderTurn) -> OrderReply:
        talk = Dialogue.from_state(turn.state, turn.language)
        # A place shared when asked "pickup or delivery?" answers both questions at once.
        shared = talk.step == FULFILMENT and bool(turn.entities.get("location"))
        address = shared or (talk.step == ADDRESS and await self._is_address(turn))
        if absorb(turn, talk, address):
            if address and (far := await self._beyond_reach(turn, talk)):
                return far
            return self._checkout.next(turn, talk)
        answer = yes_or_no(turn) if talk.step in (CONFIRM, CANCEL) else ""
        if answer:
            return await self._confirmed(turn, talk, answer)
        return await self._by_intent(turn, talk)

    async def _beyond_reach(self, turn: OrderTurn, talk: Dialogue) -> OrderReply | None:
        """A shared location outside the outlet's delivery area is told so, and asked again."""
        point = point_in(talk.address)  # a shared location ends with its coordinates
        far = await self._shop.beyond_reach(turn, point) if point else None
        if far is None:
            return None
        talk.address, talk.step = "", ADDRESS  # another address, or pickup
        w = talk.words
        text = w.OUTSIDE_AREA.format(distance=f"{far[0]:.1f}", radius=f"{far[1]:g}")
        return talk.reply(text, options(("pickup", w.BUTTON_PICKUP, "")))

    async def _is_address(self, turn: OrderTurn) -> bool:
        """The answer to "what is the delivery address?" is the address, whatever the Router
        made of it ("Calle de Alcalá 95" is not 95 of something), unless it is another step
        of the flow or plainly asks for dishes on the menu."""
        if not may_be_address(turn):
            return False
        if turn.entities.get("location") or looks_like_address(turn.text):
            return True
        products = await self._shop.products(turn.tenant_id)
        return not any(candidates(w.name, products) for w in wishes(turn.entities, turn.text))

    async def _confirmed(self, turn: OrderTurn, talk: Dialogue, answer: str) -> OrderReply:
        if talk.step == CONFIRM and answer == YES:
            return await self._checkout.place(turn, talk)
        if talk.step == CONFIRM:
            talk.step = ""
            return talk.reply(talk.words.KEEP_CART, next_steps(talk.words))
        if answer == YES:
            return await self._cancel_now(turn, uuid.UUID(talk.cancel_id))
        orders = await self._shop.orders_of(turn)
        kept = next((o for o in orders if str(o.id) == talk.cancel_id), None)
        return finished(talk.words.KEPT.format(number=kept.order_number if kept else ""))

    async def _by_intent(self, turn: OrderTurn, talk: Dialogue) -> OrderReply:
        reply_id, intent = turn.reply_id, turn.intent
        if reply_id.startswith("category:"):
            return await self._category(turn, talk, reply_id.removeprefix("category:"))
        if reply_id.startswith("product:"):
            return await self._add_by_id(turn, talk, reply_id.removeprefix("product:"))
        if turn.entities.get("catalog"):
            return await self._add_catalog(turn, talk, turn.entities["catalog"])
        if reply_id == "checkout" or intent == CHECKOUT:
            return self._checkout.next(turn, talk)
        if reply_id == "menu" or intent == CHOOSE:
            return await self._menu(turn, talk)
        if intent == STATUS:
            return await self._status(turn)
        if intent == CANCEL_INTENT:
            return await self._cancel(turn, talk)
        if intent in (YES, NO):
            return talk.reply(talk.words.NOTHING_PENDING)
        added = await self._add(turn, talk)
        return added or talk.reply(talk.words.WHAT_TO_ADD, menu_only(talk.words))

    # -- the menu and the cart -------------------------------------------------------------

    async def _menu(self, turn: OrderTurn, talk: Dialogue) -> OrderReply:
        categories = await self._shop.categories(turn.tenant_id)
        named = [c for w in wishes({}, turn.text) for c in candidates(w.name, categories)]
        if named:
            return await self._category(turn, talk, str(named[0].id))
        if not categories:
            return talk.reply(talk.words.EMPTY_MENU)
        rows = ((f"category:{c.id}", c.name, c.description) for c in categories)
        return talk.reply(talk.words.MENU, options(*rows))

    async def _category(self, turn: OrderTurn, talk: Dialogue, category_id: str) -> OrderReply:
        products = await self._shop.products(turn.tenant_id)
        shown = [p for p in products if str(p.category_id) == category_id and p.orderable]
        if not shown:
            return talk.reply(talk.words.EMPTY_MENU)
        talk.picking(1, [str(p.id) for p in shown])
        text = talk.words.CATEGORY.format(name=shown[0].category)
        return talk.reply(text, _rows(shown, self._shop.currency))

    async def _add(self, turn: OrderTurn, talk: Dialogue) -> OrderReply | None:
        """Add what is clear and say what is not: a name not on the menu or sold out is
        refused in the reply, never dropped; one unclear name is asked about after the others
        are in."""
        wanted = wishes(turn.entities, turn.text)
        if not wanted:
            return None
        products = await self._shop.products(turn.tenant_id)
        offered = [p for p in products if str(p.id) in talk.pick_ids] if talk.step == PICK else []
        outcome, w = _Outcome(), talk.words
        for wish in wanted:
            # An answer to "which one?" without a number means the number asked about.
            quantity = wish.quantity or (talk.pick_quantity if offered else 1)
            found = candidates(wish.name, offered) or candidates(wish.name, products)
            if not found:
                outcome.missing.append(wish.name)
            elif len(found) > 1 and outcome.unclear:
                outcome.notes.append(w.ASK_LATER.format(name=wish.name))
            elif len(found) > 1:
                outcome.unclear = (wish.name, quantity, found)
            else:
                self._put(talk, outcome, found[0], quantity, products)
        return self._after_adding(talk, outcome)

    def _put(
        self,
        talk: Dialogue,
        outcome: _Outcome,
        product: Product,
        quantity: int,
        products: list[Product],
    ) -> None:
        """Into the cart, or noted as sold out or short with alternatives to offer."""
        if short := self._shortage(talk, product, quantity, products):
            outcome.notes.append(short[0])
            outcome.instead = outcome.instead or (quantity, short[1])
        else:
            talk.cart.add(product, quantity)
            outcome.added = True

    async def _add_catalog(self, turn: OrderTurn, talk: Dialogue, lines: str) -> OrderReply:
        """A cart sent from the WhatsApp catalog: each line's product found by its SKU (the
        catalog's retailer id); one the menu does not have is named back, never dropped."""
        products = await self._shop.products(turn.tenant_id)
        by_sku = {p.sku.casefold(): p for p in products if p.sku}
        outcome = _Outcome()
        for line in lines.split("|"):
            sku, _, count = line.rpartition(":")
            product, quantity = by_sku.get(sku.casefold()), int(count) if count.isdigit() else 1
            if product is None:
                outcome.missing.append(sku)
            else:
                self._put(talk, outcome, product, quantity, products)
        return self._after_adding(talk, outcome)

    def _after_adding(self, talk: Dialogue, outcome: _Outcome) -> OrderReply:
        """One reply for all the wishes of a turn: what went in, what did not and why."""
        notes = outcome.refusals(talk.words)
        if outcome.unclear:
            return self._which(talk, *outcome.unclear, notes=notes)
        if outcome.instead and outcome.instead[1]:
            quantity, others = outcome.instead
            talk.picking(quantity, [str(p.id) for p in others])
            text = "\n".join(notes) + talk.words.ALTERNATIVES
            if outcome.added:
                text = talk.words.IN_CART.format(cart=talk.cart.summary(self._shop.currency)) + text
            return talk.reply(text, _rows(others, self._shop.currency))
        if outcome.added:
            return self._added(talk, notes)
        if outcome.missing and not outcome.notes:
            names = f" {talk.words.OR} ".join(repr(name) for name in outcome.missing)
            return talk.reply(talk.words.NOT_FOUND.format(name=names), menu_only(talk.words))
        return talk.reply("\n".join(notes), menu_only(talk.words))

    def _which(
        self, talk: Dialogue, name: str, quantity: int, found: list[Product], notes: list[str]
    ) -> OrderReply:
        talk.picking(quantity, [str(p.id) for p in found])
        text = talk.words.WHICH.format(name=name)
        if notes:
            text = "\n".join(notes) + "\n\n" + text
        if not talk.cart.is_empty:
            text = f"{talk.cart.summary(self._shop.currency)}\n\n{text}"
        return talk.reply(text, _rows(found, self._shop.currency))

    async def _add_by_id(self, turn: OrderTurn, talk: Dialogue, product_id: str) -> OrderReply:
        products = await self._shop.products(turn.tenant_id)
        product = next((p for p in products if str(p.id) == product_id), None)
        if product is None:
            return talk.reply(
                talk.words.NOT_FOUND.format(name=repr(turn.text)), menu_only(talk.words)
            )
        quantity = talk.pick_quantity if talk.step == PICK else 1
        if short := self._shortage(talk, product, quantity, products):
            text, others = short
            if not others:
                return talk.reply(text, menu_only(talk.words))
            talk.picking(quantity, [str(p.id) for p in others])
            return talk.reply(text + talk.words.ALTERNATIVES, _rows(others, self._shop.currency))
        talk.cart.add(product, quantity)
        return self._added(talk)

    def _added(self, talk: Dialogue, notes: list[str] | None = None) -> OrderReply:
        talk.step, talk.pick_ids = "", []
        text = talk.words.ADDED.format(cart=talk.cart.summary(self._shop.currency))
        if notes:
            text = "\n".join(notes) + "\n\n" + text
        return talk.reply(text, next_steps(talk.words))

    def _shortage(
        self, talk: Dialogue, product: Product, quantity: int, products: list[Product]
    ) -> tuple[str, list[Product]] | None:
        """A sold-out (or short) product: what to say, and others from its category."""
        wanted = quantity + talk.cart.quantity_of(str(product.id))
        if product.orderable and product.stock_quantity >= wanted:
            return None
        text = talk.words.ONLY_LEFT if product.orderable else talk.words.SOLD_OUT
        text = text.format(name=product.name, left=product.stock_quantity)
        others = [
            p
            for p in products
            if p.category_id == product.category_id and p.id != product.id and p.orderable
        ][:3]
        return text, others

    # -- orders placed before --------------------------------------------------------------

    async def _status(self, turn: OrderTurn) -> OrderReply:
        orders = await self._shop.orders_of(turn, turn.entities.get("order_ref", ""))
        w = words(turn.language)
        if not orders:
            return finished(w.NO_ORDERS)
        return finished(w.status_line(orders[0], self._shop.currency), order=orders[0])

    async def _cancel(self, turn: OrderTurn, talk: Dialogue) -> OrderReply:
        orders = await self._shop.orders_of(turn, turn.entities.get("order_ref", ""))
        target = next((o for o in orders if o.status in CANCELLABLE), None)
        if target is None and orders:
            latest = orders[0]
            status = talk.words.status_text(latest)
            return finished(
                talk.words.NOT_CANCELLABLE.format(number=latest.order_number, status=status)
            )
        if target is None:
            return finished(
                talk.words.CART_CLEARED if not talk.cart.is_empty else talk.words.NO_ORDERS
            )
        talk.step, talk.cancel_id = CANCEL, str(target.id)
        text = talk.words.CANCEL_WHICH.format(
            number=target.order_number, total=f"{target.total:.2f}", currency=self._shop.currency
        )
        return talk.reply(text, yes_no(talk.words), confirmation_pending=True)

    async def _cancel_now(self, turn: OrderTurn, order_id: uuid.UUID) -> OrderReply:
        try:
            order = await self._shop.cancel(turn.tenant_id, order_id)
        except FailedPrecondition as refused:
            return finished(refused.message)
        cancelled = words(turn.language).CANCELLED.format(number=order.order_number)
        return finished(cancelled, order=order)
