"""Reading the Cloud API's answers: Meta's error object as a SendFailure, JSON that may not be."""

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
