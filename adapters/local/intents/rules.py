"""Precise routing rules: stock short replies, asking for a person, and answers to the bot's question.

They run before the model and only fire when they are surer than it: a message made only
of stock words ("yes please", "no thanks", "hi there", "thanks, bye"), a request for a
human, or a bare slot ("7pm", "for 4") right after the bot asked about a booking or order.
"""

import re

from core.orchestrator.nlu import Intent

# One category per stock word; multi-word phrases are written with "_" and joined first.
_STOCK = {
    Intent.CONFIRM_NO: "no nope nopes nah n negative incorrect wrong tidak nggak gak enggak 👎 ❌ "
    "not_really never_mind no_way not_now not_yet don't dont",
    Intent.CONFIRM_YES: "yes yep yeah yup yess yesss sure correct confirm confirmed absolutely sii siii "
    "definitely exactly affirmative si sí iya betul claro vale dale perfecto siap ya_betul "
    "👍 ✅ 👌 of_course go_ahead",
    Intent.GOODBYE: "bye byee byeee goodbye cya ciao chao adios dadah laters nite see_you see_u "
    "see_ya good_night goodnight take_care hasta_luego sampai_jumpa",
    Intent.THANKS: "thanks thank_you thank_u thx ty tq tysm thnx tnx cheers gracias makasih "
    "terima_kasih appreciated 🙏",
    Intent.GREETING: "hi hii hiii hello helo hey heyy heya hiya yo howdy hola halo hallo hai "
    "morning evening afternoon good_morning good_afternoon good_evening good_day "
    "buenos_días buenas_tardes selamat_pagi selamat_siang selamat_malam 👋",
}
_WEAK_YES = set("ok okay k oke okey alright cool great perfect fine good right nice lovely".split())
_FILLER = set(
    "please pls plz there again all guys team everyone you u so much very a lot mate kak ya "
    "then for now the that that's thats is it sir bro hmm wait oh ah and just".split()
)
_PRIORITY = [Intent.CONFIRM_NO, Intent.CONFIRM_YES, Intent.GOODBYE, Intent.THANKS, Intent.GREETING]
_WORDS = {w: i for i, words in _STOCK.items() for w in words.split()}
_PHRASES = re.compile("|".join(re.escape(w.replace("_", " ")) for w in _WORDS if "_" in w))
_TOKEN = re.compile(r"[\w']+|[\U0001F300-\U0001FAFF\u2705\u274C]")
_HANDOFF = re.compile(
    r"\b(?:humano?s?|human being|real person|actual person|live (?:agent|person|chat)"
    r"|real agent|representative|operator|supervisor|call me)\b|^agent\b"
    r"|\b(?:talk|speak|chat|connect|transfer|put me through|hablar|bicara|ngobrol)\b.{0,25}"
    r"\b(?:someone|somebody|a person|persona|staff|manager|owner|team|admin|alguien|orang|cs"
    r"|customer (?:service|support)|whoever|in charge)\b"
)
# What the bot's question was about, in the languages it speaks. A reply that names both
# ("I can help with bookings, orders and questions") asked about neither.
_BOOKING_TOPIC = re.compile(
    r"\b(?:book\w*|reserv\w*|tables?|guests?|people|party|date|day"
    r"|mesas?|personas|comensales|fecha|d[ií]a|meja|orang|tamu|tanggal)\b"
)
# "Anything else?" alone closes any answer (a thank-you's too): it is no question about an
# order unless the order is named with it ("anything else, or shall we check out?").
_ORDER_TOPIC = re.compile(
    r"\b(?:order|cart|basket|add(?:ed|ing)?\b|check ?out|menu|how many (?!people|guests)"
    r"|pedido|carrito|carta\b|men[uú]\b|finaliza\w*|pesanan|pesan(?! teks)|keranjang)"
)
_CHANGE = re.compile(r"\b(?:change|move|reschedul\w*|instead)\b")
_SWITCH = re.compile(r"\b(?:cancel\w*|status|where|human|menu|pay|checkout)\b")
_BOOKING_SLOTS = {"date", "time", "party_size", "resource"}
_ORDER_SLOTS = {"product", "quantity"}
_NUMBER = re.compile(r"\b\d{1,2}\b")


# Messages where a wrong or flow-driven answer can hurt someone: each reaches the business's
# documents (dietary safety) or a person (health, complaints, legal), whatever flow is open.
# English, Spanish and Indonesian; a stem matches its inflections.
_SAFETY = {
    "dietary": re.compile(
        r"\b(?:allerg\w*|alerg\w*|anaphyla\w*|epi ?pen|intoleran\w*|coeliac|celiac\w*|cel[ií]ac\w*"
        r"|gluten|lactos\w*|laktosa|dairy.free|nuts?|peanuts?|tree nuts?|cacahuetes?|frutos secos"
        r"|kacang|shellfish|mariscos?|seafood allerg\w*|sesame|s[eé]samo|wijen|halal|kosher"
        r"|safe (?:to eat|for (?:my|a|someone|people|kids|children))|seguro para"
        r"|eat\b.{0,40}\bsafe(?:ly)?|safely eat)\b"
    ),
    "health": re.compile(
        r"\b(?:pregnan\w*|embarazad\w*|hamil|diabet\w*|diab[eé]tic\w*|emergenc\w*|urgencia"
        r"|darurat|bleeding|sangr\w*|chest pain|can'?t breathe|overdose|side effects?"
        r"|food poisoning|intoxica\w*|intoxiqu\w*|keracunan|got sick|made me sick|me enferm\w*"
        r"|sakit perut)\b"
    ),
    "complaint": re.compile(
        r"\b(?:complain\w*|complaint|queja|quejarme|reclamaci[oó]n|reclamar|komplain|keluhan"
        r"|disgusting|asqueros\w*|found a (?:hair|bug|cockroach)|cockroach|cucaracha|kecoa"
        r"|worst (?:service|food|experience)|charged twice|cobrado dos veces)\b"
    ),
    "legal": re.compile(
        r"\b(?:lawyer|attorney|abogad\w*|pengacara|sue (?:you|the|them|your)|suing|lawsuit"
        r"|legal action|demandar(?:les|te)?|os voy a demandar"
        r"|denunci\w*|gugat\w*|lapor polisi|police|polic[ií]a|consumer protection)\b"
    ),
}


_ABOUT_BOT = re.compile(
    r"\b(?:are (?:you|u) (?:a |an )?(?:bot|robot|real|human|machine|ai|person)"
    r"|am i (?:talking|chatting|speaking) (?:to|with) (?:a )?(?:bot|robot|machine|human|person|real)"
    r"|who am i (?:talking|chatting|speaking) (?:to|with)|^what are (?:you|u)\W*$"
    r"|eres (?:un )?(?:bot|robot|humano|una persona|real)|hablo con (?:un )?(?:bot|robot|humano)"
    r"|(?:kamu|ini) (?:bot|robot|manusia|orang beneran)|apakah (?:kamu|ini) (?:bot|robot))"
)


def asks_about_bot(text: str) -> bool:
    """ "are you a robot?": the bot answers for itself, honestly, not from the documents."""
    return bool(_ABOUT_BOT.search(text.lower()))


def safety_concern(text: str) -> str:
    """Which kind of safety-critical message this is ("dietary", "health", "complaint",
    "legal"), or "" for none."""
    lowered = text.lower()
    return next((kind for kind, pattern in _SAFETY.items() if pattern.search(lowered)), "")


def stock_reply(text: str) -> Intent | None:
    """The intent of a short message made only of stock words, fillers and emoji."""
    found = _stock_words(text)
    if found is None:
        return None
    for intent in _PRIORITY:
        if intent in found:
            return intent
    return Intent.CONFIRM_YES if _WEAK in found else None


def closing(text: str) -> Intent | None:
    """The thanks or goodbye among a stock reply's words ("vale gracias" -> thanks)."""
    found = _stock_words(text) or set()
    return next((i for i in (Intent.GOODBYE, Intent.THANKS) if i in found), None)


_WEAK = "weak yes"


def _stock_words(text: str) -> set[Intent | str] | None:
    """What a message made only of stock words says (a weak yes as _WEAK); None when it holds
    anything else or is too long to be a stock reply."""
    lowered = _PHRASES.sub(lambda m: m.group(0).replace(" ", "_"), text.lower())
    tokens = _TOKEN.findall(lowered)
    if not tokens or len(tokens) > 6:
        return None
    if any(
        t not in _WORDS and t not in _WEAK_YES and t not in _FILLER and t.isalnum() for t in tokens
    ):
        return None
    found: set[Intent | str] = {_WORDS[t] for t in tokens if t in _WORDS}
    return found | ({_WEAK} if any(t in _WEAK_YES for t in tokens) else set())


# Asking, in other words, for someone of the business: a verb of reaching within a few words
# of someone who is not the bot; or turning the bot down.
_REACH = re.compile(
    r"\b(?:connect|talk|speak|chat|pass|contact|forward|escalate"
    r"|hablar|p[aá]same|atienda|sambung\w*|hubung\w*|ngobrol|ngomong|bales|telpon)\b"
    r".{0,30}\b(?:agent|agente|staff|staf|employee|admin\w*|mimin|cs|manager|encargado|boss"
    r"|recepci[oó]n|reception|front desk|customer care|someone|person|persona|manusia|orang"
    r"|pemilik)\b"
    r"|\b(?:not|don'?t|no|bukan|jangan|enough with|stop)\b.{0,20}\b(?:bot|machine|robot)\b"
    r"|^escalate\b|\bi need a person\b"
)


def wants_person(text: str) -> bool:
    """Asking for a human always works, whatever else the message says."""
    lowered = text.lower()
    return bool(_HANDOFF.search(lowered) or _REACH.search(lowered))


def topic(bot_text: str) -> Intent | None:
    """What the bot's last turn was about: a new or changed booking, or adding to an order."""
    booking = len(_BOOKING_TOPIC.findall(bot_text.lower()))
    order = len(_ORDER_TOPIC.findall(bot_text.lower()))
    if booking > order:
        return Intent.BOOKING_CHANGE if _CHANGE.search(bot_text.lower()) else Intent.BOOKING_NEW
    return Intent.ORDER_ADD if order > booking else None


def continuation(text: str, entities: dict[str, str], bot_text: str) -> Intent | None:
    """A bare slot ("7pm", "for 4", "2 cokes") right after the bot asked about it continues that flow."""
    if "?" not in bot_text:
        return None  # the bot asked nothing ("Booked! See you then!"): not an answer
    intent = topic(bot_text)
    if intent is None or len(_TOKEN.findall(text)) > 6 or _SWITCH.search(text.lower()):
        return None
    slots = _ORDER_SLOTS if intent is Intent.ORDER_ADD else _BOOKING_SLOTS
    if slots & entities.keys() or bare_number(text):
        return intent
    return None


# "Nothing more" in the languages the bot speaks: after "anything else, or check out?" it
# means check out ("finalizar", "eso es todo", "that's all", "udah itu aja").
_DONE = re.compile(
    r"^(?:(?:no|nope|ok|okay|vale|listo|ya|gracias|thanks|sudah|udah|sdh|gak|nggak|tidak)\W+)*"
    r"(?:finali[sz]\w*|termin\w*|selesai|cukup|checkout|check out|pagar|bayar"
    r"|(?:that'?s|that is|thats) (?:all|it)|nothing (?:else|more)|done"
    r"|(?:eso )?es todo|nada m[aá]s|(?:ya )?est[aá]|itu (?:aja|saja)|(?:sudah|udah) (?:aja|saja|itu))"
    r"(?:\W+(?:gracias|thanks|thank you|please|por favor|makasih|terima kasih))*\W*$"
)


def finishing(text: str, bot_text: str) -> bool:
    """The customer has nothing to add to the order the bot asked about."""
    return (
        "?" in bot_text
        and topic(bot_text) is Intent.ORDER_ADD
        and bool(_DONE.match(text.lower().strip()))
    )


# A verb of cancelling or changing beside what it acts on, in the languages the bot speaks:
# "batalin reservasi saya", "podemos cambiarla a las 21h?", "cancel my order".
_CANCEL = re.compile(r"\b(?:cancel\w*|anul\w*|batal\w*|call off)\b")
_CHANGE_VERB = re.compile(
    r"\b(?:change|move|reschedul\w*|push|cambi\w*|mov\w*|pasar\w*|retras\w*|adelant\w*"
    r"|ganti\w*|ubah\w*|pindah\w*|undur\w*|majuin|mundurin)\b"
)
_BOOKING_THING = re.compile(r"\b(?:book\w*|reserv\w*|table|mesa|meja|appointment|cita|janji)\b")
_ORDER_THING = re.compile(r"\b(?:order\w*|pedido\w*|pesanan\w*|delivery|entrega|antar\w*)\b")


def task_verb(text: str, entities: dict[str, str]) -> Intent | None:
    """Cancelling a booking or an order, or moving a booking, said with its verb: precise
    in every language the bot speaks, where the model knows English best."""
    lowered = text.lower()
    booking, order = _BOOKING_THING.search(lowered), _ORDER_THING.search(lowered)
    if _CANCEL.search(lowered) and bool(booking) != bool(order):
        return Intent.BOOKING_CANCEL if booking else Intent.ORDER_CANCEL
    slots = {"date", "time", "party_size"} & entities.keys()
    if _CHANGE_VERB.search(lowered) and not order and (booking or slots):
        return Intent.BOOKING_CHANGE
    return None


def bare_number(text: str) -> str | None:
    """The lone number of a short answer ("6", "make it 3"), if there is one."""
    numbers = _NUMBER.findall(text.lower())
    return numbers[0] if len(numbers) == 1 else None
