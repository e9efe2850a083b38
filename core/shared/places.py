"""Places customers share on WhatsApp: read as words (how every agent sees a message), with
the coordinates at the end, which the order agent reads back to check a delivery area."""

import math
import re
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
_POINT = re.compile(r"\((-?\d{1,2}(?:\.\d+)?), (-?\d{1,3}(?:\.\d+)?)\)$")


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float

    def __str__(self) -> str:
        return f"({self.latitude:.5f}, {self.longitude:.5f})"


def described(words: str, point: Point | None) -> str:
    """A shared place as words: "Casa Lucio, Calle Cava Baja 35 (40.41173, -3.70801)"."""
    return " ".join(part for part in (words, str(point) if point else "") if part)


def point_in(text: str) -> Point | None:
    """The coordinates a place described so ends with, if they are on Earth."""
    match = _POINT.search(text.strip())
    if not match:
        return None
    latitude, longitude = float(match.group(1)), float(match.group(2))
    if abs(latitude) > 90 or abs(longitude) > 180:
        return None
    return Point(latitude, longitude)


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine): a few metres off at city scale, which is plenty."""
    la1, lo1, la2, lo2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
