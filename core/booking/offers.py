"""Steps the agent's tasks share: reading the wished day and time, and offering alternatives."""

import uuid
from datetime import date

from .availability import Day, Slot
from .placing import day_of
from .reading import bare_count, hour_in, slot_id, tapped_slot
from .talk import BookingReply, Option, Talk
from .times import parse_day, parse_minutes
from .venue import Resource


def absorb_when(talk: Talk) -> None:
    """Date and time from the entities, a tapped slot, or a bare answer to "what time?"."""
    state, turn = talk.state, talk.turn
    for key in ("date", "time"):
        if turn.entities.get(key):
            state[key] = turn.entities[key]
    bare = bare_count(turn.text)
    if "time" not in turn.entities:
        if bare and state.get("asked") == "time":
            state["time"] = hour_in(f"at {bare}") or state.get("time", "")
        elif not bare and (hour := hour_in(turn.text)):
            state["time"] = hour
    if tapped := tapped_slot(turn.reply_id):
        state["date"], state["time"], state["offer"] = (
            tapped[0].isoformat(),
            tapped[1],
            str(tapped[2]),
        )
    state.pop("asked", None)


def wished(talk: Talk, day: date, start: int) -> tuple[date, int]:
    """The state's date and time, each defaulting to the given one."""
    state = talk.state
    chosen_day = parse_day(state["date"], "date") if state.get("date") else day
    chosen_start = parse_minutes(state["time"], "time") if state.get("time") else start
    return chosen_day, chosen_start


def has_passed(talk: Talk, day: date, start: int) -> bool:
    return day < talk.today or (day == talk.today and start < talk.now)


def offered(talk: Talk) -> uuid.UUID | None:
    """The resource of the slot proposed or tapped last, preferred when still free."""
    return uuid.UUID(talk.state["offer"]) if talk.state.get("offer") else None


async def picture(talk: Talk, day: date) -> Day:
    async with talk.uow:
        return await day_of(talk.uow, talk.turn.tenant_id, talk.turn.outlet_id, day)


async def outlet_resources(talk: Talk) -> list[Resource]:
    """Everything the outlet books out, whatever the day."""
    async with talk.uow:
        return list(await talk.uow.resources.of_outlet(talk.turn.tenant_id, talk.turn.outlet_id))


async def resource_names(talk: Talk) -> dict[uuid.UUID, str]:
    return {resource.id: resource.name for resource in await outlet_resources(talk)}


def alternatives_reply(talk: Talk, lead: str, slots: list[Slot] | tuple[Slot, ...]) -> BookingReply:
    """The nearest free times as options; none left that day means asking for another day."""
    upcoming = [s for s in slots if not has_passed(talk, s.day, s.start)]
    talk.state.pop("offer", None)
    if not upcoming:
        talk.state.pop("time", None)
        talk.state.pop("date", None)
        return talk.reply(talk.say("none_free", lead=lead))
    talk.state["stage"] = "choose"
    options = tuple(Option(slot_id(s), talk.words.slot_title(s, talk.today)) for s in upcoming)
    return talk.reply(talk.say("nearest", lead=lead), options)
