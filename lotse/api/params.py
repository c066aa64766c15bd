"""Query and body values shared by the staff endpoints: times, limits, cursors, bounding boxes."""

from __future__ import annotations

import math
from datetime import datetime, timezone

from flask import request

from lotse.api.spec import quote
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


def whole(value: str, low: int, high: int) -> int | None:
    """``value`` as a whole number within ``low..high`` (ASCII digits only); None otherwise."""
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(high)) + 2:
        return None
    number = int(value)
    return number if low <= number <= high else None


def limit(default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> int:
    value = request.args.get("limit", str(default))
    number = whole(value, 1, maximum)
    if number is None:
        raise Problem("invalid-request", f"limit must be a whole number from 1 to {maximum} (got {quote(value, 40)})")
    return number


def cursor() -> int | None:
    """The opaque cursor of the previous page (an id; clients should not build it themselves)."""
    value = request.args.get("cursor")
    if value is None or value == "":
        return None
    number = whole(value, 0, 2 ** 63 - 1)  # ids are SQL integers
    if number is None:
        raise Problem("invalid-request", f"cursor {quote(value, 40)} is not one this API returned: "
                      "pass next_cursor as is")
    return number


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


def only(allowed: tuple[str, ...]) -> None:
    """A query parameter the endpoint does not know is a mistake to report, not to ignore.

    ``?bbox=abc`` on an endpoint without a bbox filter answered the whole map
    with 200; a misspelt ``?kinds=steps`` would do the same.
    """
    unknown = sorted(set(request.args) - set(allowed))
    if unknown:
        raise Problem("invalid-request", f"unknown query parameter(s) {', '.join(unknown)}; "
                                         f"this endpoint takes {', '.join(allowed)}")
    repeated = sorted(k for k in set(request.args) if len(request.args.getlist(k)) > 1)
    if repeated:
        raise Problem("invalid-request", f"query parameter(s) {', '.join(repeated)} given more than once: "
                                         "give each once (a list as comma-separated values)")
