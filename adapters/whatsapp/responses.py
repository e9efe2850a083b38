"""Reading the Cloud API's answers (Meta's error object as a SendFailure, JSON that may
not be), and the client base every Cloud API adapter shares."""

from typing import Any

import httpx

from core.messaging.model import SendFailure

# Meta's throttling codes: cloud throughput (130429) and too many to one user (131056).
RETRYABLE_CODES = frozenset({130429, 131056})


def refusal(response: httpx.Response) -> SendFailure:
    error = json_body(response).get("error")
    details = error if isinstance(error, dict) else {}
    code = details.get("code")
    retryable = response.status_code == 429 or response.status_code >= 500
    retryable = retryable or code in RETRYABLE_CODES
    message = details.get("message") or response.reason_phrase
    return SendFailure(
        f"Cloud API {response.status_code}: {message}",
        retryable=retryable,
        code=code if isinstance(code, int) else None,
        retry_after=_retry_after(response),
        details=details,
    )


def json_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:  # an HTML error page from a proxy, say
        return {}
    return body if isinstance(body, dict) else {}


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds; the HTTP-date form is not used by Meta and reads as absent."""
    try:
        return max(float(response.headers["Retry-After"]), 0.0)
    except (KeyError, ValueError):
        return None


class GraphClient:
    """What every Cloud API client shares: the versioned base URL, the bearer token, and an
    HTTP client it closes unless the caller supplied (and so owns) it."""

    def __init__(
        self,
        base_url: str = "https://graph.facebook.com",
        version: str = "v23.0",
        token: str = "",
        client: httpx.AsyncClient | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._base = f"{base_url.rstrip('/')}/{version}"
        self._headers = {"Authorization": f"Bearer {token}"}
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=5.0))

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()
