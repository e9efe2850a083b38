"""What the agent reads from a turn beyond the Router's entities: bare answers, tapped slots,
a yes or no in Spanish or Indonesian, and a question on the side of a booking."""

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


_LETTERS = re.compile(r"[^\W\d_]+")


# A question on the side: a clause that asks (a "?" or an opening "do you", "is there",
# "¿tienen", "apakah") about something else than the booking itself ("is that possible?",
# "what times are free?" are about the booking).
_CLAUSE = re.compile(r"[^.!?;\n¿]+\?*|¿[^?]*\?*")
_JOINER = re.compile(r",|\b(?:and|also|but|plus|y|también|pero|dan|juga|terus|tapi)\b", re.I)
_OPENER = re.compile(
    r"^\s*¿?\s*(?:do|does|did|is|are|can|could|will|would|what|what's|whats|which|where|how"
    r"|when|who|why|any|tienen|tenéis|tiene|hay|puedo|podemos|se puede|qué|cuál|cuánto|dónde"
    r"|cómo|apakah|ada|bisa|boleh|berapa|dimana|di mana|gimana|bagaimana|kapan)\b",
    re.I,
)
# A clause naming a booking is the request itself, however it is asked ("hola, ¿tienen mesa
# para 4 mañana?"), not a question beside it.
_THE_BOOKING = re.compile(r"\b(?:book\w*|reserv\w*|tables?|mesas?|meja|court|cita)\b", re.I)
_ABOUT_THE_BOOKING = frozenset(
    """book booking booked reserve reservation table tables seat seats sit spot place time
    times date day days tonight today tomorrow free available availability possible okay
    that this there still you your we us our they them have has get got make move change
    come arrive earlier later early late instead then rather maybe about the for and with
    people persons person guests adults kids children baby terrace outside outdoor inside
    indoor window patio garden private room court slot slots space open what when which how
    can could would will are does did any please pls
    mesa mesas reserva reservar hora horas sitio lugar espacio hueco libre disponible posible
    hoy mañana noche personas para
    meja reservasi pesan tempat kosong jam besok malam orang untuk buat muat apa kah""".split()
)


def side_question(text: str, names: tuple[str, ...] = ()) -> str:
    """The question the message asks beside the booking ("book for 4 at 8 and do you have
    vegan food?" -> "do you have vegan food?"), or "". `names`: words the Router read as a
    resource ("Terrace") are the booking's too."""
    known = _ABOUT_THE_BOOKING | {w for name in names for w in _LETTERS.findall(name.lower())}
    clauses = [
        clause.strip(" ,")
        for sentence in _CLAUSE.findall(text)
        for clause in _JOINER.split(sentence)
        if clause.strip(" ,")
    ]
    if len(clauses) < 2:  # a message that is one question is the booking request itself
        return ""
    for clause in clauses:
        asks = clause.endswith("?") or _OPENER.match(clause)
        words = [w for w in _LETTERS.findall(clause.lower()) if len(w) >= 3]
        if asks and not _THE_BOOKING.search(clause) and any(w not in known for w in words):
            return clause.lstrip("¿ ").strip()
    return ""
