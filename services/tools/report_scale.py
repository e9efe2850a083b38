"""The report's time axis and money: bucket size for the range, whole buckets, amounts."""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from core.analytics.model import Granularity

# A chart of a range holds a readable number of bars: at most 24 hours, 92 days or 58 weeks.
HOURLY_UP_TO = timedelta(days=1)
DAILY_UP_TO = timedelta(days=92)
STEP = {
    Granularity.HOUR: timedelta(hours=1),
    Granularity.DAY: timedelta(days=1),
    Granularity.WEEK: timedelta(weeks=1),
}
T = TypeVar("T")


def granularity_for(span: timedelta) -> Granularity:
    """Hours for a day or less, days up to about three months, weeks beyond."""
    if span <= HOURLY_UP_TO:
        return Granularity.HOUR
    if span <= DAILY_UP_TO:
        return Granularity.DAY
    return Granularity.WEEK


def bucket_start(moment: datetime, granularity: Granularity) -> datetime:
    """The start of the bucket holding `moment`, as the queries' date_trunc has it (UTC)."""
    hour = moment.replace(minute=0, second=0, microsecond=0)
    if granularity is Granularity.HOUR:
        return hour
    day = hour.replace(hour=0)
    return day if granularity is Granularity.DAY else day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class TimeAxis:
    """The window as whole buckets: the queries return only the buckets that saw an event."""

    start: datetime
    end: datetime
    granularity: Granularity

    @property
    def step(self) -> timedelta:
        return STEP[self.granularity]

    @property
    def buckets(self) -> list[datetime]:
        first = bucket_start(self.start, self.granularity)
        return [first + i * self.step for i in range(math.ceil((self.end - first) / self.step))]

    @property
    def limits(self) -> tuple[datetime, datetime]:
        """From the first bucket's start to the last one's end: no bar is cut off."""
        buckets = self.buckets
        return buckets[0], buckets[-1] + self.step

    @property
    def centres(self) -> list[datetime]:
        return [start + self.step / 2 for start in self.buckets]

    def series(self, points: Iterable[Any], value: Callable[[Any], T], missing: T) -> list[T]:
        """`value` of the point of each bucket, `missing` for a bucket with none."""
        by_bucket = {p.bucket_start: value(p) for p in points}
        return [by_bucket.get(start, missing) for start in self.buckets]


def money(amount: Decimal | float, currency: str) -> str:
    return f"{amount:,.2f} {currency}"
