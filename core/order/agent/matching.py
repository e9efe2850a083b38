"""What the customer asks for, as (name, quantity) wishes, matched to products by fuzzy name."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from rapidfuzz import fuzz, utils

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
    # Spanish and Indonesian counts, as customers write them before a dish.
    "un": 1,
    "una": 1,
    "uno": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
}
_FILLER = frozenset(
    "i i'd id im i'm we like want would love please pls can could get have add order orders "
    "me us some the also just to of for more another give make it and too as well both thanks "
    "thank you pickup delivery delivered today tonight tomorrow now asap "
    # Spanish: "quiero", "ponme", "para mí", "por favor"; Indonesian: "mau pesan", "tolong".
    "quiero quisiera queremos pon ponme ponnos dame danos pedir pido añade añadir agrega "
    "también tambien más mas para mí por favor porfa gracias hoy mañana "
    "mau pesan minta beli tolong aku saya kami tambah juga lagi ya dong kak deh aja "
    # A greeting in front of the order: "buenas, quiero ...", "halo kak, mau ...".
    "hi hello hey hola buenas buenos días dias tardes noches halo hai pagi siang sore malam".split()
)
_SEPARATORS = re.compile(
    r",|;|&|\+|[!?\n]|\.(?:\s|$)|\band\b|\bplus\b|\bwith\b|\by\b|\bdan\b|\bsama\b",
    re.IGNORECASE,
)
_ENTITY_ITEM = re.compile(r"^\s*(\d+)\s*x\s*(.+?)\s*$", re.IGNORECASE)
_COUNT = re.compile(r"^(\d+)x?$")


class _HasName(Protocol):
    @property
    def name(self) -> str: ...


Named = TypeVar("Named", bound=_HasName)


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


def _from_entities(entities: dict[str, str]) -> list[Wish]:
    """The products the Router found (from the tenant's names), with their counts."""
    if entities.get("products"):
        found = (_ENTITY_ITEM.match(part) for part in entities["products"].split("|"))
        return [Wish(m.group(2), _quantity(m.group(1))) for m in found if m]
    if entities.get("product"):
        quantity = entities.get("quantity", "")
        return [Wish(entities["product"], _quantity(quantity) if quantity.isdigit() else None)]
    return []


def wishes(entities: dict[str, str], text: str) -> list[Wish]:
    """Everything the customer asked for: the products the Router found, and every other item
    the words name ("3 cokes" beside a Margherita the Router knew), so that each one is added
    or refused, none dropped."""
    said = [w for part in _SEPARATORS.split(text) if (w := _from_segment(part))]
    found = [_as_said(f, said) for f in _from_entities(entities)]
    others = [w for w in said if not any(_score(w.name, f.name) >= CUTOFF for f in found)]
    return found + others


def _as_said(found: Wish, said: list[Wish]) -> Wish:
    """The Router counts a product named without a number as 1; the agent must know it was
    not said ("the diavola" answers "which one?" for the 2 pizzas asked about)."""
    words = next((w for w in said if _score(w.name, found.name) >= CUTOFF), None)
    if words and words.quantity is None and found.quantity == 1:
        return Wish(found.name)
    return found


def singular(name: str) -> str:
    """ "cokes" -> "coke", "margheritas" -> "margherita", "sandwiches" -> "sandwich": a plural
    read against singular menu names (words of three letters or fewer are left alone)."""
    words = []
    for word in name.split():
        if len(word) > 4 and re.search(r"(?:ch|sh|x|ss)es$", word):
            word = word[:-2]
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return " ".join(words)


def _score(name: str, target: str) -> float:
    """How well `name` (singular or plural) reads as `target`, 0 to 100."""
    process_ = utils.default_process
    return max(
        fuzz.WRatio(name, target, processor=process_),
        fuzz.WRatio(singular(name), target, processor=process_),
    )


def _best_first(scored: tuple[float, int]) -> tuple[float, int]:
    return -scored[0], scored[1]


def _names(item: _HasName) -> tuple[str, ...]:
    """Its name and the other names customers give it (a product's aliases; categories have
    none)."""
    return (item.name, *getattr(item, "aliases", ()))


def candidates(name: str, products: Sequence[Named]) -> list[Named]:
    """The products `name` may mean: one exact name or alias (plurals too), else every close
    fuzzy match."""
    said = (name.casefold(), singular(name.casefold()))
    exact = [p for p in products if any(n.casefold() in said for n in _names(p))]
    if exact:
        return exact[:1]
    scored = sorted(
        ((max(_score(name, n) for n in _names(p)), i) for i, p in enumerate(products)),
        key=_best_first,
    )
    scored = [(score, i) for score, i in scored[:5] if score >= CUTOFF]
    if not scored:
        return []
    best = scored[0][0]
    return [products[i] for score, i in scored if score >= best - CLOSE]
