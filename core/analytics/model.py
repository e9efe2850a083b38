"""Analytics events, their names, the query window and the figures the dashboards show."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

MESSAGE_RECEIVED = "message.received"
MESSAGE_SENT = "message.sent"
# properties {intent, confidence, agent}; value = bot response time in ms.
MESSAGE_ROUTED = "message.routed"
# Told by the conversation service with each change (core.conversation.facts).
HANDOFF_REQUESTED = "handoff.requested"
HANDOFF_ASSIGNED = "handoff.assigned"
HANDOFF_RELEASED = "handoff.released"
AGENT_REPLIED = "agent.replied"
# Told by the booking service with each change (core.booking.facts); amount = its price.
BOOKING_CREATED = "booking.created"
BOOKING_CONFIRMED = "booking.confirmed"
BOOKING_CANCELLED = "booking.cancelled"
BOOKING_NO_SHOW = "booking.no_show"
BOOKING_COMPLETED = "booking.completed"
BOOKING_RESCHEDULED = "booking.rescheduled"
# Told by the order service with each change (core.order.facts); amount = order total;
# properties {items: [{name, quantity}], status, from_status}.
ORDER_CREATED = "order.created"
ORDER_PAID = "order.paid"
ORDER_CANCELLED = "order.cancelled"
ORDER_DELIVERED = "order.delivered"
ORDER_STATUS_CHANGED = "order.status_changed"
KNOWLEDGE_ANSWERED = "knowledge.answered"
# properties {question}: what the documents could not answer.
KNOWLEDGE_UNANSWERED = "knowledge.unanswered"

EVENT_NAMES = frozenset(
    {
        MESSAGE_RECEIVED,
        MESSAGE_SENT,
        MESSAGE_ROUTED,
        HANDOFF_REQUESTED,
        HANDOFF_ASSIGNED,
        HANDOFF_RELEASED,
        AGENT_REPLIED,
        BOOKING_CREATED,
        BOOKING_CONFIRMED,
        BOOKING_CANCELLED,
        BOOKING_NO_SHOW,
        BOOKING_COMPLETED,
        BOOKING_RESCHEDULED,
        ORDER_CREATED,
        ORDER_PAID,
        ORDER_CANCELLED,
        ORDER_DELIVERED,
        ORDER_STATUS_CHANGED,
        KNOWLEDGE_ANSWERED,
        KNOWLEDGE_UNANSWERED,
    }
)


@dataclass(frozen=True, slots=True)
class AnalyticsEvent:
    """One fact a service reported; `event_id` makes a re-sent event count once."""

    event_id: str
    tenant_id: uuid.UUID
    name: str
    occurred_at: datetime
    outlet_id: uuid.UUID | None = None
    conversation_id: uuid.UUID | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    value: float | None = None
    amount: Decimal | None = None
    source: str = ""


class Granularity(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"  # weeks start on Monday


@dataclass(frozen=True, slots=True)
class Window:
    """Whose events, from when (inclusive) to when (exclusive), bucketed how."""

    tenant_id: uuid.UUID
    start: datetime
    end: datetime
    outlet_id: uuid.UUID | None = None
    granularity: Granularity = Granularity.DAY
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class VolumePoint:
    bucket_start: datetime
    inbound: int
    outbound: int
    conversations: int


@dataclass(frozen=True, slots=True)
class IntentCount:
    intent: str
    count: int
    share: float
    average_confidence: float


@dataclass(frozen=True, slots=True)
class LatencyPoint:
    """Bot response times of one bucket (or of the whole window), in milliseconds."""

    bucket_start: datetime | None
    count: int
    average_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


@dataclass(frozen=True, slots=True)
class FunnelStage:
    name: str
    count: int
    conversion_from_previous: float
    conversion_from_first: float


@dataclass(frozen=True, slots=True)
class RevenuePoint:
    bucket_start: datetime
    order_revenue: Decimal
    booking_revenue: Decimal
    order_count: int
    booking_count: int


@dataclass(frozen=True, slots=True)
class Ranked:
    """A product or question and how often it came up."""

    name: str
    count: int


@dataclass(frozen=True, slots=True)
class HandoffShare:
    """Conversations the bot handled alone vs those handed to a human."""

    conversations: int
    handed_off: int

    @property
    def bot_share(self) -> float:
        return ratio(self.conversations - self.handed_off, self.conversations)

    @property
    def human_share(self) -> float:
        return ratio(self.handed_off, self.conversations)


def ratio(part: float, whole: float) -> float:
    """part / whole, 0 when there is no whole."""
    return part / whole if whole else 0.0
