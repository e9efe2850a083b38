"""OpenAITranscriber: the Transcriber port over OpenAI's `POST /v1/audio/transcriptions`."""

import uuid

from .client import OpenAIGateway

# The file name tells OpenAI the format; WhatsApp voice notes are Ogg/Opus.
EXTENSIONS = {
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/aac": "m4a",
    "audio/amr": "amr",
    "audio/wav": "wav",
    "audio/webm": "webm",
}


class OpenAITranscriber:
    """Speech to text through the shared gateway (retries, circuit breaker); an outage
    raises Unavailable and the inbox item is tried again later."""

    def __init__(self, gateway: OpenAIGateway, model: str = "gpt-4o-mini-transcribe") -> None:
        self._gateway = gateway
        self._model = model

    async def transcribe(self, tenant_id: uuid.UUID, audio: bytes, mime_type: str) -> str:
        base_type = mime_type.split(";")[0].strip().lower()
        name = f"voice.{EXTENSIONS.get(base_type, 'ogg')}"
        result = await self._gateway.call(
            tenant_id,
            self._model,
            lambda: self._gateway.client.audio.transcriptions.create(
                model=self._model, file=(name, audio, base_type or "audio/ogg")
            ),
        )
        return result.text
