"""Words a customer uses that the documents spell differently, for the extractive writer.

Customers write "Xmas", "dirección" or "jam buka"; the documents say "25 December", "Calle…"
under "How to find us", "Opening hours". Without an LLM a small table carries the common
business words across English, Spanish and Indonesian, and names the days and dates a
sentence is about so "Sunday" finds the Sunday line, "Wednesday" finds "Monday to Thursday".
"""

import re
import unicodedata
from typing import Any

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january february march april may june july august september october november december"
).split()

# Whole phrases first (longest wins): holidays become the dates documents print.
PHRASES = {
    r"(?:christmas|xmas|navidad|natal) eve|nochebuena|malam natal": "24 december",
    r"(?:christmas|xmas) day|(?:christmas|xmas|navidad|natal)": "25 december",
    r"new year'?s'? eve|nochevieja|malam tahun baru": "31 december",
    r"new year'?s'?(?: day)?|ano nuevo|tahun baru": "1 january",
    r"jam (?:buka|operasional)|horario de apertura": "opening hours",
    r"jam berapa|a que hora": "what time",
    r"ulang tahun|cumpleanos": "birthday",
    r"sin gluten|bebas gluten": "gluten-free",
    r"silla de ruedas|kursi roda": "wheelchair",
    r"tarjeta de regalo|kartu hadiah|voucher hadiah": "gift card",
    r"a domicilio|ke rumah": "delivery",
    r"(?:di ?mana|donde)(?: (?:lokasi|estan|esta|ubicados?))?": "located",
}
_PHRASE = [(re.compile(rf"\b(?:{pattern})\b"), english) for pattern, english in PHRASES.items()]


def _named(names: str, english: tuple[str, ...] | list[str]) -> dict[str, str]:
    return dict(zip(names.split(), english, strict=True))


# Spanish and Indonesian (accents stripped) to the English the documents are written in.
TRANSLATIONS = {
    **dict.fromkeys("horario horarios".split(), "hours"),
    **dict.fromkeys("hora horas".split(), "time"),
    **dict.fromkeys("abierto abierta abiertos abren abre abrir abris buka".split(), "open"),
    **dict.fromkeys("cerrado cerrada cerrados cierran cierra cerrar tutup".split(), "close"),
    **dict.fromkeys("direccion ubicacion alamat alamatnya lokasi".split(), "address"),
    **dict.fromkeys("pago pagar pagos bayar pembayaran membayar".split(), "pay"),
    **dict.fromkeys("tarjeta tarjetas kartu".split(), "card"),
    **dict.fromkeys("efectivo tunai".split(), "cash"),
    **dict.fromkeys("entrega entregas reparto envio antar kirim pengiriman".split(), "delivery"),
    **dict.fromkeys("precio precios cuesta cuestan harga".split(), "price"),
    **dict.fromkeys("reserva reservar reservas reservasi".split(), "booking"),
    **dict.fromkeys("cancelar cancelacion batal membatalkan".split(), "cancel"),
    **dict.fromkeys("reembolso devolucion".split(), "refund"),
    **dict.fromkeys("mesa meja".split(), "table"),
    **dict.fromkeys("perro perros anjing".split(), "dog"),
    **dict.fromkeys("mascota mascotas peliharaan".split(), "pets"),
    **dict.fromkeys("ninos nino hijos anak".split(), "children"),
    **dict.fromkeys("aparcamiento aparcar estacionamiento parkir".split(), "parking"),
    **dict.fromkeys("vegetariano vegetariana".split(), "vegetarian"),
    **dict.fromkeys("vegano vegana".split(), "vegan"),
    **dict.fromkeys("tarta pastel kue".split(), "cake"),
    **dict.fromkeys("regalo hadiah".split(), "gift"),
    **dict.fromkeys("evento eventos acara".split(), "events"),
    **dict.fromkeys("grupo grupos rombongan".split(), "group"),
    **dict.fromkeys("postre postres".split(), "dessert"),
    **dict.fromkeys("vino anggur".split(), "wine"),
    **dict.fromkeys("cerveza bir".split(), "beer"),
    **dict.fromkeys("cafe kopi".split(), "coffee"),
    **dict.fromkeys("alergia alergenos alergi".split(), "allergens"),
    **dict.fromkeys("contrasena sandi".split(), "password"),
    **_named("lunes martes miercoles jueves viernes sabado domingo", WEEKDAYS),
    **_named("senin selasa rabu kamis jumat sabtu minggu", WEEKDAYS),
    # "mayo" is mayonnaise as well as May
    **_named(
        "enero febrero marzo abril - junio julio agosto septiembre octubre noviembre diciembre",
        MONTHS,
    ),
    **_named(
        "januari februari maret april mei juni juli agustus september oktober november desember",
        MONTHS,
    ),
}

# English words for one thing: a question word matches a sentence holding any of its kin.
_KIN = [
    "address located location locate situated find street directions",
    "close closes closing closed shut",
    "pay payment paying paid accept cards card cash",
    "deliver delivery delivers riders",
    "price prices cost costs eur",
    "book booking booked reserve reservation reservations",
    "kids kid children child",
    "dog dogs pets pet",
    "gift voucher vouchers",
    "party parties events event celebration",
    "toilet toilets bathroom restroom",
    "parking park",
    "allergy allergies allergic allergens allergen",
    "wheelchair accessible accessibility disabled",
    "guests people persons",
]
KIN = {word: frozenset(group.split()) for group in _KIN for word in group.split()}

_WORD = re.compile(r"[^\W_]+|'", re.UNICODE)
_WEEKDAY = "|".join(WEEKDAYS)
_ABBREVIATION = "|".join(day[:3] for day in WEEKDAYS)
_RANGE = re.compile(
    rf"\b({_WEEKDAY}|{_ABBREVIATION})\w*\s*(?:-|\u2013|to|until|till|through)\s*({_WEEKDAY}|{_ABBREVIATION})"
)
_DAY = re.compile(rf"\b({_WEEKDAY})s?\b")
_MONTH = "|".join(MONTHS)
_DATES = re.compile(
    rf"\b(\d{{1,2}}(?:st|nd|rd|th)?(?:\s*(?:,|and|&|-)\s*\d{{1,2}}(?:st|nd|rd|th)?)*)"
    rf"\s+(?:of\s+)?({_MONTH})\b|\b({_MONTH})\s+(\d{{1,2}})\b"
)
_GROUPS = {"weekday": WEEKDAYS[:5], "weekend": WEEKDAYS[5:], "every day": WEEKDAYS}


def fold(text: str) -> str:
    """Lower case without accents or curly quotes: "Dirección" and "direccion" are one word."""
    text = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


def to_english(text: str) -> str:
    """The question in the documents' words: holidays as dates, es/id business words in English."""
    text = fold(text)
    for pattern, english in _PHRASE:
        text = pattern.sub(english, text)
    text = re.sub(r"\b(\d{1,2}) de ", r"\1 ", text)  # "25 de diciembre"
    return re.sub(r"[^\W\d_]+", lambda m: TRANSLATIONS.get(m.group(), m.group()), text)


def when(text: str) -> frozenset[str]:
    """The weekdays and calendar dates a text is about ("monday", "25 december")."""
    text = fold(text)
    found: set[str] = set()
    for start, end in _RANGE.findall(text):
        first, last = _weekday(start), _weekday(end)
        found.update(WEEKDAYS[(first + i) % 7] for i in range((last - first) % 7 + 1))
    found.update(_DAY.findall(text))
    for word, days in _GROUPS.items():
        if re.search(rf"\b{word}s?\b|\bdaily\b" if word == "every day" else rf"\b{word}s?\b", text):
            found.update(days)
    for days, month, month_first, day in _DATES.findall(text):
        for number in re.findall(r"\d{1,2}", days or day):
            found.add(f"{int(number)} {month or month_first}")
    return frozenset(found)


def _weekday(name: str) -> int:
    return next(i for i, day in enumerate(WEEKDAYS) if day.startswith(name[:3]))


class EnglishQueries:
    """A KnowledgeSearch that puts Spanish and Indonesian questions into the documents' English
    first: the local MiniLM retrieves English only ("¿a qué hora abren?" finds nothing)."""

    def __init__(self, search: Any) -> None:
        self._search = search

    async def search(self, tenant_id: Any, outlet_id: Any, query: str, top_k: int) -> Any:
        return await self._search.search(tenant_id, outlet_id, to_english(query), top_k)
