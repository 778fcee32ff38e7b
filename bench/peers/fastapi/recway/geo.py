"""Positions on the globe (CRS84: longitude, latitude in degrees), boxes of them, and the
box around a circle, for the `bbox` and `near` filters of the segment list."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# Mean Earth radius (IUGG), in metres: the sphere every distance is measured on.
EARTH_RADIUS_M = 6_371_008.8

# A larger radius would make `near` a slow way to list everything.
MAX_RADIUS_M = 1_000_000.0

# A decimal number as Rust's `f64::from_str` reads one (ASCII only, no `_` separators,
# which Python's `float` would take). Its `inf` and `nan` are not finite, so not needed.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True, slots=True)
class Point:
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class GeoBox:
    """`min_lon > max_lon` is a box crossing the antimeridian (OGC API Features, RFC 7946)."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @property
    def crosses_antimeridian(self) -> bool:
        return self.min_lon > self.max_lon


def finite(raw: str) -> float | None:
    """A finite number, spaces around it allowed; NaN and infinities are not numbers here."""
    text = raw.strip()
    if not _DECIMAL.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def parse_point(raw: str) -> Point:
    """`lon,lat`, as the `near` parameter gives it."""
    lon, lat = _numbers(raw, 2, "lon,lat")
    return Point(lon=_longitude(lon), lat=_latitude(lat))


def parse_box(raw: str) -> GeoBox:
    """`minLon,minLat,maxLon,maxLat`, as the `bbox` parameter gives it. A south above the
    north is a box that holds nothing, not an error."""
    min_lon, min_lat, max_lon, max_lat = _numbers(raw, 4, "minLon,minLat,maxLon,maxLat")
    min_lat, max_lat = _latitude(min_lat), _latitude(max_lat)
    return GeoBox(_longitude(min_lon), min_lat, _longitude(max_lon), max_lat)


def bounding_box(center: Point, radius_m: float) -> GeoBox:
    """The smallest box holding the whole circle, so that the index on the coordinates
    narrows the rows before any distance is computed. A circle reaching a pole spans every
    longitude; one crossing the antimeridian gives a crossing box."""
    margin_deg = 1e-7  # a hair wider than the circle, so rounding never drops its edge
    angle = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(angle) + margin_deg
    min_lat, max_lat = center.lat - dlat, center.lat + dlat
    if min_lat <= -90.0 or max_lat >= 90.0:
        return GeoBox(-180.0, max(min_lat, -90.0), 180.0, min(max_lat, 90.0))
    # The widest longitude offset on the circle (the tangent meridians).
    dlon = math.degrees(math.asin(min(math.sin(angle) / math.cos(math.radians(center.lat)), 1.0)))
    dlon += margin_deg
    west, east = center.lon - dlon, center.lon + dlon
    if east - west >= 360.0:
        return GeoBox(-180.0, min_lat, 180.0, max_lat)
    return GeoBox(
        west + 360.0 if west < -180.0 else west,
        min_lat,
        east - 360.0 if east > 180.0 else east,
        max_lat,
    )


def _numbers(raw: str, count: int, shape: str) -> list[float]:
    parts = raw.split(",")
    if len(parts) != count:
        raise ValueError(f"expected {count} comma-separated numbers ({shape}), got {len(parts)}")
    numbers = []
    for part in parts:
        number = finite(part)
        if number is None:
            raise ValueError(f"'{part}' is not a number")
        numbers.append(number)
    return numbers


def _longitude(value: float) -> float:
    if not -180.0 <= value <= 180.0:
        raise ValueError("longitudes must be between -180 and 180")
    return value


def _latitude(value: float) -> float:
    if not -90.0 <= value <= 90.0:
        raise ValueError("latitudes must be between -90 and 90")
    return value
