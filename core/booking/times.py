"""Times of day as minutes since midnight, so a period may close at 24:00; dates as ISO text."""

import re
from datetime import date

from core.shared.errors import InvalidInput

MIDNIGHT = 24 * 60
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_minutes(value: str, field: str) -> int:
    """ "HH:MM" (24 h, "24:00" allowed) as minutes since midnight."""
    match = _HHMM.match(value.strip())
    if not match:
        raise InvalidInput(field, f"{value!r} must be a time of day HH:MM")
    hour, minute = int(match.group(1)), int(match.group(2))
    if minute > 59 or hour * 60 + minute > MIDNIGHT:
        raise InvalidInput(field, f"{value!r} is not a time of day")
    return hour * 60 + minute


def optional_minutes(value: str, field: str) -> int | None:
    return parse_minutes(value, field) if value.strip() else None


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(field, f"{value!r} must be a date YYYY-MM-DD") from None


def overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Half-open intervals: back to back does not overlap."""
    return start < other_end and other_start < end
