"""The audit of a route: what it asks of a blind walker, counted.

Users and partners read the audit to see why a route was chosen: its
crossings by control and by aids, unknowns, steps, turns, rough surface and
hazards. Unknown facts are counted as unknown, never as present or absent.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from routing.graph import NO_CROSSING, CompiledGraph, code, decode
from routing.maneuver import Crossing, Maneuver, RouteSummary, Steps
from routing.route import Route


def crossings_of(maneuvers: list[Maneuver]) -> list[Crossing]:
    """The crossings a route makes, in order."""
    return [m.crossing for m in maneuvers if m.kind == "cross" and m.crossing is not None]


def steps_of(maneuvers: list[Maneuver]) -> list[Steps]:
    """The flights of steps a route uses, in order."""
    return [m.steps for m in maneuvers if m.kind in ("steps", "depart") and m.steps is not None]


def audit_route(graph: CompiledGraph, route: Route, maneuvers: list[Maneuver]) -> dict[str, Any]:
    """Counts describing ``route`` (see the README for each key)."""
    crossings = crossings_of(maneuvers)
    by_control = Counter(c.control if c.mapped else "unmarked" for c in crossings)
    aids = {
        "sound": Counter(c.sound for c in crossings if c.control == "signals"),
        "vibration": Counter(c.vibration for c in crossings if c.control == "signals"),
        "tactile_paving": Counter(c.tactile_paving for c in crossings),
        "island": Counter(c.island for c in crossings),
    }
    major_unsignalised = 0
    for leg in route.legs:
        t = leg.transition
        if t is not None and graph.trans_cross_control[t] != NO_CROSSING:
            if graph.trans_cross_major[t] and graph.trans_cross_control[t] != code("control", "signals"):
                major_unsignalised += 1
    flights = steps_of(maneuvers)
    rough_m = 0.0
    surfaces = Counter()
    for leg in route.legs:
        e = int(graph.state_edge[leg.state])
        group = decode("surface", graph.edge_surface[e])
        surfaces[group] += leg.length_m
        if group in ("paved_rough", "unpaved"):
            rough_m += leg.length_m
    turns = sum(1 + len(m.compound) for m in maneuvers if m.kind in ("turn", "uturn"))
    hazards = [h for m in maneuvers for h in m.hazards]
    return {
        "crossings": len(crossings),
        "crossings_by_control": dict(by_control),
        "crossings_unknown_kind": by_control.get("unknown", 0),
        "crossings_with_sound": aids["sound"].get("yes", 0),
        "crossings_sound_unknown": aids["sound"].get("unknown", 0),
        "crossings_with_vibration": aids["vibration"].get("yes", 0),
        "crossings_with_tactile_paving": aids["tactile_paving"].get("yes", 0),
        "crossings_tactile_paving_unknown": aids["tactile_paving"].get("unknown", 0),
        "crossings_with_island": aids["island"].get("yes", 0),
        "major_road_crossings_without_signals": major_unsignalised,
        "steps": {
            "flights": len(flights),
            "total_steps": sum(s.count or 0 for s in flights),
            "flights_count_unknown": sum(1 for s in flights if s.count is None),
            "with_handrail": sum(1 for s in flights if s.handrail in ("left", "right", "both", "center", "yes")),
            "without_handrail": sum(1 for s in flights if s.handrail == "none"),
            "handrail_unknown": sum(1 for s in flights if s.handrail == "unknown"),
        },
        "turns": turns,
        "rough_surface_m": round(rough_m, 1),
        "surface_m": {k: round(v, 1) for k, v in surfaces.items()},
        "hazards": [{"kind": h.kind, "description": h.description} for h in hazards],
        "detour_factor": None,
    }


def summary_of(route: Route, maneuvers: list[Maneuver]) -> RouteSummary:
    """What ``voice`` says before the first step."""
    crossings = crossings_of(maneuvers)
    signals = [c for c in crossings if c.control == "signals"]
    return RouteSummary(
        distance_m=route.distance_m,
        duration_s=route.duration_s,
        crossings=len(crossings),
        signals=len(signals),
        signals_with_sound=sum(1 for c in signals if c.sound == "yes"),
        signals_sound_unknown=sum(1 for c in signals if c.sound == "unknown"),
        zebras=sum(1 for c in crossings if c.control == "zebra"),
        unmarked_crossings=sum(1 for c in crossings if not c.mapped or c.control == "none"),
        unknown_crossings=sum(1 for c in crossings if c.mapped and c.control == "unknown"),
        flights_of_steps=steps_of(maneuvers),
        hazards=[h for m in maneuvers for h in m.hazards],
    )
