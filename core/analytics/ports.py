"""What the analytics use cases need: an event store with rollups, queried per window."""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol, Self

from .model import AnalyticsEvent, LatencyPoint, Ranked, VolumePoint, Window
from .rollup import RollupKey, Totals

Clock = Callable[[], datetime]


class EventStore(Protocol):
    async def add_new(self, events: list[AnalyticsEvent]) -> list[AnalyticsEvent]:
        """Store the events whose event_id is new to their tenant; return those (repeats,
        in the batch or stored before, are skipped)."""
        ...

    async def add_to_rollups(self, sums: list[tuple[RollupKey, Totals]]) -> None: ...

    async def volume(self, window: Window) -> list[VolumePoint]: ...

    async def conversations(self, window: Window, event_name: str) -> int:
        """Distinct conversations of the window with at least one such event."""
        ...

    async def rollup_counts(self, window: Window, event_name: str) -> dict[str, Totals]:
        """The event's totals over the window per dimension (intent, question, "")."""
        ...

    async def bucket_totals(self, window: Window, event_name: str) -> dict[datetime, Totals]:
        """The event's totals per bucket of the window's granularity."""
        ...

    async def latency(self, window: Window) -> tuple[list[LatencyPoint], LatencyPoint]:
        """Response-time figures per bucket and over the whole window."""
        ...

    async def funnel(self, window: Window, intent: str, stages: list[str]) -> list[int]:
        """Conversations with `intent`, then with each stage's event, in that order."""
        ...

    async def top_products(self, window: Window, limit: int) -> list[Ranked]: ...


class AnalyticsUnitOfWork(Protocol):
    events: EventStore

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *args: object) -> None: ...

    async def commit(self) -> None: ...
