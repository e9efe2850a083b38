"""What the customer asks for, as (name, quantity) wishes, matched to products by fuzzy name."""

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from ..catalog import Product

# A score this high counts as a match; candidates this close to the best are all plausible.
CUTOFF = 72
CLOSE = 4
MAX_QUANTITY = 50

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_FILLER = frozenset(
    "i i'd id im i'm we like want would love please can could get have add order orders "
    "me us some the also just to of for more another give make it and".split()
)
_SEPARATORS = re.compile(r",|;|&|\+|\band\b|\bplus\b|\bwith\b", re.IGNORECASE)
_ENTITY_ITEM = re.compile(r"^\s*(\d+)\s*x\s*(.+?)\s*$", re.IGNORECASE)
_COUNT = re.compile(r"^(\d+)x?$")


@dataclass(frozen=True, slots=True)
class Wish:
    name: str
    quantity: int | None = None  # None: not said


def _quantity(value: str) -> int:
    return max(1, min(int(value), MAX_QUANTITY))


def _from_segment(segment: str) -> Wish | None:
    """'2 pizza margherita please' -> Wish('pizza margherita', 2); None without a name."""
    quantity, words = None, []
    for word in segment.lower().split():
        if (count := _COUNT.match(word)) and not words:
            quantity = _quantity(count.group(1))
        elif word in _NUMBERS and not words:
            quantity = _NUMBERS[word]
        elif word.strip("?!.") not in _FILLER:
            words.append(word)
    name = " ".join(words).strip(" ?!.")
    return Wish(name, quantity) if re.search(r"[^\W\d]{3,}", name) else None


def wishes(entities: dict[str, str], text: str) -> list[Wish]:
    """The Router's entities when it found products, else the customer's own words."""
    if entities.get("products"):
        found = (_ENTITY_ITEM.match(part) for part in entities["products"].split("|"))
        return [Wish(m.group(2), _quantity(m.group(1))) for m in found if m]
    if entities.get("product"):
        quantity = entities.get("quantity", "")
        return [Wish(entities["product"], _quantity(quantity) if quantity.isdigit() else None)]
    return [w for part in _SEPARATORS.split(text) if (w := _from_segment(part))]


def candidates(name: str, products: list[Product]) -> list[Product]:
    """The products `name` may mean: one exact name, else every close fuzzy match."""
    exact = [p for p in products if p.name.casefold() == name.casefold()]
    if exact:
        return exact[:1]
    scored = process.extract(
        name,
        {p.id: p.name for p in products},
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=5,
        score_cutoff=CUTOFF,
    )
    if not scored:
        return []
    best = scored[0][1]
    by_id = {p.id: p for p in products}
    return [by_id[key] for _, score, key in scored if score >= best - CLOSE]
