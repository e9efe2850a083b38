"""How long to wait before trying again: retried for ever, never hammering a sick peer."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with a ceiling."""

    base: timedelta = timedelta(seconds=1)
    ceiling: timedelta = timedelta(minutes=5)

    def after(self, attempts: int) -> timedelta:
        return min(self.base * (2 ** max(attempts - 1, 0)), self.ceiling)
