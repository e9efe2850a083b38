"""CloudApiSender: the WhatsAppSender port over the Cloud API's HTTP endpoints, with retries."""

import asyncio
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from core.messaging.model import Piece, SendFailure, SendResult

from .payloads import message_payload, read_payload
from .responses import GraphClient, json_body, refusal


class CloudApiSender(GraphClient):
    """Sends through `POST {base_url}/{version}/{phone_number_id}/messages`.

    429, 5xx, Meta's throttling codes and connection errors are retried with exponential
    backoff and jitter (never shorter than a Retry-After, up to `max_delay`), `attempts`
    times in all; then SendFailure(retryable=True). Other refusals raise at once with
    retryable=False and Meta's error object as details. All tries together end within
    `deadline` seconds, which the outbox keeps below its lease: a send still retrying when
    the lease ran out would be claimed, and sent, by another replica too.
    """

    def __init__(
        self,
        base_url: str = "https://graph.facebook.com",
        version: str = "v23.0",
        token: str = "",
        client: httpx.AsyncClient | None = None,
        attempts: int = 4,
        base_delay: float = 0.5,
        max_delay: float = 8.0,
        deadline: float = 15.0,
    ) -> None:
        super().__init__(base_url, version, token, client)
        self._attempts = attempts
        self._backoff = wait_exponential_jitter(
            multiplier=base_delay, max=max_delay, jitter=base_delay
        )
        self._max_delay = max_delay
        self._deadline = deadline

    async def send(
        self, phone_number_id: str, to: str, piece: Piece, reply_to: str = ""
    ) -> SendResult:
        body = await self._post(phone_number_id, message_payload(to, piece, reply_to))
        try:
            return SendResult(whatsapp_message_id=body["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as error:
            raise SendFailure(
                "Cloud API answered without a message id", retryable=False, details=body
            ) from error

    async def mark_read(self, phone_number_id: str, whatsapp_message_id: str) -> None:
        await self._post(phone_number_id, read_payload(whatsapp_message_id))

    async def _post(self, phone_number_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, SendFailure) and e.retryable),
            reraise=True,
        )
        url = f"{self._base}/{phone_number_id}/messages"
        try:
            async with asyncio.timeout(self._deadline):
                return await retrying(self._post_once, url, payload)
        except TimeoutError as error:
            message = f"Cloud API did not answer within {self._deadline:g} s"
            raise SendFailure(message, retryable=True) from error

    async def _post_once(self, url: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._client.post(url, json=payload, headers=self._headers)
        except httpx.TransportError as error:
            raise SendFailure(f"Cloud API unreachable: {error!r}", retryable=True) from error
        if response.is_success:
            return json_body(response)
        raise refusal(response)

    def _wait(self, state: RetryCallState) -> float:
        """Exponential backoff with jitter, but never sooner than the server asked."""
        error = state.outcome.exception() if state.outcome else None
        asked = getattr(error, "retry_after", None) or 0.0
        return max(self._backoff(state), min(asked, self._max_delay))
