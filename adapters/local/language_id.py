"""Which language a customer writes in: lingua, limited to the languages the bot speaks."""

import re

from lingua import Language, LanguageDetectorBuilder

# ISO 639-1 codes of the bot's phrase catalogs -> lingua's languages.
LANGUAGES = {"en": Language.ENGLISH, "es": Language.SPANISH, "id": Language.INDONESIAN}
CODES = {language: code for code, language in LANGUAGES.items()}
# "ok", "no", "si" read as several languages at once; only a clear reading changes the
# conversation's language (0.1 ms a message, models kept in memory: about 100 MB). One word
# must be all but certain ("gracias", "makasih").
MIN_CONFIDENCE, ONE_WORD_CONFIDENCE = 0.7, 0.9
# Words only one of the languages has: everyday function words and verbs. They settle short
# questions lingua cannot tell apart ("eres un bot?" reads as English 0.41, Spanish 0.39), and
# they overrule lingua when a message it reads as Spanish is English around Spanish dish names
# ("1 croquetas and 1 burrata pls": Spanish 0.74).
MARKERS = {
    "en": frozenset(
        "and the please pls plz i i'm im want would you do does is are can with my what how "
        "where when thanks thank hi hello".split()
    ),
    "es": frozenset(
        "eres soy estoy quiero quisiera tienen tenéis tienes hay puedo podemos puedes cuánto "
        "cuanto cuándo cuando dónde donde qué cómo hola buenas gracias vale porfa hasta mañana "
        "también tambien pero muy mesa reserva pedido".split()
    ),
    "id": frozenset(
        "kamu saya aku apa ada mau bisa berapa dong kak gak nggak tidak sudah belum besok "
        "hari jam pesan meja terima kasih makasih ini itu yang dan untuk".split()
    ),
}
_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


class LinguaDetector:
    """The LanguageDetector port: a clear language or None."""

    def __init__(self, min_confidence: float = MIN_CONFIDENCE) -> None:
        self._detector = (
            LanguageDetectorBuilder.from_languages(*LANGUAGES.values())
            .with_preloaded_language_models()
            .build()
        )
        self._min_confidence = min_confidence

    def detect(self, text: str) -> str | None:
        words = set(_WORDS.findall(text.lower()))
        marked = {code for code, markers in MARKERS.items() if words & markers}
        confidences = self._detector.compute_language_confidence_values(text)
        needed = self._min_confidence if len(words) > 1 else ONE_WORD_CONFIDENCE
        if confidences and confidences[0].value >= needed:
            read = CODES[confidences[0].language]
            if not marked or read in marked:
                return read
        return marked.pop() if len(marked) == 1 and len(words) > 1 else None
