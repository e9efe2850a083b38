"""What the agent reads from a turn beyond the Router's entities: bare answers, tapped slots."""

import re
import uuid
from datetime import date

from .availability import Slot
from .times import hhmm

_BARE_NUMBER = re.compile(r"^\s*(\d{1,2})\s*(?:people|persons|pax|guests)?\s*[.!]?\s*$", re.I)
_HOUR = re.compile(r"\b(?:to|at|around|about)\s+(\d{1,2})(?:[:.](\d{2}))?\s*([ap])?\.?m?\b")
_SLOT_ID = re.compile(r"^slot:(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):([0-9a-f-]{36})$")


def bare_count(text: str) -> str | None:
    """ "4" or "4 people" as an answer to "how many people?"."""
    match = _BARE_NUMBER.match(text)
    return match.group(1) if match and int(match.group(1)) > 0 else None


def hour_in(text: str) -> str | None:
    """A time the Router's extraction leaves out: "move it to 8". A bare 1-9 is evening."""
    match = _HOUR.search(text.strip().lower())
    if not match:
        return None
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if (meridiem == "p" and hour < 12) or (meridiem is None and 1 <= hour <= 9):
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return hhmm(hour * 60 + minute)


def slot_id(slot: Slot) -> str:
    """The option id of a slot: "slot:2025-03-14T19:30:<resource id>"."""
    return f"slot:{slot.day.isoformat()}T{hhmm(slot.start)}:{slot.resource.id}"


def tapped_slot(reply_id: str) -> tuple[date, str, uuid.UUID] | None:
    """The (date, "HH:MM", resource id) of a tapped slot option, if that is what was tapped."""
    match = _SLOT_ID.match(reply_id)
    if not match:
        return None
    return date.fromisoformat(match.group(1)), match.group(2), uuid.UUID(match.group(3))
