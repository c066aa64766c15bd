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


def _only(cls, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def maneuver_from_dict(data: dict[str, Any]) -> Maneuver:
    """Inverse of ``dataclasses.asdict`` for a :class:`Maneuver` (nested facts included)."""
    d = _only(Maneuver, data)
    d["location"] = tuple(d["location"])
    if d.get("crossing") is not None:
        d["crossing"] = Crossing(**_only(Crossing, d["crossing"]))
    if d.get("steps") is not None:
        d["steps"] = Steps(**_only(Steps, d["steps"]))
    d["landmarks"] = [Landmark(**_only(Landmark, x)) for x in d.get("landmarks") or []]
    d["hazards"] = [Hazard(**_only(Hazard, x)) for x in d.get("hazards") or []]
    d["compound"] = [maneuver_from_dict(x) for x in d.get("compound") or []]
    return Maneuver(**d)


def line_of(feature: dict[str, Any]) -> Polyline:
    """The route's line from its GeoJSON feature ([lon, lat] -> (lat, lon))."""
    return Polyline([(lat, lon) for lon, lat in feature["geometry"]["coordinates"]])


def build_plan(described: dict[str, Any], destination: tuple[float, float]) -> dict[str, Any]:
    """The stored plan of a described route (``lotse.guidance.describe_route`` output)."""
    maneuvers: list[Maneuver] = described["maneuvers"]
    line = line_of(described["route"])
    along = maneuver_positions(line, [m.location for m in maneuvers], [m.distance_m for m in maneuvers])
    hazards = []
    for i, m in enumerate(maneuvers):
        if m.kind == "hazard":
            continue  # a hazard maneuver is itself the warning
        for k, h in enumerate(m.hazards):
            if h.distance_m is not None and h.distance_m > HAZARD_AT_POINT_M:
                hazards.append({"key": f"{i}:{k}", "step": i, "index": k,
                                "along_m": round(min(along[i] + h.distance_m, line.length), 2)})
    return {
        "route": described["route"],
        "steps": described["steps"],
        "maneuvers": [asdict(m) for m in maneuvers],
        "along": [round(a, 2) for a in along],
        "hazards": hazards,
        "destination": [float(destination[0]), float(destination[1])],
    }


def tracker_for(plan: dict[str, Any], settings: dict[str, Any], state: dict[str, Any] | None) -> RouteTracker:
    """A tracker over the plan's route, continuing ``state``."""
    kinds = [m["kind"] for m in plan["maneuvers"]]
    targets = [Target(a, k, i) for i, (a, k) in enumerate(zip(plan["along"], kinds))]
    hazards = [Target(h["along_m"], "hazard", h["step"], h["key"]) for h in plan["hazards"]]
    return RouteTracker(line_of(plan["route"]), targets, hazards, TrackerSettings.from_dict(settings),
                        TrackState.from_dict(state))
