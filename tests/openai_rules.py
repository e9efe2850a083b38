"""Keyword rules the local OpenAI server answers with: crude, deterministic, enough for tests."""

import re
from datetime import date, timedelta
from typing import Any

RULES = (  # first match wins
    (("human", "person", "agent"), "handoff"),
    (("cancel",), "booking.cancel"),
    (("book", "reserve", "table"), "booking.new"),
    (("menu", "price"), "order.browse"),
    (("order", "want", "add"), "order.add"),
    (("hello", "hi", "hola"), "greeting"),
    (("thank",), "thanks"),
    (("bye",), "goodbye"),
    (("yes", "sure"), "confirm.yes"),
    (("no", "nope"), "confirm.no"),
)
NOT_FOUND = "Sorry, I don't have that information. Shall I put you in touch with a person?"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _says(words: list[str], keyword: str) -> bool:
    """A word is the keyword, or (for keywords of 4+ letters) starts with it: booking, thanks."""
    return any(w == keyword or (len(keyword) > 3 and w.startswith(keyword)) for w in words)


def _intent(text: str) -> tuple[str, float]:
    words = _words(text)
    for keywords, intent in RULES:
        if any(_says(words, k) for k in keywords):
            cancels_order = intent == "booking.cancel" and _says(words, "order")
            return ("order.cancel" if cancels_order else intent), 0.9
    return ("support", 0.8) if text.rstrip().endswith("?") else ("out_of_scope", 0.3)


def _listed(system: str, label: str) -> list[str]:
    found = re.search(rf"^{label}: (.*)$", system, re.M)
    names = found.group(1).split(", ") if found else []
    return [name for name in names if name != "(none)"]


def _match(text: str, names: list[str]) -> str | None:
    """The first name sharing a word (of 4+ letters, plurals forgiven) with the text."""
    words = [w for w in _words(text) if len(w) > 3]
    for name in names:
        if any(w.startswith(n) or n.startswith(w) for n in _words(name) for w in words):
            return name
    return None


def _time(text: str) -> str | None:
    found = re.search(r"\b(\d{1,2})(?::(\d\d))?\s*(am|pm)\b|\b(\d{1,2}):(\d\d)\b", text.lower())
    if not found:
        return None
    hour, minute, half, hour24, minute24 = found.groups()
    if hour24:
        return f"{int(hour24):02d}:{minute24}"
    return f"{int(hour) % 12 + (12 if half == 'pm' else 0):02d}:{minute or '00'}"


def _entities(text: str, system: str, today: date, keys: list[str]) -> dict[str, str | None]:
    lower = text.lower()
    party = re.search(r"(?:for|party of)\s+(\d+)|(\d+)\s+(?:people|persons|guests)", lower)
    quantity = re.search(r"\b(\d+)\s+[a-z]", lower)
    days = {"today": 0, "tomorrow": 1}
    day = next((days[w] for w in _words(text) if w in days), None)
    found = {
        "date": None if day is None else (today + timedelta(days=day)).isoformat(),
        "time": _time(text),
        "party_size": party and (party.group(1) or party.group(2)),
        "quantity": None if party or not quantity else quantity.group(1),
        "product": _match(text, _listed(system, "Products")),
        "resource": _match(text, _listed(system, "Resources")),
    }
    return {key: found.get(key) for key in keys}


def classify(messages: list[dict[str, Any]], today: date, keys: list[str]) -> dict[str, Any]:
    """Tool arguments for the last user message: the entity `keys` the schema asks for."""
    text = next(m["content"] for m in reversed(messages) if m["role"] == "user")
    system = str(messages[0]["content"]) if messages[0]["role"] == "system" else ""
    intent, confidence = _intent(text)
    entities = _entities(text, system, today, keys)
    return {"intent": intent, "confidence": confidence, "entities": entities}


def _shared(asked: set[str], words: list[str]) -> int:
    """Question words a passage shares, plurals and -ing forms forgiven: park ~ parking."""
    return sum(any(w.startswith(a) or a.startswith(w) for w in words if len(w) > 3) for a in asked)


def grounded_reply(prompt: str) -> dict[str, Any]:
    """Answer with the numbered passage sharing most words (4+ letters) with the question."""
    head, _, question = prompt.rpartition("Question: ")
    asked = {w for w in _words(question) if len(w) > 3}
    passages = re.findall(r"^\[(\d+)\] (.*)$", head, re.M)
    overlap = [(_shared(asked, _words(text)), int(n), text) for n, text in passages]
    shared, number, text = max(overlap, key=lambda o: (o[0], -o[1]), default=(0, 0, ""))
    if not shared:
        return {"answer": NOT_FOUND, "used": [], "grounded": False}
    return {"answer": text, "used": [number], "grounded": True}
