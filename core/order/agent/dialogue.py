"""The agent's memory between turns (cart, step, collected details), as a plain dict."""

from dataclasses import dataclass, field
from typing import Any

from .cart import Cart
from .replies import Words, words
from .turn import Option, OrderReply

# Steps that wait for an answer to a question the agent asked.
PICK = "pick"  # which of these products (or an alternative to a sold-out one)
FULFILMENT = "fulfillment"
ADDRESS = "address"
DAY = "date"
CONFIRM = "confirm"  # place the order?
CANCEL = "cancel"  # cancel this order?


@dataclass
class Dialogue:
    cart: Cart = field(default_factory=Cart)
    step: str = ""
    pick_quantity: int = 1
    pick_ids: list[str] = field(default_factory=list)
    fulfillment: str = ""
    address: str = ""
    day: str = ""
    cancel_id: str = ""
    # What the agent says this turn, in the customer's language; not remembered.
    words: Words = field(default_factory=words, compare=False)

    @classmethod
    def from_state(cls, raw: dict[str, Any], language: str = "") -> "Dialogue":
        kept = set(cls.__dataclass_fields__) - {"cart", "words"}
        plain = {k: v for k, v in raw.items() if k in kept}
        # A Struct carries every number as a double: 2 comes back as 2.0.
        plain["pick_quantity"] = int(plain.get("pick_quantity", 1))
        cart = Cart.from_state(raw.get("cart", []))
        return cls(cart=cart, words=words(language), **plain)

    def to_state(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        del values["words"]
        return {**values, "cart": self.cart.to_state()}

    def picking(self, quantity: int, ids: list[str]) -> None:
        self.step, self.pick_quantity, self.pick_ids = PICK, quantity, ids

    def reply(self, text: str, options: tuple[Option, ...] = (), **flags: Any) -> OrderReply:
        """An answer that keeps the conversation going, carrying this state."""
        return OrderReply(text, options, self.to_state(), **flags)


def finished(text: str, **extra: Any) -> OrderReply:
    """An answer that ends the task: the state is cleared."""
    return OrderReply(text, state={}, done=True, **extra)
