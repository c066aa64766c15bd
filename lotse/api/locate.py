"""``POST /api/v1/locate``: a BLE scan and/or a GPS fix -> a position on the walkable network.

Positioning is :func:`beacons.positioning.locate` against the registry of
this moment (:mod:`lotse.beacon_registry`, rebuilt only when beacons change),
with the deployment's calibration when ``LOTSE_BEACON_CALIBRATION`` names one;
this module adds what a walker's app needs around it: the nearest beacon by
its spoken label, and the fix snapped onto the nearest walkable way with the
street's name. Nothing here is stored or logged.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from beacons.positioning import Fix, NoPositionError, PositioningError
from routing.landmarks import attach

from lotse.api import beacon_schemas as S
from lotse.api.schemas import PROBLEM
from lotse.api.spec import documented, validated_json
from lotse.beacon_registry import RegistryState, get_registry
from lotse.problems import Problem

bp = Blueprint("locate", __name__)


def _skipped(items) -> list[dict[str, str]]:  # noqa: ANN001 - a sequence of beacons.positioning.Skipped
    return [{"id": s.id, "reason": s.reason} for s in items]


def _nearest(fix: Fix, state: RegistryState) -> dict[str, Any] | None:
    if fix.nearest_beacon_id is None:
        return None
    entry = state.entries.get(fix.nearest_beacon_id)
    if entry is None:
        return None
    b = entry.beacon
    return {"id": b.id, "label": b.label, "label_en": b.label_en, "kind": b.kind,
            "distance_m": round(float(fix.nearest_distance_m or 0.0), 1)}


def _on_graph(lat: float, lon: float) -> dict[str, Any] | None:
    """The fix on the nearest walkable way within the snap limit of route points (``MAX_SNAP_M``)."""
    router = current_app.extensions["lotse.graphs"].router
    at = attach(router.snapper, lat, lon, float(current_app.config.get("MAX_SNAP_M", 150.0)))
    if at is None:
        return None
    out = at.to_dict()
    out.pop("edge")
    return out


def _no_position(exc: NoPositionError) -> Problem:
    reasons = [f"{s.id}: {s.reason}" for s in (*exc.rejected, *exc.ignored)]
    why = "; ".join(reasons[:10]) if reasons else "the scan was empty and there was no GPS fix"
    return Problem("no-position", f"No position from this request: {why}. Send readings of registered, active "
                   "beacons (GET /api/v1/beacons) or a GPS fix.",
                   ignored=_skipped(exc.ignored), rejected=_skipped(exc.rejected))


@bp.post("/locate")
@documented(
    "Position from a BLE scan and/or a GPS fix, snapped onto the walkable network", tag="beacons",
    description="Estimator by what was heard: likelihood (2 or more known beacons: grid posterior), proximity "
                "(1: near that beacon, where the silent registered beacons leave room); a GPS fix is fused by its "
                "accuracy, or used alone. Readings of "
                "unknown or switched-off beacons are `ignored`, implausible RSSI (outside -110..0 dBm) or "
                "malformed ids `rejected`; both are listed. Nothing usable: 422 no-position.",
    request_schema=S.LOCATE_REQUEST,
    responses={200: ("The position with its accuracy", S.LOCATE_RESPONSE),
               400: ("Malformed JSON", PROBLEM),
               422: ("Invalid request, or nothing usable in it (no-position, with the reasons)", PROBLEM)},
)
def locate_position():
    body = validated_json(S.LOCATE_REQUEST)
    if "beacons" not in body and "gps" not in body:
        raise Problem("invalid-request", "Send a BLE scan (beacons: [{id, rssi}, ...]) and/or a GPS fix "
                      "(gps: {lat, lon, accuracy_m}).")
    state = get_registry().current()
    try:
        fix = _locate(body, state)
    except NoPositionError as exc:
        raise _no_position(exc) from None
    except PositioningError as exc:
        raise Problem("invalid-request", str(exc)) from None
    return jsonify({
        "lat": round(fix.lat, 7), "lon": round(fix.lon, 7), "accuracy_m": round(fix.accuracy_m, 1),
        "method": fix.method, "level": fix.level,
        "nearest_beacon": _nearest(fix, state), "on_graph": _on_graph(fix.lat, fix.lon),
        "used": list(fix.used), "ignored": _skipped(fix.ignored), "rejected": _skipped(fix.rejected),
        "beacons_version": state.version,
    })


def _locate(body: dict[str, Any], state: RegistryState) -> Fix:
    return state.locate(body.get("beacons") or [], body.get("gps"))
