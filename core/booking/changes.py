"""The agent's tasks on existing bookings: cancel, move ("move it to 8") and status."""

import uuid

from .availability import Wish, free_at, nearest
from .commands import RescheduleBooking
from .errors import SlotTaken
from .handlers import change_booking, reschedule_booking, upcoming
from .model import Booking
from .offers import (
    absorb_when,
    alternatives_reply,
    has_passed,
    offered,
    picture,
    resource_names,
    wished,
)
from .reminders import CONFIRM
from .talk import BookingReply, Talk
from .times import hhmm

CANCEL_REASON = "cancelled by the customer on WhatsApp"


async def _upcoming(talk: Talk) -> list[Booking]:
    turn = talk.turn
    found = await upcoming(
        turn.tenant_id, turn.outlet_id, turn.customer_phone, talk.today, talk.uow
    )
    return [b for b in found if not has_passed(talk, b.booking_date, b.end)]


async def _target(talk: Talk) -> Booking | None:
    """The booking the task is about: the one chosen before, the one named, else the next."""
    bookings = await _upcoming(talk)
    chosen, ref = talk.state.get("target"), talk.turn.entities.get("booking_ref", "")
    if chosen:
        bookings = [b for b in bookings if str(b.id) == chosen]
    elif ref:
        number = ref if ref.startswith("B-") else f"B-{ref}"
        bookings = [b for b in bookings if b.booking_number == number]
    if bookings:
        talk.state["target"] = str(bookings[0].id)
    return bookings[0] if bookings else None


def _begin(talk: Talk, task: str) -> None:
    talk.state.clear()
    talk.state["task"] = task


async def start_cancel(talk: Talk) -> BookingReply:
    _begin(talk, "cancel")
    return await advance_cancel(talk)


async def advance_cancel(talk: Talk) -> BookingReply:
    booking = await _target(talk)
    if booking is None:
        return talk.reply(talk.say("none_found"), done=True)
    talk.state["stage"] = "confirm"
    names = await resource_names(talk)
    line = talk.words.booking_line(booking, names.get(booking.resource_id, ""))
    return talk.reply(talk.say("cancel?", line=line), confirm=True)


async def cancel(talk: Talk) -> BookingReply:
    target = uuid.UUID(talk.state["target"])
    booking = await change_booking(
        talk.turn.tenant_id, target, lambda b: b.cancelled(CANCEL_REASON, talk.clock()), talk.uow
    )
    when = talk.words.when(booking.booking_date, booking.start)
    text = talk.say("cancelled", number=booking.booking_number, when=when)
    return talk.reply(text, done=True, booking=booking)


async def answer_reminder(talk: Talk, action: str, booking_id: uuid.UUID) -> BookingReply:
    """A reminder's button: "I'll be there" is thanked; "Cancel booking" cancels at once,
    the tap being the customer's yes. Only the customer's own upcoming booking is acted on."""
    booking = next((b for b in await _upcoming(talk) if b.id == booking_id), None)
    if booking is None:
        return talk.reply(talk.say("none_found"), done=True)
    if action == CONFIRM:
        when = talk.words.when(booking.booking_date, booking.start)
        return talk.reply(talk.say("see_you", when=when), done=True)
    _begin(talk, "cancel")
    talk.state["target"] = str(booking.id)
    return await cancel(talk)


async def start_move(talk: Talk) -> BookingReply:
    _begin(talk, "move")
    return await advance_move(talk)


async def advance_move(talk: Talk) -> BookingReply:
    booking = await _target(talk)
    if booking is None:
        return talk.reply(talk.say("none_found"), done=True)
    absorb_when(talk)
    if not talk.state.get("date") and not talk.state.get("time"):
        talk.state.update(stage="ask", asked="time")
        return talk.reply(talk.say("move_to?", line=talk.words.booking_line(booking, "")))
    return await _propose_move(talk, booking)


async def _propose_move(talk: Talk, booking: Booking) -> BookingReply:
    on, start_at = wished(talk, booking.booking_date, booking.start)
    if has_passed(talk, on, start_at):
        talk.state.pop("time", None)
        return talk.reply(talk.say("passed"))
    day = (await picture(talk, on)).without(booking.id)
    if not day.hours.on(on):
        talk.state.pop("date", None)
        return talk.reply(talk.say("closed", day=talk.words.day_name(on)))
    wish = Wish(on, booking.minutes, booking.party_size)
    slot = free_at(wish, start_at, day, prefer=offered(talk) or booking.resource_id)
    if slot is None:
        when = talk.words.when(on, start_at)
        lead = talk.say("unavailable", when=when, party=booking.party_size)
        return alternatives_reply(talk, lead, nearest(wish, start_at, day))
    talk.state.update(
        stage="confirm", offer=str(slot.resource.id), date=on.isoformat(), time=hhmm(start_at)
    )
    text = talk.say(
        "move?",
        number=booking.booking_number,
        when=talk.words.when(on, start_at),
        resource=slot.resource.name,
    )
    return talk.reply(text, confirm=True)


async def move(talk: Talk) -> BookingReply:
    on, start_at = wished(talk, talk.today, 0)
    command = RescheduleBooking(
        talk.turn.tenant_id,
        uuid.UUID(talk.state["target"]),
        on,
        start_at,
        resource_id=offered(talk),
    )
    try:
        booking = await reschedule_booking(command, talk.uow)
    except SlotTaken as taken:
        return alternatives_reply(talk, talk.say("taken"), taken.alternatives)
    text = talk.say("moved", number=booking.booking_number, when=talk.words.when(on, start_at))
    return talk.reply(text, done=True, booking=booking)


async def status(talk: Talk) -> BookingReply:
    bookings = await _upcoming(talk)
    if not bookings:
        return talk.reply(talk.say("no_upcoming"), done=True)
    names = await resource_names(talk)
    words = talk.words
    lines = [
        f"• {words.booking_line(b, names.get(b.resource_id, ''))} ({words.say(f'status.{b.status}')})"
        for b in bookings
    ]
    return talk.reply("\n".join([words.say("upcoming"), *lines]), done=True)
