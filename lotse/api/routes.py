"""``POST /api/v1/routes``: plan a route and describe it for a blind walker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from flask import Blueprint, current_app, jsonify

from beacons.ids import BeaconIdError, normalize_beacon_id
from routing.profiles import ProfileError, resolve
from routing.router import NoRouteError
from routing.snap import SnapError
from voice.speech import DEFAULT_RATE

from lotse.api import schemas
from lotse.api.places import area_of, goal_landmark, resolve_place, resolved
from lotse.api.spec import documented, validated_json
from lotse.audio import attach_audio
from lotse.beacon_registry import get_registry, resolve_beacon
from lotse.guidance import describe_route
from lotse.obstacles import blocked_problem, destination_problem
from lotse.problems import Problem

bp = Blueprint("routes", __name__)


def resolve_point(point: dict[str, Any], role: str) -> tuple[float, float]:
    """(lat, lon) of a request point."""
    if "place" in point:
        return resolve_place(point, role)
    if "beacon" in point:
        return resolve_beacon(point["beacon"], role)
    return float(point["lat"]), float(point["lon"])


@dataclass
class Planned:
    """A planned and described route with the points it was planned between."""

    described: dict[str, Any]  # route feature, steps, maneuvers (see lotse.guidance.describe_route)
    origin: tuple[float, float]
    destination: tuple[float, float]
    alternatives: list[dict[str, Any]] = field(default_factory=list)


def plan_from_request(body: dict[str, Any], origin: tuple[float, float] | None = None,
                      destination: tuple[float, float] | None = None) -> Planned:
    """Plan and describe the route of a validated route request (``schemas.ROUTE_REQUEST``).

    ``origin``/``destination`` replace the body's points (live guidance plans
    again from where the walker is). Raises :class:`Problem` for what the
    client can fix. Shared by ``POST /routes`` and the guidance sessions.
    """
    store = current_app.extensions["lotse.graphs"]
    given_origin = origin
    try:
        profile = resolve(body.get("profile"), body.get("options"))
    except ProfileError as exc:
        raise Problem("unknown-profile", str(exc)) from None
    origin = origin or resolve_point(body["from"], "from")
    goal = resolved(body["to"])  # a place named uniquely: resolved once, its position and what it is
    destination = destination or ((goal.lat, goal.lon) if goal is not None else resolve_point(body["to"], "to"))
    arrive_on = area_of(goal)  # a square: arrived where the route first meets it
    router = store.router
    obstacles = current_app.extensions["lotse.obstacles"].current()  # re-read only when staff changed obstacles
    try:
        route, alternatives = router.plan_with_alternatives(
            origin, destination, profile, obstacles.overlay, alternatives=body.get("alternatives", 0),
            arrive_on=arrive_on or None)
    except SnapError as exc:
        blocked = blocked_problem(router, origin, destination, profile, obstacles.overlay)
        raise blocked or _off_network(body, {"from": origin, "to": destination}, router, exc) from None
    except NoRouteError as exc:
        blocked = blocked_problem(router, origin, destination, profile, obstacles.overlay)
        raise blocked or Problem("no-route", str(exc)) from None
    # (a square is reached wherever the route meets it, so no way of it alone can block the arrival)
    if not arrive_on and (blocked := destination_problem(router, route, destination, profile,
                                                         obstacles.overlay)) is not None:
        raise blocked
    beacons = get_registry().current()  # re-read only when staff changed beacons
    speech = dict(lang=body.get("lang", "de"), units=body.get("units", "metres"),
                  directions=body.get("directions", "relative"), step_length_m=body.get("step_length_m", 0.7),
                  overlay=obstacles.overlay, landmarks=_landmarks(beacons.landmarks, body["to"], goal,
                                                 body["from"] if given_origin is None else {}))
    described = describe_route(router.graph, route, **speech)
    described["route"]["properties"]["obstacles_version"] = obstacles.version
    described["route"]["properties"]["beacons_version"] = beacons.version
    planned = Planned(described, origin, destination)
    for alt in alternatives:  # each with its own audit; "label" says why it is offered
        item = describe_route(router.graph, alt.route, **speech)
        item.pop("maneuvers")
        item["label"] = alt.label
        planned.alternatives.append(item)
    return planned


def _off_network(body: dict[str, Any], points: dict[str, tuple[float, float]], router, exc: SnapError) -> Problem:
    """``point-off-network``, naming the beacon when the point was one: the walker sent an id, not coordinates."""
    for role, point in points.items():
        raw = body[role].get("beacon")
        if raw is None or router.snapper.candidates(*point, router.max_snap_m):
            continue
        entry = get_registry().current().get(raw)
        if entry is None or (entry.beacon.lat, entry.beacon.lon) != point:
            continue  # live guidance replaced the point (a fix of the walker)
        nearest = router.snapper.nearest_distance(*point)
        far = f"{nearest:.0f} m" if nearest is not None else "far"
        return Problem("point-off-network", f"{role}: the beacon {entry.beacon.id} ({entry.beacon.label}) is {far} "
                       f"from the nearest walkable way, more than {router.max_snap_m:.0f} m: check its position "
                       f"(GET /api/v1/beacons/{entry.beacon.id}) or choose another point",
                       distance_m=nearest, pointer=f"/{role}/beacon", beacon=entry.beacon.id)
    return Problem("point-off-network", str(exc), distance_m=exc.distance_m)


def _landmarks(beacons: Sequence[dict[str, Any]], to: dict[str, Any], goal,
               start: dict[str, Any]) -> list[dict[str, Any]]:
    """The beacons to announce; the place or beacon asked for marked as the goal (said on arrival), the
    beacon started from as the start (the walker is there, not at every beacon around it)."""
    start_id = _beacon_id(start)
    if start_id is not None:
        beacons = [dict(b, start=True) if b.get("id") == start_id else b for b in beacons]
    if "beacon" in to:
        wanted = _beacon_id(to)
        return [dict(b, goal=True) if b.get("id") == wanted else b for b in beacons]
    return [*beacons, *filter(None, [goal_landmark(goal)])]


def _beacon_id(point: dict[str, Any]) -> str | None:
    """The canonical id of a ``{"beacon"}`` point; None for other points."""
    try:
        return normalize_beacon_id(point["beacon"]) if "beacon" in point else None
    except BeaconIdError:
        return None


@bp.post("/routes")
@documented(
    "Plan a route with spoken step-by-step guidance",
    request_schema=schemas.ROUTE_REQUEST,
    responses={200: ("The route, its steps and alternatives", schemas.ROUTE_RESPONSE),
               400: ("Malformed JSON", schemas.PROBLEM),
               422: ("Invalid request, point off the network, or no route", schemas.PROBLEM)},
)
def plan_route():
    body = validated_json(schemas.ROUTE_REQUEST)
    planned = plan_from_request(body)
    described = planned.described
    described.pop("maneuvers")
    described["alternatives"] = planned.alternatives
    described["lang"] = body.get("lang", "de")
    # where a place or beacon name was resolved to, so the client can tell the walker
    described["from"] = {"lat": round(planned.origin[0], 7), "lon": round(planned.origin[1], 7)}
    described["to"] = {"lat": round(planned.destination[0], 7), "lon": round(planned.destination[1], 7)}
    if body.get("audio"):
        described["audio"] = attach_audio(described, current_app.extensions["lotse.speech"],
                                          described["lang"], body.get("speech_rate", DEFAULT_RATE))
    return jsonify(described)
