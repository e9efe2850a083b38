"""The language models the Router uses: OpenAI when a key is configured, else local ones."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

from core.orchestrator.nlu import AnswerWriter, IntentClassifier
from services.settings import Settings


@dataclass(frozen=True)
class Language:
    classifier: IntentClassifier
    answers: AnswerWriter


async def language_models(settings: Settings) -> AsyncIterator[Language]:
    if settings.openai_api_key:
        from .openai_language import openai_language

        async with openai_language(settings) as language:
            yield language
        return
    from adapters.local.answers import ExtractiveAnswerWriter
    from adapters.local.intents import LocalIntentClassifier

    yield Language(LocalIntentClassifier(), ExtractiveAnswerWriter())
