"""The OpenAI SDK client and the one way to call it: retries, a circuit breaker, usage per tenant."""

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import openai
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from core.orchestrator.nlu import Usage, UsageMeter
from core.shared.errors import Unavailable

from .breaker import CircuitBreaker, CircuitOpen

log = logging.getLogger(__name__)
Response = TypeVar("Response")
RETRYABLE_STATUSES = frozenset({408, 409, 429})  # and every 5xx, as OpenAI's own SDK does


def build_client(
    api_key: str, base_url: str | None = None, timeout: float = 20.0
) -> openai.AsyncOpenAI:
    """The SDK client; its own retries are off because OpenAIGateway retries (and counts)."""
    return openai.AsyncOpenAI(api_key=api_key, base_url=base_url, timeout=timeout, max_retries=0)


def is_outage(error: BaseException) -> bool:
    """Whether the error says OpenAI is overloaded or unreachable, rather than refusing us."""
    if isinstance(error, openai.APIConnectionError):  # timeouts included
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code in RETRYABLE_STATUSES or error.status_code >= 500
    return False


class OpenAIGateway:
    """Every OpenAI call of the adapters goes through here.

    Each HTTP attempt passes the circuit breaker; outages (429, 5xx, timeouts, connection
    errors) are retried with exponential backoff and jitter, never sooner than a
    Retry-After asks (capped at `max_delay`), `attempts` times in all. Success records the
    tokens through the UsageMeter for the tenant; any failure raises Unavailable.
    """

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        meter: UsageMeter,
        breaker: CircuitBreaker | None = None,
        attempts: int = 3,
        base_delay: float = 0.5,
        max_delay: float = 8.0,
    ) -> None:
        self.client = client
        self._meter = meter
        self.breaker = breaker or CircuitBreaker()
        self._attempts = attempts
        self._backoff = wait_exponential_jitter(
            multiplier=base_delay, max=max_delay, jitter=base_delay
        )
        self._max_delay = max_delay

    async def call(
        self,
        tenant_id: uuid.UUID | None,
        model: str,
        request: Callable[[], Awaitable[Response]],
    ) -> Response:
        """Run `request` resiliently; usage is charged to `tenant_id` unless it is None."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception(is_outage),
            reraise=True,
        )
        try:
            response = await retrying(self._attempt, request)
        except CircuitOpen as error:
            raise Unavailable("OpenAI is unavailable: too many recent failures") from error
        except openai.OpenAIError as error:
            raise _unavailable(error, self._attempts) from error
        if tenant_id is not None:
            await self._record(tenant_id, model, getattr(response, "usage", None))
        return response

    async def _attempt(self, request: Callable[[], Awaitable[Response]]) -> Response:
        if not self.breaker.allow():
            raise CircuitOpen()
        try:
            response = await request()
        except Exception as error:
            if is_outage(error):
                self.breaker.failed()
            else:  # a refusal (400, 401...) still proves OpenAI is up and answering
                self.breaker.succeeded()
            raise
        except BaseException:
            self.breaker.abandoned()
            raise
        self.breaker.succeeded()
        return response

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = _retry_after(error) if error is not None else 0.0
        return max(self._backoff(state), min(asked, self._max_delay))

    async def _record(self, tenant_id: uuid.UUID, model: str, usage: Any) -> None:
        """Charge the tokens; a meter failure is logged, never worth losing the reply over."""
        prompt = getattr(usage, "prompt_tokens", 0) or 0
        completion = getattr(usage, "completion_tokens", 0) or 0
        try:
            await self._meter.record(Usage(tenant_id, model, prompt, completion))
        except Exception:
            log.exception("usage of tenant %s not recorded: %s+%s", tenant_id, prompt, completion)


def _unavailable(error: openai.OpenAIError, attempts: int) -> Unavailable:
    if isinstance(error, openai.APITimeoutError):
        return Unavailable(f"OpenAI timed out ({attempts} attempts)")
    if isinstance(error, openai.APIStatusError):
        log.warning("OpenAI answered %s: %s", error.status_code, error.message)
        tried = f" after {attempts} attempts" if is_outage(error) else ""
        return Unavailable(f"OpenAI answered {error.status_code}{tried}")
    return Unavailable(f"OpenAI unreachable ({attempts} attempts): {error}")


def _retry_after(error: BaseException) -> float:
    """Seconds OpenAI asked us to wait (retry-after-ms or retry-after), else 0."""
    headers = error.response.headers if isinstance(error, openai.APIStatusError) else {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            return max(float(headers[name]) * scale, 0.0)
        except (KeyError, ValueError):
            continue
    return 0.0
