"""The language models the Router uses: OpenAI when a key is configured, else local ones."""

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import partial

from core.orchestrator.nlu import AnswerWriter, IntentClassifier
from core.orchestrator.ports import KnowledgeSearch
from services.settings import Settings


def as_asked(search: KnowledgeSearch) -> KnowledgeSearch:
    return search


@dataclass(frozen=True)
class Language:
    classifier: IntentClassifier
    answers: AnswerWriter
    # How questions reach the documents: as asked (OpenAI's embeddings are multilingual), or
    # in the documents' English (the local MiniLM is English only).
    documents: Callable[[KnowledgeSearch], KnowledgeSearch] = as_asked


async def language_models(settings: Settings) -> AsyncIterator[Language]:
    if settings.openai_api_key:
        from .openai_language import openai_language

        async with openai_language(settings) as language:
            yield language
        return
    from adapters.local.answers import ExtractiveAnswerWriter, default_encoder
    from adapters.local.answers_lexicon import EnglishQueries
    from adapters.local.intents import LocalIntentClassifier
    from adapters.local.intents.model import trained_model
    from adapters.local.minilm import DEFAULT_MODEL_DIR

    model_dir = settings.embedding_model_dir or DEFAULT_MODEL_DIR
    model = partial(trained_model, model_dir)
    await asyncio.to_thread(model)  # trained before serving, not on the first message
    yield Language(
        LocalIntentClassifier(model), ExtractiveAnswerWriter(default_encoder(model_dir)),
        EnglishQueries,
    )  # fmt: skip
