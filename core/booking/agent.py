"""The Booking agent: one customer turn in, one reply out; its memory is the dialogue state."""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from zoneinfo import ZoneInfo

from . import changes, new_booking
from .model import utcnow
from .ports import BookingUnitOfWork, Clock, OutletTimezones
from .reading import side_question
from .reminders import reminder_reply
from .talk import BookingReply, BookingTurn, Talk

Step = Callable[[Talk], Awaitable[BookingReply]]


# What an intent starts, and how a task already under way goes on and is carried out.
STARTS: dict[str, Step] = {
    "booking.new": new_booking.start,
    "booking.cancel": changes.start_cancel,
    "booking.change": changes.start_move,
    "booking.status": changes.status,
}
CONTINUES: dict[str, Step] = {
    "new": new_booking.advance,
    "cancel": changes.advance_cancel,
    "move": changes.advance_move,
}
EXECUTES: dict[str, Step] = {
    "new": new_booking.book,
    "cancel": changes.cancel,
    "move": changes.move,
}


async def dispatch(talk: Talk) -> BookingReply:
    if tapped := reminder_reply(talk.turn.reply_id):
        return await changes.answer_reminder(talk, *tapped)
    intent, task = talk.intent, talk.state.get("task", "")
    if intent == "confirm.no":
        return talk.reply(talk.say("stopped"), done=True)
    if intent == "confirm.yes" and talk.state.get("stage") == "confirm" and task in EXECUTES:
        return await EXECUTES[task](talk)
    # "Make it 8" while a new booking is being arranged changes the wish, not a booking.
    carries_on = task == "new" and intent in ("booking.new", "booking.change")
    if intent in STARTS and not carries_on:
        return await STARTS[intent](talk)
    return await CONTINUES.get(task, new_booking.start)(talk)


class BookingAgent:
    """Finds out what is missing, checks availability, proposes, and acts only on "yes"."""

    def __init__(
        self,
        unit_of_work: Callable[[], BookingUnitOfWork],
        timezones: OutletTimezones,
        clock: Clock = utcnow,
    ) -> None:
        self._uow = unit_of_work
        self._timezones = timezones
        self._clock = clock

    async def handle(self, turn: BookingTurn) -> BookingReply:
        talk = await self._talk(turn)
        reply = await dispatch(talk)
        # A question asked beside the booking ("... and do you have vegan food?") is not the
        # booking agent's to answer; the reply says so instead of passing over it.
        resource = turn.entities.get("resource", "")
        if question := side_question(turn.text, (resource,) if resource else ()):
            aside = talk.say("side_question", question=question)
            return replace(reply, text=f"{reply.text}\n\n{aside}")
        return reply

    async def _talk(self, turn: BookingTurn) -> Talk:
        zone = await self._timezones.outlet_timezone(turn.tenant_id, turn.outlet_id)
        local = (turn.sent_at or self._clock()).astimezone(ZoneInfo(zone))
        state = {key: str(value) for key, value in turn.state.items()}
        minutes = local.hour * 60 + local.minute
        return Talk(turn, state, local.date(), minutes, self._uow(), self._clock)
