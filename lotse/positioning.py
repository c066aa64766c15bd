"""One position from a position update: GPS, beacons, or both.

:func:`position_of` is the single place where a session update becomes a
position. Today it uses the GPS fix; beacon positioning (``beacons``
library, ``POST /api/v1/locate``) is wired in by registering a locator on
the app::

    app.extensions["lotse.locate"] = lambda readings, gps: beacons.positioning.locate(readings, registry, gps=gps)

It must return an object with ``lat``, ``lon``, ``accuracy_m`` and
``method`` (``beacons.positioning.Fix`` does) and may raise
``beacons.positioning.PositioningError`` (a ``ValueError``) for bad input.
Until one is registered, a beacons-only update is answered with the problem
``positioning-unavailable`` and beacons sent with GPS are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from lotse.problems import Problem

#: Accuracy assumed when a GPS fix comes without one (metres; a phone outdoors in a town).
DEFAULT_ACCURACY_M = 10.0


@dataclass(frozen=True)
class Position:
    lat: float
    lon: float
    accuracy_m: float | None   # None only where a request gave a GPS fix without accuracy (/whereami)
    method: str  # gps, or what the beacon locator says (likelihood+gps, proximity, ...)


def position_of(update: dict[str, Any]) -> Position:
    """The walker's position from a validated update (``lat``/``lon``/``accuracy_m`` and/or ``beacons``)."""
    has_gps = update.get("lat") is not None and update.get("lon") is not None
    gps = None
    if has_gps:
        gps = {"lat": float(update["lat"]), "lon": float(update["lon"]),
               "accuracy_m": float(update.get("accuracy_m") or DEFAULT_ACCURACY_M)}
    readings = update.get("beacons") or []
    locator = current_app.extensions.get("lotse.locate")
    if readings and locator is not None:
        try:
            fix = locator(readings, gps)
        except ValueError as exc:
            raise _no_position(exc) from None
        return Position(float(fix.lat), float(fix.lon), float(fix.accuracy_m), str(fix.method))
    if gps is None:
        raise Problem("positioning-unavailable",
                      "Beacon positioning is not available on this server yet; send a GPS fix (lat, lon, "
                      "accuracy_m) with the update.")
    return Position(gps["lat"], gps["lon"], gps["accuracy_m"], "gps")


def _no_position(exc: ValueError) -> Problem:
    """Why an update gave no position, reading by reading (as ``POST /locate`` lists them).

    "(1 ignored, 0 rejected)" left the phone guessing; "nope: unknown" says
    which beacon the registry does not know.
    """
    ignored, rejected = getattr(exc, "ignored", ()), getattr(exc, "rejected", ())
    reasons = "; ".join(f"{s.id}: {s.reason}" for s in [*rejected, *ignored][:10])
    return Problem("invalid-request", f"no position from this update: {exc}" + (f": {reasons}" if reasons else "")
                   + ". Send readings of registered, active beacons (GET /api/v1/beacons) or a GPS fix.",
                   ignored=[{"id": s.id, "reason": s.reason} for s in ignored],
                   rejected=[{"id": s.id, "reason": s.reason} for s in rejected])
