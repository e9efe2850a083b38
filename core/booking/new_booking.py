"""The agent's new-booking task: gather day, time and party size, propose, book on "yes"."""

from collections import Counter
from collections.abc import Sequence
from datetime import date

from .availability import Day, Wish, free_at, nearest
from .commands import CreateBooking
from .errors import SlotTaken
from .handlers import create_booking
from .model import default_minutes
from .offers import (
    PASSED,
    absorb_when,
    alternatives_reply,
    has_passed,
    offered,
    outlet_resources,
    picture,
    wished,
)
from .phrases import clock, day_name, when
from .reading import bare_count
from .talk import BookingReply, Talk
from .times import parse_minutes
from .venue import Resource

NEEDED = ("date", "time", "party")
# One thing missing gets a whole question; several get a short list.
QUESTION = {
    "date": "Which day would you like?",
    "time": "What time would you like?",
    "party": "For how many people?",
}
SHORT = {"date": "which day", "time": "what time", "party": "for how many people"}
# A party larger than any one table. The venue data says nothing of joining tables, so the
# team arranges such groups; the customer is told how to reach a person (the Router hands
# over on "talk to a person"), or may give a smaller number.
LARGE_PARTY = (
    "A group of {size} is more than our largest table seats ({biggest}), so groups this size "
    'are arranged by our team directly. Write "talk to a person" and I\'ll pass you to them, '
    "or tell me a smaller number of people."
)
NOTHING_FITS = "Sorry, we have nothing to book for {size} people. How many are you?"


def _absorb(talk: Talk) -> None:
    state, turn = talk.state, talk.turn
    if turn.entities.get("party_size"):
        state["party"] = turn.entities["party_size"]
    elif state.get("asked") == "party" and (count := bare_count(turn.text)):
        state["party"] = count
    if turn.entities.get("resource"):
        state["resource"] = turn.entities["resource"]
    absorb_when(talk)


def _question(state: dict[str, str], missing: list[str]) -> str:
    known = [f"for {state['party']}"] if "party" in state else []
    if "date" in state:
        known.append(f"on {day_name(date.fromisoformat(state['date']))}")
    if "time" in state:
        known.append(f"at {clock(parse_minutes(state['time'], 'time'))}")
    lead = f"Sure, a booking {' '.join(known)}. " if known else "Happy to book for you! "
    if len(missing) == 1:
        return lead + QUESTION[missing[0]]
    asks = [SHORT[name] for name in missing]
    return lead + f"{', '.join(asks[:-1])} and {asks[-1]}?".capitalize()


def _too_many(size: int, resources: Sequence[Resource]) -> str:
    """Why no table takes the party, and what happens instead."""
    biggest = max((r.capacity for r in resources if r.fits(1)), default=0)
    if biggest and size > biggest:
        return LARGE_PARTY.format(size=size, biggest=biggest)
    return NOTHING_FITS.format(size=size)


async def start(talk: Talk) -> BookingReply:
    talk.state.clear()
    talk.state["task"] = "new"
    return await advance(talk)


async def advance(talk: Talk) -> BookingReply:
    _absorb(talk)
    missing = [name for name in NEEDED if not talk.state.get(name)]
    if missing and talk.state.get("party"):
        # A party no table takes hears so at once, not after giving the day and the time.
        resources = await outlet_resources(talk)
        if resources and not any(r.fits(int(talk.state["party"])) for r in resources):
            size = int(talk.state.pop("party"))
            talk.state.update(stage="ask", asked="party")
            return talk.reply(_too_many(size, resources))
    if missing:
        talk.state.update(stage="ask", asked=missing[0])
        return talk.reply(_question(talk.state, missing))
    return await _propose(talk)


def _wish(talk: Talk, day: Day, on: date) -> Wish:
    """Who must fit, for how long: a named resource's type, else the outlet's usual type."""
    named = talk.state.get("resource", "").casefold()
    match = [r for r in day.resources if r.name.casefold() == named]
    kinds = Counter(r.type for r in day.resources if r.fits(1))
    kind = match[0].type if match else (kinds.most_common(1)[0][0] if kinds else None)
    resource_id = match[0].id if match else None
    return Wish(on, default_minutes(kind), int(talk.state["party"]), resource_id=resource_id)


async def _propose(talk: Talk) -> BookingReply:
    on, start_at = wished(talk, talk.today, 0)
    if has_passed(talk, on, start_at):
        talk.state.pop("time")
        return talk.reply(PASSED)
    day = await picture(talk, on)
    if not day.hours.on(on):
        talk.state.pop("date")
        return talk.reply(f"We're closed on {day_name(on)}. Which other day would suit you?")
    wish = _wish(talk, day, on)
    if not any(r.fits(wish.party_size) for r in day.resources):
        talk.state.pop("party")
        talk.state.update(stage="ask", asked="party")
        return talk.reply(_too_many(wish.party_size, day.resources))
    slot = free_at(wish, start_at, day, prefer=offered(talk))
    if slot is None:
        lead = f"Sorry, {when(on, start_at)} isn't available for {wish.party_size}."
        return alternatives_reply(talk, lead, nearest(wish, start_at, day))
    talk.state.update(stage="confirm", offer=str(slot.resource.id), where=slot.resource.name)
    text = f"{slot.resource.name} for {wish.party_size} on {when(on, start_at)}."
    return talk.reply(f"{text} Confirmed for {clock(start_at)}?", confirm=True)


async def book(talk: Talk) -> BookingReply:
    """The customer said yes: book it (confirmed), or offer what is free if it was just taken."""
    state, turn = talk.state, talk.turn
    on, start_at = wished(talk, talk.today, 0)
    command = CreateBooking(
        turn.tenant_id, turn.outlet_id, turn.customer_phone, on, start_at,
        resource_id=offered(talk), party_size=int(state["party"]),
        customer_name=turn.customer_name, conversation_id=turn.conversation_id, confirmed=True,
    )  # fmt: skip
    try:
        booking = await create_booking(command, talk.uow, talk.clock, talk.today)
    except SlotTaken as taken:
        return alternatives_reply(talk, "Sorry, that slot was just taken.", taken.alternatives)
    text = (
        f"Booked! Your booking number is {booking.booking_number}: {state.get('where', '')} "
        f"for {booking.party_size} on {when(on, start_at)}. See you then!"
    )
    return talk.reply(text, done=True, booking=booking)
