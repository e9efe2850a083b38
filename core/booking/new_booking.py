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
    absorb_when,
    alternatives_reply,
    has_passed,
    offered,
    outlet_resources,
    picture,
    wished,
)
from .reading import bare_count
from .talk import BookingReply, Talk
from .times import parse_minutes
from .venue import Resource

NEEDED = ("date", "time", "party")


def _absorb(talk: Talk) -> None:
    state, turn = talk.state, talk.turn
    if turn.entities.get("party_size"):
        state["party"] = turn.entities["party_size"]
    elif state.get("asked") == "party" and (count := bare_count(turn.text)):
        state["party"] = count
    if turn.entities.get("resource"):
        state["resource"] = turn.entities["resource"]
    absorb_when(talk)


def _question(talk: Talk, missing: list[str]) -> str:
    """One thing missing gets a whole question; several get a short list."""
    state, words = talk.state, talk.words
    known = [words.say("known.party", party=state["party"])] if "party" in state else []
    if "date" in state:
        known.append(words.say("known.date", day=words.day_name(date.fromisoformat(state["date"]))))
    if "time" in state:
        known.append(
            words.say("known.time", time=words.clock(parse_minutes(state["time"], "time")))
        )
    lead = words.say("lead.known", known=" ".join(known)) if known else words.say("lead.new")
    if len(missing) == 1:
        return lead + words.say(f"ask.{missing[0]}")
    asks = [words.say(f"short.{name}") for name in missing]
    question = f"{', '.join(asks[:-1])} {words.say('and')} {asks[-1]}?"
    return lead + ("¿" if words.language == "es" else "") + question[0].upper() + question[1:]


def _too_many(talk: Talk, size: int, resources: Sequence[Resource]) -> str:
    """Why no table takes the party, and what happens instead. The venue data says nothing of
    joining tables, so the team arranges groups larger than any one table."""
    biggest = max((r.capacity for r in resources if r.fits(1)), default=0)
    if biggest and size > biggest:
        return talk.say("large_party", size=size, biggest=biggest)
    return talk.say("nothing_fits", size=size)


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
            return talk.reply(_too_many(talk, size, resources))
    if missing:
        talk.state.update(stage="ask", asked=missing[0])
        return talk.reply(_question(talk, missing))
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
        return talk.reply(talk.say("passed"))
    day = await picture(talk, on)
    if not day.hours.on(on):
        talk.state.pop("date")
        return talk.reply(talk.say("closed", day=talk.words.day_name(on)))
    wish = _wish(talk, day, on)
    if not any(r.fits(wish.party_size) for r in day.resources):
        talk.state.pop("party")
        talk.state.update(stage="ask", asked="party")
        return talk.reply(_too_many(talk, wish.party_size, day.resources))
    slot = free_at(wish, start_at, day, prefer=offered(talk))
    if slot is None:
        when = talk.words.when(on, start_at)
        lead = talk.say("unavailable", when=when, party=wish.party_size)
        return alternatives_reply(talk, lead, nearest(wish, start_at, day))
    talk.state.update(stage="confirm", offer=str(slot.resource.id), where=slot.resource.name)
    text = talk.say(
        "propose",
        resource=slot.resource.name,
        party=wish.party_size,
        when=talk.words.when(on, start_at),
        time=talk.words.clock(start_at),
    )
    return talk.reply(text, confirm=True)


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
        return alternatives_reply(talk, talk.say("taken"), taken.alternatives)
    text = talk.say(
        "booked",
        number=booking.booking_number,
        where=state.get("where", ""),
        party=booking.party_size,
        when=talk.words.when(on, start_at),
    )
    return talk.reply(text, done=True, booking=booking)
