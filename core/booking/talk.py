"""A turn of the Booking agent as its steps see it: the turn, the state, the reply."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from core.shared.yes_no import yes_or_no

from .model import Booking
from .phrases import Phrases
from .ports import BookingUnitOfWork, Clock

YES, NO = "yes", "no"


@dataclass(frozen=True, slots=True)
class BookingTurn:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    customer_phone: str
    text: str
    intent: str  # the Router's: booking.new, booking.change, confirm.yes, out_of_scope, ...
    entities: dict[str, str] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    conversation_id: uuid.UUID | None = None
    customer_name: str = ""
    reply_id: str = ""
    sent_at: datetime | None = None
    language: str = ""  # the customer's (en, es, id): the agent answers in it


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class BookingReply:
    text: str
    options: tuple[Option, ...] = ()
    state: dict[str, str] = field(default_factory=dict)
    confirmation_pending: bool = False
    done: bool = False
    booking: Booking | None = None


@dataclass
class Talk:
    """One turn in progress: the turn, the state being rebuilt, and the outlet's local now."""

    turn: BookingTurn
    state: dict[str, str]
    today: date
    now: int  # minutes since local midnight
    uow: BookingUnitOfWork
    clock: Clock

    @property
    def words(self) -> Phrases:
        return Phrases(self.turn.language)

    def say(self, key: str, **values: object) -> str:
        return self.words.say(key, **values)

    @property
    def intent(self) -> str:
        """The Router's intent; a tapped yes or no, or one written in words the Router did not
        read as one ("vale", "siap", "gak jadi") while a proposal waits for it, is that."""
        answer = self.turn.reply_id
        if not answer and self.state.get("stage") == "confirm":
            answer = yes_or_no(self.turn.text)
        return {YES: "confirm.yes", NO: "confirm.no"}.get(answer, self.turn.intent)

    def reply(self, text: str, options: tuple[Option, ...] = (), **flags: Any) -> BookingReply:
        """The answer; asking yes/no adds the buttons, and a finished task forgets its state."""
        confirm, done = flags.get("confirm", False), flags.get("done", False)
        return BookingReply(
            text,
            (Option(YES, self.say("yes")), Option(NO, self.say("no"))) if confirm else options,
            {} if done else dict(self.state),
            confirmation_pending=confirm,
            done=done,
            booking=flags.get("booking"),
        )
