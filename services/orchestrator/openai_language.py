"""OpenAI behind the Router's language ports, sharing one client, breaker and meter."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.local.usage import LoggedUsage
from adapters.openai.answers import OpenAIAnswerWriter
from adapters.openai.client import OpenAIGateway, build_client
from adapters.openai.intents import OpenAIIntentClassifier
from services.settings import Settings

from .language import Language


@asynccontextmanager
async def openai_language(settings: Settings) -> AsyncIterator[Language]:
    client = build_client(settings.openai_api_key or "", settings.openai_base_url)
    gateway = OpenAIGateway(client, LoggedUsage())
    try:
        yield Language(
            OpenAIIntentClassifier(gateway, model=settings.openai_chat_model),
            OpenAIAnswerWriter(gateway, model=settings.openai_chat_model),
        )
    finally:
        await client.close()
