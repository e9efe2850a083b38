"""Hourly rollups: the additive part of the events, summed per tenant, outlet, hour and key."""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from .model import KNOWLEDGE_UNANSWERED, MESSAGE_ROUTED, AnalyticsEvent

MAX_DIMENSION = 200


@dataclass(frozen=True, slots=True)
class RollupKey:
    tenant_id: uuid.UUID
    name: str
    bucket_start: datetime
    outlet_id: uuid.UUID | None
    dimension: str  # the intent of a routed message, the question left unanswered, else ""


@dataclass(slots=True)
class Totals:
    count: int = 0
    value_sum: float = 0.0
    amount_sum: Decimal = Decimal(0)
    confidence_sum: float = 0.0


def normalised_question(text: str) -> str:
    """One spelling per question, so the same gap in the documents is counted together."""
    return " ".join(text.lower().split()).rstrip("?!. ")[:MAX_DIMENSION]


def dimension(event: AnalyticsEvent) -> str:
    if event.name == MESSAGE_ROUTED:
        return str(event.properties.get("intent") or "unknown")[:MAX_DIMENSION]
    if event.name == KNOWLEDGE_UNANSWERED:
        return normalised_question(str(event.properties.get("question", "")))
    return ""


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def rollups(events: list[AnalyticsEvent]) -> list[tuple[RollupKey, Totals]]:
    """The events summed per key, in key order (so concurrent upserts lock rows alike)."""
    sums: dict[RollupKey, Totals] = defaultdict(Totals)
    for event in events:
        key = RollupKey(
            event.tenant_id,
            event.name,
            hour_of(event.occurred_at),
            event.outlet_id,
            dimension(event),
        )
        totals = sums[key]
        totals.count += 1
        totals.value_sum += event.value or 0.0
        totals.amount_sum += event.amount or Decimal(0)
        totals.confidence_sum += float(event.properties.get("confidence", 0.0))
    return sorted(sums.items(), key=lambda item: _sort_key(item[0]))


def _sort_key(key: RollupKey) -> tuple:
    return (key.tenant_id, key.name, key.bucket_start, str(key.outlet_id or ""), key.dimension)
