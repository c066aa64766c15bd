"""The route a guidance session follows, as stored JSON, and the tracker and narrator built from it.

A plan is written once per (re-)planned route and read on every position
update, so it holds everything guidance needs without the graph: the
GeoJSON feature, the API steps, the maneuvers (to say a pre-announcement
with the actual distance), where each maneuver and hazard lies along the
line, and the destination (to plan again after leaving the route).
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from routing.maneuver import Crossing, Hazard, Landmark, Maneuver, Steps
from routing.polyline import Polyline
from routing.tracking import RouteTracker, Target, TrackerSettings, TrackState, maneuver_positions

HAZARD_AT_POINT_M = 2.0  # a hazard this close to its maneuver is said with it (voice does that)
LANDMARK_AT_POINT_M = 5.0  # a landmark this close to its maneuver is said with it ("Hier ist ...", voice.extras)


def _only(cls, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def maneuver_from_dict(data: dict[str, Any]) -> Maneuver:
    """Inverse of ``dataclasses.asdict`` for a :class:`Maneuver` (nested facts included)."""
    d = _only(Maneuver, data)
    d["location"] = tuple(d["location"])
    for key in ("crossing", "side_crossing"):
        if d.get(key) is not None:
            d[key] = Crossing(**_only(Crossing, d[key]))
    if d.get("steps") is not None:
        d["steps"] = Steps(**_only(Steps, d["steps"]))
    d["landmarks"] = [Landmark(**_only(Landmark, x)) for x in d.get("landmarks") or []]
    d["hazards"] = [Hazard(**_only(Hazard, x)) for x in d.get("hazards") or []]
    d["compound"] = [maneuver_from_dict(x) for x in d.get("compound") or []]
    return Maneuver(**d)


def maneuver_from_step(step: dict[str, Any]) -> Maneuver:
    """A :class:`Maneuver` back from a step of a route response (``POST /routes``).

    What a step does not carry (the street before, the depart reference) is
    left empty: it is only needed for texts the step already has.
    """
    loc = (float(step["location"][0]), float(step["location"][1]))
    then = step.get("then") or []
    # A step's distance runs to the next step, each further part's from the part before it; a
    # Maneuver's runs to its first further part, and each part's to what follows that part.
    gaps = [float(c.get("distance_m") or 0.0) for c in then]
    total = float(step["distance_m"])
    own = gaps[0] if gaps else total
    part_distances = gaps[1:] + ([max(total - sum(gaps), 0.0)] if gaps else [])
    compound = [Maneuver(kind="turn", location=loc, distance_m=d, bearing=0.0,
                         turn_angle=float(c.get("turn_angle") or 0.0), street=c.get("street"),
                         modifier=c.get("modifier")) for c, d in zip(then, part_distances)]
    return Maneuver(
        kind=step["kind"], location=loc, distance_m=own, bearing=float(step["bearing"]),
        turn_angle=float(step.get("turn_angle") or 0.0), clock=int(step.get("clock") or 12),
        street=step.get("street"), way_kind=step.get("way_kind"), modifier=step.get("modifier"),
        compound=compound,
        crossing=Crossing(**_only(Crossing, step["crossing"])) if step.get("crossing") else None,
        side_crossing=Crossing(**_only(Crossing, step["side_crossing"])) if step.get("side_crossing") else None,
        steps=Steps(**_only(Steps, step["steps"])) if step.get("steps") else None,
        landmarks=[Landmark(**_only(Landmark, x)) for x in step.get("landmarks") or []],
        hazards=[Hazard(**_only(Hazard, x)) for x in step.get("warnings") or []],
        cardinal=step.get("cardinal"), side=step.get("side"),
    )


def described_from_response(response: dict[str, Any]) -> tuple[dict[str, Any], tuple[float, float]]:
    """(described route, destination) from a route response a client got from ``POST /routes``.

    Raises ValueError when the steps do not describe a route (depart first,
    arrive last, known kinds).
    """
    steps = [{k: v for k, v in step.items() if k != "audio"} for step in response["steps"]]
    if steps[0]["kind"] != "depart" or steps[-1]["kind"] != "arrive":
        raise ValueError("route.steps must begin with a depart step and end with an arrive step")
    try:
        maneuvers = [maneuver_from_step(step) for step in steps]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"route.steps: a step is not a step of a route response ({exc})") from None
    lon, lat = steps[-1]["location"]
    return {"route": response["route"], "steps": steps, "maneuvers": maneuvers}, (float(lat), float(lon))


def line_of(feature: dict[str, Any]) -> Polyline:
    """The route's line from its GeoJSON feature ([lon, lat] -> (lat, lon))."""
    return Polyline([(lat, lon) for lon, lat in feature["geometry"]["coordinates"]])


def build_plan(described: dict[str, Any], destination: tuple[float, float]) -> dict[str, Any]:
    """The stored plan of a described route (``lotse.guidance.describe_route`` output)."""
    maneuvers: list[Maneuver] = described["maneuvers"]
    line = line_of(described["route"])
    # a compound turn's own distance runs to its second part; the next maneuver lies after all parts
    to_next = [m.distance_m + sum(part.distance_m for part in m.compound) for m in maneuvers]
    along = maneuver_positions(line, [m.location for m in maneuvers], to_next)
    hazards = []
    for i, m in enumerate(maneuvers):
        if m.kind == "hazard":
            continue  # a hazard maneuver is itself the warning
        for k, h in enumerate(m.hazards):
            if h.distance_m is not None and h.distance_m > HAZARD_AT_POINT_M:
                hazards.append({"key": f"{i}:{k}", "step": i, "index": k,
                                "along_m": round(min(along[i] + h.distance_m, line.length), 2)})
    # landmarks on a stretch are said as the walker passes them (those at the point are in its main text)
    landmarks = [{"key": f"L{i}:{k}", "step": i, "index": k,
                  "along_m": round(min(along[i] + lm.distance_m, line.length), 2)}
                 for i, m in enumerate(maneuvers) if m.kind not in ("landmark", "arrive")
                 for k, lm in enumerate(m.landmarks)
                 if lm.distance_m is not None and lm.distance_m > LANDMARK_AT_POINT_M]
    return {
        "route": described["route"],
        "steps": described["steps"],
        "maneuvers": [asdict(m) for m in maneuvers],
        "along": [round(a, 2) for a in along],
        "hazards": hazards,
        "landmarks": landmarks,
        "destination": [float(destination[0]), float(destination[1])],
    }


def tracker_for(plan: dict[str, Any], settings: dict[str, Any], state: dict[str, Any] | None) -> RouteTracker:
    """A tracker over the plan's route, continuing ``state``."""
    kinds = [m["kind"] for m in plan["maneuvers"]]
    targets = [Target(a, k, i) for i, (a, k) in enumerate(zip(plan["along"], kinds))]
    hazards = [Target(h["along_m"], "hazard", h["step"], h["key"]) for h in plan["hazards"]]
    landmarks = [Target(lm["along_m"], "landmark", lm["step"], lm["key"]) for lm in plan.get("landmarks", [])]
    return RouteTracker(line_of(plan["route"]), targets, hazards, TrackerSettings.from_dict(settings),
                        TrackState.from_dict(state), landmarks)
