"""The orchestrator picks its language models by configuration: OpenAI with a key, else local."""

import uuid
from datetime import datetime

from adapters.local.answers import ExtractiveAnswerWriter
from adapters.local.intents import LocalIntentClassifier
from core.orchestrator.nlu import Intent
from services.orchestrator.language import language_models
from services.settings import Settings
from tests.openai_server import running_openai_server


async def test_without_a_key_the_local_models_are_used():
    async for language in language_models(Settings(_env_file=None, openai_api_key=None)):
        assert isinstance(language.classifier, LocalIntentClassifier)
        assert isinstance(language.answers, ExtractiveAnswerWriter)


async def test_with_a_key_the_router_talks_to_openai():
    async with running_openai_server() as (base_url, state):
        settings = Settings(_env_file=None, openai_api_key="sk-test", openai_base_url=base_url)
        async for language in language_models(settings):
            result = await language.classifier.classify(
                uuid.uuid4(),
                "I want to book a table for 2 tomorrow",
                [],
                datetime(2026, 11, 27, 12),
            )
        assert result.intent is Intent.BOOKING_NEW
        assert state.requests, "the SDK reached the OpenAI-speaking server"
