"""``POST /api/v1/whereami``, ``POST /api/v1/around`` and a session's where-am-I.

The queries are :mod:`routing.orientation` (no Flask); the words are
:mod:`lotse.orientation_text`. Positions in requests are used for the answer
only: nothing is stored or logged.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from routing.geo import bearing_deg, clock_from_angle, haversine_m, turn_angle_deg
from routing.orientation import Orientation, orientation_for

from lotse.api import schemas
from lotse.api import session_schemas as S
from lotse.api.spec import documented, validated_json
from lotse.orientation_text import around_text, beacon_sentence, thing_label, whereami_text
from lotse.positioning import Position, position_of
from lotse.problems import Problem
from lotse.sessions import sessions

bp = Blueprint("orientation", __name__)

BEACON_NEAR_M = 100.0  # a beacon farther than this is no help for orientation


def _orientation() -> Orientation:
    router = current_app.extensions["lotse.graphs"].router
    return orientation_for(router.graph, router.snapper)


def _nearest_beacon(lat: float, lon: float, heading: float | None, lang: str) -> dict[str, Any] | None:
    """The nearest active beacon of the registry within :data:`BEACON_NEAR_M`, if the service has beacons."""
    registry = current_app.extensions.get("lotse.beacons")
    if registry is None:
        return None
    best = None
    for entry in registry.current().entries.values():
        b = entry.beacon
        if not b.active:
            continue
        d = float(haversine_m(lat, lon, b.lat, b.lon))
        if d <= BEACON_NEAR_M and (best is None or d < best[0]):
            best = (d, b)
    if best is None:
        return None
    d, b = best
    bearing = bearing_deg(lat, lon, b.lat, b.lon)
    clock = None if heading is None else clock_from_angle(turn_angle_deg(heading, bearing))
    label = (b.label_en or b.label) if lang == "en" else b.label
    return {"id": b.id, "label": label, "kind": b.kind, "lat": b.lat, "lon": b.lon, "distance_m": round(d, 1),
            "bearing": round(bearing, 1), "clock": clock}


def _where(lat: float, lon: float, accuracy: float | None, heading: float | None, lang: str,
           directions: str) -> dict[str, Any]:
    max_m = float(current_app.config.get("MAX_SNAP_M", 150.0))
    w = _orientation().where_am_i(lat, lon, accuracy, heading, max_m)
    stop = None
    if w.stop is not None:
        stop = dict(asdict(w.stop), label=thing_label(w.stop, lang))
    street = None
    if w.street is not None:
        street = {k: v for k, v in asdict(w.street).items() if k != "edge"}
    beacon = _nearest_beacon(lat, lon, heading, lang)
    text = whereami_text(w, lang, directions)
    # A beacon at the stop just named says the same place more precisely: say it instead of twice.
    same_place = (beacon is not None and w.stop is not None and w.stop.distance_m < 15
                  and beacon["distance_m"] < 15 and w.stop.name.lower() in beacon["label"].lower())
    if same_place:
        text = whereami_text(replace(w, stop=None), lang, directions)
    if beacon is not None:
        text += " " + beacon_sentence(beacon["label"], beacon["distance_m"], beacon["bearing"], beacon["clock"],
                                      lang, directions)
    return {"text": text, "street": street,
            "at_junction": asdict(w.at_junction) if w.at_junction else None,
            "junction": asdict(w.junction) if w.junction else None, "stop": stop, "beacon": beacon,
            "heading": heading, "lang": lang}


@bp.post("/whereami")
@documented(
    "Where am I: street, side, next junction, nearest stop",
    description="At a GPS fix (lat, lon), or where a BLE scan (beacons, with or without GPS) places the walker "
                "as POST /api/v1/locate does; `position` says which. The side of the street is said only when "
                "the map (sidewalk on one side) or the fix's offset from the centreline (beyond its accuracy) "
                "shows it; otherwise it is unknown.",
    request_schema=S.WHEREAMI_REQUEST,
    responses={200: ("Where the position is, with spoken text", S.WHEREAMI_ANSWER),
               422: ("Invalid request", schemas.PROBLEM)},
    tag="guidance",
)
def whereami():
    body = validated_json(S.WHEREAMI_REQUEST)
    at = _position(body)
    answer = _where(at.lat, at.lon, at.accuracy_m, body.get("heading"), body.get("lang", "de"),
                    body.get("directions", "clock"))
    return jsonify(dict(answer, position=asdict(at)))


def _position(body: dict[str, Any]) -> Position:
    """The position a request is about: its GPS fix as given, or located from its BLE scan (and GPS)."""
    if not body.get("beacons"):   # the fix as given: an unknown accuracy stays unknown for the side of the street
        return Position(float(body["lat"]), float(body["lon"]), body.get("accuracy_m"), "gps")
    fix = position_of({k: body[k] for k in ("lat", "lon", "accuracy_m", "beacons") if k in body})
    return replace(fix, accuracy_m=round(fix.accuracy_m, 1))


@bp.route("/sessions/<session_id>/whereami", methods=["GET", "POST"])
@documented(
    "Where am I, during a session",
    description="At the session's last position (or the position in the body), in the session's language, "
                "with the progress on the route and the distance to the next maneuver.",
    request_schema=S.SESSION_WHEREAMI_REQUEST,
    responses={200: ("Where the walker is", S.WHEREAMI_ANSWER), 404: ("Unknown or expired session", schemas.PROBLEM),
               422: ("No position yet, or invalid request", schemas.PROBLEM)},
    tag="guidance",
)
def session_whereami(session_id: str):
    body: dict[str, Any] = {}
    if request.method == "POST" and request.get_data(cache=True).strip():
        body = validated_json(S.SESSION_WHEREAMI_REQUEST)
    service = sessions()
    last, loaded = service.last_position(session_id)
    fix = {k: body[k] for k in ("lat", "lon", "accuracy_m", "heading") if k in body} if "lat" in body else last
    if not fix:
        raise Problem("invalid-request", "This session has no position yet: send one to /positions, or put "
                                         "lat and lon in the body.")
    settings = loaded.row.settings
    lang = body.get("lang", settings.get("lang", "de"))
    answer = _where(fix["lat"], fix["lon"], fix.get("accuracy_m"), fix.get("heading"), lang,
                    body.get("directions", settings.get("directions", "clock")))
    progress, sentence = service.route_status(loaded)
    answer["route"] = progress
    if sentence:
        answer["text"] = f"{answer['text']} {sentence}"
    return jsonify(answer)


@bp.post("/around")
@documented(
    "What is around me: places, stops and crossings within a radius",
    description="Each with distance and clock-face direction relative to the heading (compass direction without "
                "heading). Radius 50 m by default, at most 300 m. The position is a GPS fix (lat, lon) or "
                "located from a BLE scan (beacons) as by POST /api/v1/locate.",
    request_schema=S.AROUND_REQUEST,
    responses={200: ("Things nearby, nearest first, with spoken text", S.AROUND_ANSWER),
               422: ("Invalid request", schemas.PROBLEM)},
    tag="guidance",
)
def around():
    body = validated_json(S.AROUND_REQUEST)
    lang, radius = body.get("lang", "de"), float(body.get("radius_m", 50.0))
    at = _position(body)
    items = _orientation().around(at.lat, at.lon, body.get("heading"), radius)
    return jsonify({
        "radius_m": radius,
        "items": [dict(asdict(t), label=thing_label(t, lang)) for t in items],
        "text": around_text(items, radius, lang, body.get("directions", "clock")),
        "position": asdict(at),
    })
