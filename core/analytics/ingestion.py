"""Ingesting a batch of events: each is validated on its own, stored once per event_id."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from core.shared.errors import InvalidInput

from .model import EVENT_NAMES, AnalyticsEvent
from .ports import AnalyticsUnitOfWork, Clock
from .rollup import rollups

MAX_BATCH = 500
# Events older than this are refused: the rollups of closed months are not reopened.
MAX_AGE = timedelta(days=400)
MAX_SKEW = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Rejected:
    index: int
    event_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Ingested:
    accepted: int
    duplicates: int
    rejected: list[Rejected]


def _check_amount(amount: Decimal | None) -> None:
    if amount is not None and (not amount.is_finite() or abs(amount) >= Decimal("1e10")):
        raise InvalidInput("amount", "must be a finite amount below 10^10")


def _check_items(items: Any) -> None:
    if not isinstance(items, list) or not all(
        isinstance(item, dict) and isinstance(item.get("quantity", 1), int | float)
        for item in items
    ):
        raise InvalidInput("properties.items", "must be a list of {name, quantity}")


def _check_properties(properties: dict[str, Any]) -> None:
    confidence = properties.get("confidence", 0.0)
    if not isinstance(confidence, int | float) or not 0 <= confidence <= 1:
        raise InvalidInput("properties.confidence", "must be a number between 0 and 1")
    _check_items(properties.get("items", []))


def validate(event: AnalyticsEvent, now: datetime) -> None:
    """Raise InvalidInput naming the first field of `event` that is wrong."""
    if not event.event_id.strip() or len(event.event_id) > 128:
        raise InvalidInput("event_id", "is required, at most 128 characters")
    if event.name not in EVENT_NAMES:
        raise InvalidInput("event_type", f"{event.name!r} is not a known event")
    if event.occurred_at.tzinfo is None:
        raise InvalidInput("occurred_at", "must carry a time zone")
    if not now - MAX_AGE <= event.occurred_at <= now + MAX_SKEW:
        raise InvalidInput("occurred_at", "is too far from now")
    if event.value is not None and not 0 <= event.value < 1e12:
        raise InvalidInput("value", "must be a non-negative number")
    _check_amount(event.amount)
    _check_properties(event.properties)


def _sorted_out(
    events: list[AnalyticsEvent], now: datetime
) -> tuple[list[AnalyticsEvent], list[Rejected]]:
    valid, rejected = [], []
    for index, event in enumerate(events):
        try:
            validate(event, now)
        except InvalidInput as error:
            rejected.append(Rejected(index, event.event_id, error.message))
        else:
            valid.append(event)
    return valid, rejected


async def ingest_events(
    events: list[AnalyticsEvent], uow: AnalyticsUnitOfWork, now: Clock
) -> Ingested:
    """Store the valid events not seen before and add them to the rollups, in one transaction."""
    if len(events) > MAX_BATCH:
        raise InvalidInput("events", f"at most {MAX_BATCH} per call")
    valid, rejected = _sorted_out(events, now().astimezone(UTC))
    async with uow:
        stored = await uow.events.add_new(valid)
        await uow.events.add_to_rollups(rollups(stored))
        await uow.commit()
    return Ingested(len(stored), len(valid) - len(stored), rejected)
