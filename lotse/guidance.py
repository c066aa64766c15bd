"""Turn a planned route into the JSON the API returns: feature, audit and spoken steps.

This is the one place where routing (maneuvers, audit) meets voice (text,
audio); the HTTP layer and the CLI both call :func:`route_response`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Mapping, Sequence

from routing.audit import audit_route, summary_of
from routing.graph import CompiledGraph
from routing.maneuver import Maneuver
from routing.maneuvers import find_maneuvers
from routing.obstacles import ObstacleOverlay
from routing.route import Route
from voice.text import render, summarise


def _step(m: Maneuver, text) -> dict[str, Any]:
    step: dict[str, Any] = {
        "kind": m.kind,
        "distance_m": round(m.to_next_m, 1),  # to the next step: the steps' distances add up to the route
        "bearing": m.bearing,
        "turn_angle": m.turn_angle,
        "clock": m.clock,
        "modifier": m.modifier,
        "street": m.street,
        "way_kind": m.way_kind,
        "location": [round(m.location[0], 7), round(m.location[1], 7)],
        "text": {"pre": text.pre, "main": text.main, "post": text.post},
    }
    if m.kind == "depart":
        step["cardinal"] = m.cardinal
    if m.kind == "arrive":
        step["side"] = m.side
    if m.compound:
        # each further part with its distance from the part before it ("and after 8 m right")
        gaps = [m.distance_m] + [c.distance_m for c in m.compound[:-1]]
        step["then"] = [{"modifier": c.modifier, "turn_angle": c.turn_angle, "street": c.street,
                         "distance_m": round(gap, 1)} for c, gap in zip(m.compound, gaps)]
    if m.crossing is not None:
        step["crossing"] = asdict(m.crossing)
    if m.side_crossing is not None:  # crossed only from the other side of the street: side unknown
        step["side_crossing"] = asdict(m.side_crossing)
    if m.steps is not None:
        step["steps"] = asdict(m.steps)
    if m.landmarks:
        step["landmarks"] = [asdict(x) for x in m.landmarks]
    if m.hazards:
        step["warnings"] = [asdict(h) for h in m.hazards]
    return step


def describe_route(
    graph: CompiledGraph,
    route: Route,
    *,
    lang: str = "de",
    units: str = "metres",
    directions: str = "relative",
    step_length_m: float = 0.7,
    overlay: ObstacleOverlay | None = None,
    landmarks: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Feature, steps and summary of one route (no audio).

    ``overlay`` adds warnings of obstacles on it; ``landmarks`` are points
    announced when passed or reached (the active beacons, see
    :mod:`lotse.beacon_registry`), as for :func:`routing.maneuvers.find_maneuvers`.
    """
    maneuvers = find_maneuvers(graph, route, extra_landmarks=landmarks)
    if overlay is not None:
        maneuvers = overlay.annotate(graph, route, maneuvers)
    audit = audit_route(graph, route, maneuvers)
    texts = render(maneuvers, lang=lang, units=units, directions=directions, step_length_m=step_length_m)
    summary = summarise(summary_of(route, maneuvers, graph), lang=lang, units=units)
    feature = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": route.geojson_coordinates()},
        "properties": {
            "distance_m": round(route.distance_m, 1),
            "duration_s": round(route.duration_s, 1),
            "profile": route.profile,
            "cost": round(route.cost, 1),
            "summary": summary,
            "audit": audit,
        },
    }
    return {"route": feature, "steps": [_step(m, t) for m, t in zip(maneuvers, texts)], "maneuvers": maneuvers}
