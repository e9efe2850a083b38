"""One customer turn as the Transaction agent receives it, and its answer."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.shared.yes_no import NO as WORD_NO
from core.shared.yes_no import YES as WORD_YES
from core.shared.yes_no import yes_or_no as words_yes_or_no

from ..orders import Order
from .replies import Words

CHOOSE = "order.browse"
CHECKOUT = "order.checkout"
STATUS = "order.status"
CANCEL = "order.cancel"
YES = "confirm.yes"
NO = "confirm.no"


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class OrderTurn:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    conversation_id: uuid.UUID | None
    customer_phone: str
    customer_name: str
    text: str
    intent: str
    entities: dict[str, str]
    state: dict[str, Any]
    reply_id: str
    sent_at: datetime
    language: str = ""  # the customer's (en, es, id): the agent answers in it


@dataclass(frozen=True, slots=True)
class OrderReply:
    text: str
    options: tuple[Option, ...] = ()
    state: dict[str, Any] = field(default_factory=dict)
    confirmation_pending: bool = False
    done: bool = False
    order: Order | None = None


def _short(title: str, width: int) -> str:
    """The title cut at a word to fit the width, marked with an ellipsis."""
    if len(title) <= width:
        return title
    return title[: width - 1].rsplit(" ", 1)[0].rstrip() + "…"


def options(*choices: tuple[str, str, str]) -> tuple[Option, ...]:
    """Up to three become buttons (titles of 20), more become list rows (10 of 24)."""
    width = 20 if len(choices) <= 3 else 24
    return tuple(
        Option(i, _short(title, width), description[:72]) for i, title, description in choices[:10]
    )


def yes_no(words: Words) -> tuple[Option, ...]:
    return options(("yes", words.BUTTON_YES, ""), ("no", words.BUTTON_NO, ""))


def next_steps(words: Words) -> tuple[Option, ...]:
    return options(("checkout", words.BUTTON_CHECKOUT, ""), ("menu", words.BUTTON_MENU, ""))


def menu_only(words: Words) -> tuple[Option, ...]:
    return options(("menu", words.BUTTON_MENU, ""))


def yes_or_no(turn: OrderTurn) -> str:
    """YES or NO when the turn answers a yes/no question, in English, Spanish or Indonesian
    (read only while the agent waits for one); "" when it says something else."""
    if turn.intent in (YES, NO):
        return turn.intent
    return {WORD_YES: YES, WORD_NO: NO}.get(words_yes_or_no(turn.text), "")
