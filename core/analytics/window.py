"""The query window a caller asks for, checked: a sane range, bucket size and time zone."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.shared.errors import InvalidInput

from .model import Granularity, Window

DEFAULT_SPAN = timedelta(days=30)
MAX_SPAN = timedelta(days=400)
MAX_HOURLY_SPAN = timedelta(days=31)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _zone(name: str) -> str:
    if not name:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput("timezone", f"{name!r} is not an IANA time zone") from None
    return name


def _span(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    end = end or now
    start = start or end - DEFAULT_SPAN
    if start >= end:
        raise InvalidInput("time_range", "start_time must be before end_time")
    if end - start > MAX_SPAN:
        raise InvalidInput("time_range", f"must span at most {MAX_SPAN.days} days")
    return start, end


def window(
    tenant_id: uuid.UUID,
    span: tuple[datetime | None, datetime | None],
    now: datetime,
    outlet_id: uuid.UUID | None = None,
    granularity: Granularity | None = None,
    timezone: str = "",
) -> Window:
    """A checked window; unset ends mean now and 30 days before the end, DAY buckets, UTC."""
    start, end = _span(*span, now)
    granularity = granularity or Granularity.DAY
    if granularity is Granularity.HOUR and end - start > MAX_HOURLY_SPAN:
        raise InvalidInput("granularity", f"HOUR buckets cover at most {MAX_HOURLY_SPAN.days} days")
    return Window(tenant_id, start, end, outlet_id, granularity, _zone(timezone))
