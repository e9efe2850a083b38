"""A small circuit breaker: stop calling a peer that keeps failing, probe it after a rest."""

import time
from collections.abc import Callable


class CircuitOpen(Exception):
    """The breaker refused the call without trying it."""


class CircuitBreaker:
    """Opens after `threshold` consecutive failures and refuses calls for `cooldown` seconds.

    Then it is half-open: exactly one probe call goes through while the others are still
    refused; the probe's success closes the breaker, its failure opens it for another
    cool-down. The event loop is single-threaded and no method awaits, so no lock is needed.
    """

    def __init__(
        self,
        threshold: int = 5,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = threshold
        self._cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> str:
        """closed, open or half-open."""
        if self._opened_at is None:
            return "closed"
        resting = self._clock() - self._opened_at < self._cooldown
        return "open" if resting or self._probing else "half-open"

    def allow(self) -> bool:
        """Whether a call may go ahead; in the half-open state it becomes the probe."""
        state = self.state
        if state == "half-open":
            self._probing = True
        return state != "open"

    def succeeded(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def failed(self) -> None:
        self._failures += 1
        self._probing = False
        if self._opened_at is not None or self._failures >= self._threshold:
            self._opened_at = self._clock()

    def abandoned(self) -> None:
        """The call ended without a verdict (cancelled, say): let another probe through."""
        self._probing = False
