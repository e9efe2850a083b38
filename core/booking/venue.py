"""What can be booked and when: resources and an outlet's weekly opening hours."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from core.shared.errors import InvalidInput
from core.shared.validation import optional_text, required_text

from .model import ResourceStatus, ResourceType
from .times import MIDNIGHT, hhmm


def _required(kind: type) -> Any:
    def check(value: Any, name: str) -> Any:
        if value is None:
            raise InvalidInput(name, "is required")
        return kind(value)

    return check


def _capacity(value: int, name: str) -> int:
    if value < 1:
        raise InvalidInput(name, "must be at least 1")
    return value


def _rate(value: Decimal, name: str) -> Decimal:
    if value < 0:
        raise InvalidInput(name, "must not be negative")
    return value


# What a create or an update may set, and how each value is checked.
RESOURCE_FIELDS: dict[str, Any] = {
    "name": required_text,
    "type": _required(ResourceType),
    "capacity": _capacity,
    "hourly_rate": _rate,
    "status": _required(ResourceStatus),
    "description": optional_text(2000),
}


@dataclass(frozen=True, slots=True)
class Resource:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    name: str
    type: ResourceType
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    capacity: int = 1
    hourly_rate: Decimal = Decimal("0")
    status: ResourceStatus = ResourceStatus.ACTIVE
    description: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def price(self, minutes: int) -> Decimal:
        return (Decimal(self.hourly_rate) * minutes / 60).quantize(Decimal("0.01"))

    def fits(self, party_size: int, kind: ResourceType | None = None) -> bool:
        """Bookable now, seats the party, and of the wanted type (if any)."""
        wanted = kind is None or self.type is kind
        return self.status is ResourceStatus.ACTIVE and self.capacity >= party_size and wanted


@dataclass(frozen=True, slots=True)
class Period:
    """One open interval of a weekday (0 = Monday), in minutes; closes may be 24:00."""

    weekday: int
    opens: int
    closes: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise InvalidInput("periods.weekday", "must name a day of the week")
        if not 0 <= self.opens < self.closes <= MIDNIGHT:
            span = f"{hhmm(self.opens)}-{hhmm(self.closes)}"
            raise InvalidInput("periods.close_time", f"{span}: must close after it opens")


@dataclass(frozen=True, slots=True)
class OpeningHours:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    periods: tuple[Period, ...] = ()
    closed_dates: tuple[date, ...] = ()
    updated_at: datetime | None = None

    def on(self, day: date) -> list[tuple[int, int]]:
        """The open intervals of a date, earliest first; none on a closed date."""
        if day in self.closed_dates:
            return []
        return sorted((p.opens, p.closes) for p in self.periods if p.weekday == day.weekday())

    def covers(self, day: date, start: int, end: int) -> bool:
        return any(opens <= start and end <= closes for opens, closes in self.on(day))
