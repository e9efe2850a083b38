"""A yes or a no in words, in English, Spanish or Indonesian ("vale", "siap", "gak jadi"),
read only from a message made of nothing else: the agents' own reading when the Router did
not take the message for one."""

import re

YES, NO = "yes", "no"

_YES_WORDS = frozenset(
    "yes yep yeah yup sure ok okay oke okey alright fine perfect great confirm confirmed go "
    "ahead si sí vale dale claro perfecto bueno listo correcto acuerdo adelante "
    "iya ya yoi sip siap betul benar boleh setuju lanjut gas jadi".split()
)
_NO_WORDS = frozenset(
    "no nope nah not tidak nggak gak ga enggak engga ndak jangan batal todavía".split()
)
_FILLERS = frozenset(
    "please pls thanks thank you it is that's thats fine de por favor gracias mejor "
    "kak mas mbak aja deh dulu saja".split()
)
_KNOWN = _YES_WORDS | _NO_WORDS | _FILLERS
_LETTERS = re.compile(r"[^\W\d_]+")


def yes_or_no(text: str) -> str:
    """YES or NO when the whole message is one, else ""."""
    words = _LETTERS.findall(text.lower())
    if not words or len(words) > 6 or any(w not in _KNOWN for w in words):
        return ""
    if any(w in _NO_WORDS for w in words):
        return NO
    return YES if any(w in _YES_WORDS for w in words) else ""
