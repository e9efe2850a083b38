"""Questions the Router reads by their shape, whatever the words are about.

A short question that continues the one the documents just answered: "and saturday?" after
"what time do you close on sunday?", "¿y con tarjeta?" after "¿puedo pagar con bizum?".
Read alone it names no task (or the wrong one: "and if we cancel?" is not a cancellation), so
it goes to the documents; when it is a mere fragment ("and saturday?") it is asked together
with the question before it, a whole question ("also is my dog allowed?") on its own.
"""

import re

MAX_WORDS = 7
FRAGMENT_WORDS = 2  # beyond its opening word(s): "and saturday?", "y con tarjeta?"
_OPENING = re.compile(
    r"^\W*(?:and|also|or|what about|how about|same for|plus"  # English
    r"|y|e|o|tambi[eé]n|qu[eé] tal|y si|y para|y los|y las|y el|y la"  # Spanish
    r"|kalau|kalo|klo|terus|trus|lalu|gimana|bagaimana|juga|atau)\b",  # Indonesian
    re.IGNORECASE,
)


def follows_up(text: str) -> bool:
    """A few words opening with "and", "what about", "y", "kalau"…: the rest of a question."""
    return len(text.split()) <= MAX_WORDS and bool(_OPENING.match(text))


def question_for(asked: str, text: str) -> str:
    """What to ask the documents for the follow-up `text` of the question `asked`."""
    opening = _OPENING.match(text)
    rest = text[opening.end() if opening else 0 :].split()
    return f"{asked} {text}" if len(rest) <= FRAGMENT_WORDS else text


_QUESTION = re.compile(
    r"\?\s*$|^\W*(?:can|could|do|does|is|are|will|may|what|which|how"
    r"|puedo|se puede|pod[eé]is|aceptan?|hay|qu[eé]|c[oó]mo|cu[aá]l"
    r"|bisa|boleh|apakah|apa|gimana|bagaimana)\b",
    re.IGNORECASE,
)


def asks(text: str) -> bool:
    """A question rather than an instruction: "can i pay by card?" is not "checkout"."""
    return bool(_QUESTION.search(text))
