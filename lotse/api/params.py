"""Query and body values shared by the staff endpoints: times, limits, cursors, bounding boxes."""

from __future__ import annotations

import math
from datetime import datetime, timezone

from flask import request

from lotse.problems import Problem

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def parse_time(value: object, name: str) -> datetime:
    """An ISO 8601 time with a timezone (``Z`` or an offset), as an aware UTC datetime."""
    if not isinstance(value, str):
        raise Problem("invalid-request", f"{name} must be an ISO 8601 string such as 2025-05-01T08:00:00+02:00")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Problem("invalid-request", f"{name} '{value}' is not an ISO 8601 date and time, "
                      "e.g. 2025-05-01T08:00:00+02:00") from None
    if parsed.tzinfo is None:
        raise Problem("invalid-request", f"{name} '{value}' has no timezone: add 'Z' or an offset like +02:00")
    return parsed.astimezone(timezone.utc)


def query_time(name: str) -> datetime | None:
    """A time query parameter; ``now`` is the request time."""
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if value == "now":
        return datetime.now(timezone.utc)
    return parse_time(value, name)


def limit() -> int:
    value = request.args.get("limit", str(DEFAULT_LIMIT))
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise Problem("invalid-request", f"limit must be a whole number from 1 to {MAX_LIMIT} (got '{value}')")
    return int(value)


def cursor() -> int | None:
    """The opaque cursor of the previous page (an id; clients should not build it themselves)."""
    value = request.args.get("cursor")
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise Problem("invalid-request", f"cursor '{value}' is not one this API returned: pass next_cursor as is")
    return int(value)


def bbox() -> tuple[float, float, float, float] | None:
    """``bbox=min_lon,min_lat,max_lon,max_lat`` (GeoJSON order)."""
    value = request.args.get("bbox")
    if not value:
        return None
    try:
        parts = [float(p) for p in value.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
        raise Problem("invalid-request", f"bbox '{value}' must be min_lon,min_lat,max_lon,max_lat")
    min_lon, min_lat, max_lon, max_lat = parts
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise Problem("invalid-request", f"bbox '{value}': minimum must not exceed maximum, lon within ±180, lat within ±90")
    return min_lon, min_lat, max_lon, max_lat


def choices(name: str, allowed: tuple[str, ...]) -> list[str] | None:
    """A comma-separated list of values from ``allowed``."""
    value = request.args.get(name)
    if not value:
        return None
    items = [v.strip() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in allowed]
    if bad:
        raise Problem("invalid-request", f"{name}: unknown value(s) {', '.join(bad)}; allowed: {', '.join(allowed)}")
    return items
