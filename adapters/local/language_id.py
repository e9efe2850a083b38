"""Which language a customer writes in: lingua, limited to the languages the bot speaks."""

from lingua import Language, LanguageDetectorBuilder

# ISO 639-1 codes of the bot's phrase catalogs -> lingua's languages.
LANGUAGES = {"en": Language.ENGLISH, "es": Language.SPANISH, "id": Language.INDONESIAN}
CODES = {language: code for code, language in LANGUAGES.items()}
# "ok", "no", "si" read as several languages at once; only a clear reading changes the
# conversation's language (0.1 ms a message, models kept in memory: about 100 MB). One word
# must be all but certain ("gracias", "makasih").
MIN_CONFIDENCE, ONE_WORD_CONFIDENCE = 0.7, 0.9


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
        confidences = self._detector.compute_language_confidence_values(text)
        needed = self._min_confidence if len(text.split()) > 1 else ONE_WORD_CONFIDENCE
        if not confidences or confidences[0].value < needed:
            return None
        return CODES[confidences[0].language]
