"""Entity extraction for the local classifier: the normalised values a Classification carries.

Keys (all strings, present only when found):
  date "YYYY-MM-DD" and time "HH:MM" (see when.py for what is understood);
  party_size "4": "for 4", "table for two", "4 people", "we are 6", "2 adults and 2 kids",
    "para 4", "somos cinco", "buat 5 orang", "5 org", "kami ber-4", "berdua";
  product: the canonical vocabulary name first mentioned, quantity: its count ("1" for "a");
  products: every product in text order as "2x Pizza Margherita|1x Coke" (count defaults to 1);
  resource: the vocabulary resource mentioned ("Terrace");
  booking_ref "B-1234" or "1534"; order_ref "O-5521" or "1042" (as written, without "#").
"""

import re
from datetime import datetime

from core.orchestrator.nlu import Vocabulary

from .names import find_names, quantity_before
from .when import NUMBER_WORDS, find_date, find_time

# Spanish and Indonesian counts of people ("once" is left out: it is English too).
_COUNTS = {
    **{word: n for n, word in enumerate(NUMBER_WORDS, 1)},
    **{
        w: n
        for n, w in enumerate("uno dos tres cuatro cinco seis siete ocho nueve diez".split(), 1)
    },
    "una": 1,
    "doce": 12,
    **{
        w: n
        for n, w in enumerate(
            "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas".split(), 1
        )
    },
}
_N = rf"(\d{{1,2}}|{'|'.join(_COUNTS)})"
_PEOPLE = (
    r"(?:people|persons?|pax|guests?|ppl|peeps|diners|of us|personas|comensales|adultos"
    r"|orang|org|tamu)"
)
NO_NAMES = Vocabulary()
_GUESTS = re.compile(rf"\b{_N}\s+(?:adults?|kids?|children|child)\b")
# What may follow "for 4" when 4 is the party: a day, a time, people, or nothing.
_AFTER_FOR = (
    r"at|on|in|to|tomorrow|tonight|today|next|this|please|pls|\w*day\b|around|about|by|from"
    r"|tmrw|tmr|2moro|2morrow|2nite|tonite|mañana|manana|hoy|esta|este|el|a las|por favor"
    r"|besok|bsk|lusa|hari|nanti|malam|jam|jm|pukul|ya\b|kak\b"
)
_PARTY = [
    re.compile(rf"\b{_N}\s+{_PEOPLE}\b"),
    re.compile(
        rf"\b(?:we are|we're|we will be|we'll be|party of|group of|somos|seremos|kami)\s+{_N}\b"
        r"(?!\s*(?:[:.]\d|[ap]\.?m\b|o'?clock|h\b|-?\s*ish))"
    ),
    re.compile(r"\bber-?(\d{1,2})\b"),  # "kami ber-5": five of us
    # "berdua", "bertiga": the two, the three of us.
    re.compile(r"\bber(dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh)\b"),
    # "for 4" but not "for 7pm" nor "for 2 pizzas": only people, a date, a time or nothing may follow
    re.compile(
        rf"\b(?:for|para|untuk|buat)\s+{_N}\b(?!\s*(?:[:.]\d|[ap]\.?m\b|o'?clock|h\b|-?\s*ish))"
        rf"(?=\s*(?:$|[^\w\s]|{_PEOPLE}|{_AFTER_FOR}))"
    ),
]
_BOOKING_REF = re.compile(
    r"#?\b(b-?\d{2,})\b|\b(?:booking|reservation|res)\s*(?:number|no\.?|ref\w*)?\s*#?(\d{2,})\b"
)
_ORDER_REF = re.compile(
    r"#?\b(o-?\d{2,})\b|\border\s*(?:number|no\.?|ref\w*)?\s*(?:is\s*)?#?(\d{2,})\b"
)


def extract(text: str, now: datetime, vocabulary: Vocabulary = NO_NAMES) -> dict[str, str]:
    """Every entity the text carries, as documented above."""
    lowered = text.lower()
    found = {
        "date": find_date(text, now),
        "time": find_time(text),
        "party_size": party_size(lowered),
        "resource": _resource(text, vocabulary),
        "booking_ref": _reference(_BOOKING_REF, lowered),
        "order_ref": _reference(_ORDER_REF, lowered),
        **_products(text, vocabulary),
    }
    return {key: value for key, value in found.items() if value}


def party_size(lowered: str) -> str | None:
    """How many people the booking is for, adults and children added up."""
    guests = [_number(m.group(1)) for m in _GUESTS.finditer(lowered)]
    if guests:
        return str(sum(guests))
    for pattern in _PARTY:
        if match := pattern.search(lowered):
            return str(_number(match.group(1)))
    return None


def _products(text: str, vocabulary: Vocabulary) -> dict[str, str]:
    """product, quantity and products, from the vocabulary's product names."""
    mentions = find_names(text, vocabulary.products)
    if not mentions:
        return {}
    counts = [quantity_before(text, m) or 1 for m in mentions]
    listed = "|".join(f"{n}x {m.name}" for n, m in zip(counts, mentions, strict=True))
    return {"product": mentions[0].name, "quantity": str(counts[0]), "products": listed}


def _resource(text: str, vocabulary: Vocabulary) -> str | None:
    """The best-scoring resource name mentioned, if any."""
    mentions = find_names(text, vocabulary.resources)
    return max(mentions, key=lambda m: m.score).name if mentions else None


def _reference(pattern: re.Pattern[str], lowered: str) -> str | None:
    """A booking or order reference, upper-cased, with its letter prefix hyphenated."""
    match = pattern.search(lowered)
    if not match:
        return None
    ref = (match.group(1) or match.group(2)).upper()
    return re.sub(r"^([BO])-?", r"\1-", ref)


def _number(token: str) -> int:
    """A digit string or a number word (English, Spanish, Indonesian) up to twelve."""
    return int(token) if token.isdigit() else _COUNTS[token]
