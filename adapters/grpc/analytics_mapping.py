"""Analytics context values <-> crm.analytics.v1 messages."""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from crm.analytics.v1 import analytics_pb2 as pb
from crm.common.v1 import common_pb2

from core.analytics import model as m
from core.analytics.ingestion import Rejected
from core.analytics.window import window
from core.shared.errors import InvalidInput
from core.shared.ids import parse_id

from .convert import (
    enum_to_domain,
    from_struct,
    money_message,
    optional_id,
    struct,
    timestamp,
    to_datetime,
)


def _amount(money: common_pb2.Money) -> Decimal | None:
    if not money.amount:
        return None
    try:
        return Decimal(money.amount)
    except InvalidOperation:
        raise InvalidInput("amount", f"{money.amount!r} is not a decimal") from None


def _occurred_at(message: pb.Event) -> datetime:
    moment = to_datetime(message, "occurred_at")
    if moment is None:
        raise InvalidInput("occurred_at", "is required")
    return moment


def event(message: pb.Event) -> m.AnalyticsEvent:
    return m.AnalyticsEvent(
        event_id=message.event_id,
        tenant_id=parse_id(message.tenant_id, "tenant_id"),
        name=message.event_type,
        occurred_at=_occurred_at(message),
        outlet_id=optional_id(message.outlet_id, "outlet_id"),
        conversation_id=optional_id(message.conversation_id, "conversation_id"),
        properties=from_struct(message.properties),
        value=message.value if message.value else None,
        amount=_amount(message.amount),
        source=message.source[:32],
    )


def parsed_events(
    messages: Any,
) -> tuple[list[m.AnalyticsEvent], list[int], list[Rejected]]:
    """The events that parse, their positions in the request, and the ones that do not."""
    events, positions, rejected = [], [], []
    for index, message in enumerate(messages):
        try:
            events.append(event(message))
        except InvalidInput as error:
            rejected.append(Rejected(index, message.event_id, error.message))
        else:
            positions.append(index)
    return events, positions, rejected


def request_window(request: Any, now: datetime) -> m.Window:
    """The checked window of a dashboard request (granularity and zone where it has them)."""
    fields = request.DESCRIPTOR.fields_by_name
    granularity = "granularity" in fields and enum_to_domain(request, "granularity", m.Granularity)
    return window(
        parse_id(request.tenant_id, "tenant_id"),
        (
            to_datetime(request.time_range, "start_time"),
            to_datetime(request.time_range, "end_time"),
        ),
        now,
        optional_id(request.outlet_id, "outlet_id"),
        granularity or None,
        request.timezone if "timezone" in fields else "",
    )


def latency_point(point: m.LatencyPoint) -> pb.LatencyPoint:
    return pb.LatencyPoint(
        bucket_start=timestamp(point.bucket_start),
        count=point.count,
        average_ms=point.average_ms,
        p50_ms=point.p50_ms,
        p95_ms=point.p95_ms,
        p99_ms=point.p99_ms,
        max_ms=point.max_ms,
    )


def revenue_point(point: m.RevenuePoint) -> pb.RevenuePoint:
    return pb.RevenuePoint(
        bucket_start=timestamp(point.bucket_start),
        order_revenue=money_message(point.order_revenue),
        booking_revenue=money_message(point.booking_revenue),
        total=money_message(point.order_revenue + point.booking_revenue),
        order_count=point.order_count,
        booking_count=point.booking_count,
    )


def ranked(items: list[m.Ranked]) -> list[pb.RankedItem]:
    return [pb.RankedItem(name=item.name, count=item.count) for item in items]


def event_message(event: m.AnalyticsEvent) -> pb.Event:
    return pb.Event(
        event_id=event.event_id,
        tenant_id=str(event.tenant_id),
        outlet_id=str(event.outlet_id or ""),
        conversation_id=str(event.conversation_id or ""),
        event_type=event.name,
        occurred_at=timestamp(event.occurred_at),
        properties=struct(event.properties),
        value=event.value or 0.0,
        amount=money_message(event.amount) if event.amount is not None else None,
        source=event.source,
    )
