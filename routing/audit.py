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


CONTROL_KEYS = ("signals", "zebra", "marked", "uncontrolled", "none", "unknown", "unmapped")
HANDRAIL_YES = ("left", "right", "both", "center", "yes")


def _control_key(c: Crossing) -> str:
    """``unmapped``: a junction where no crossing is mapped; ``none``: a mapped unmarked crossing."""
    return c.control if c.mapped else "unmapped"


def _tally(values, keys: tuple[str, ...]) -> dict[str, int]:
    counts = Counter(values)
    return {k: counts.get(k, 0) for k in keys}


def audit_route(graph: CompiledGraph, route: Route, maneuvers: list[Maneuver]) -> dict[str, Any]:
    """Counts describing ``route``; every key is always present (0 or None when nothing applies).

    * ``crossings``, ``crossings_by_control`` (signals, zebra, marked,
      uncontrolled, none = mapped unmarked, unknown = mapped of unknown kind,
      unmapped = a junction where nothing is mapped), ``crossings_by_aid``
      (sound and vibration of signalised crossings; tactile paving and island
      of all crossings: yes / no / unknown), ``crossings_unknown_kind``
      (unknown + unmapped), and flat counts of the aids;
    * ``major_road_crossings`` and ``major_road_crossings_without_signals``
      (primary/secondary/tertiary, > 50 km/h or 3+ lanes);
    * ``steps``: flights, total steps (where counted), flights with / without
      / unknown handrail, flights of unknown count;
    * ``turns`` (as announced, compound turns counted each), ``barriers``;
    * ``rough_surface_m`` (sett, cobblestone, unpaved), ``unknown_surface_m``,
      ``surface_m`` and ``way_kinds_m`` (metres by surface group and way kind);
    * ``hazards`` announced on the way;
    * ``walk_distance_m`` and ``detour_factor`` (length / shortest walk),
      filled by :meth:`routing.router.Router.plan` into ``route.audit``;
      None when not planned.
    """
    crossings = crossings_of(maneuvers)
    signals = [c for c in crossings if c.control == "signals"]
    by_aid = {
        "sound": _tally((c.sound for c in signals), ("yes", "no", "unknown")),
        "vibration": _tally((c.vibration for c in signals), ("yes", "no", "unknown")),
        "tactile_paving": _tally((c.tactile_paving for c in crossings), ("yes", "no", "incorrect", "unknown")),
        "island": _tally((c.island for c in crossings), ("yes", "no", "unknown")),
    }
    by_control = _tally((_control_key(c) for c in crossings), CONTROL_KEYS)
    signals_code = code("control", "signals")
    major = major_unsignalised = 0
    barriers: list[str] = []
    for leg in route.legs:
        t = leg.transition
        if t is None:
            continue
        if graph.trans_cross_control[t] != NO_CROSSING and graph.trans_cross_major[t]:
            major += 1
            if graph.trans_cross_control[t] != signals_code:
                major_unsignalised += 1
        b = int(graph.node_barrier[graph.trans_node[t]])
        if b >= 0:
            barriers.append(graph.string(b) or "unknown")
    flights = steps_of(maneuvers)
    surfaces: Counter = Counter()
    kinds: Counter = Counter()
    for leg in route.legs:
        e = int(graph.state_edge[leg.state])
        surfaces[decode("surface", graph.edge_surface[e])] += leg.length_m
        kinds[decode("way_kind", graph.edge_kind[e])] += leg.length_m
    turns = sum(1 + len(m.compound) for m in maneuvers if m.kind in ("turn", "uturn"))
    hazards = [h for m in maneuvers for h in m.hazards]
    return {
        "crossings": len(crossings),
        "crossings_by_control": by_control,
        "crossings_by_aid": by_aid,
        "crossings_unknown_kind": by_control["unknown"] + by_control["unmapped"],
        "crossings_with_sound": by_aid["sound"]["yes"],
        "crossings_sound_unknown": by_aid["sound"]["unknown"],
        "crossings_with_vibration": by_aid["vibration"]["yes"],
        "crossings_with_tactile_paving": by_aid["tactile_paving"]["yes"],
        "crossings_tactile_paving_unknown": by_aid["tactile_paving"]["unknown"],
        "crossings_with_island": by_aid["island"]["yes"],
        "major_road_crossings": major,
        "major_road_crossings_without_signals": major_unsignalised,
        "steps": {
            "flights": len(flights),
            "total_steps": sum(s.count or 0 for s in flights),
            "flights_count_unknown": sum(1 for s in flights if s.count is None),
            "with_handrail": sum(1 for s in flights if s.handrail in HANDRAIL_YES),
            "without_handrail": sum(1 for s in flights if s.handrail == "none"),
            "handrail_unknown": sum(1 for s in flights if s.handrail == "unknown"),
        },
        "turns": turns,
        "barriers": dict(Counter(barriers)),
        "rough_surface_m": round(surfaces["paved_rough"] + surfaces["unpaved"], 1),
        "unknown_surface_m": round(surfaces["unknown"], 1),
        "surface_m": {k: round(v, 1) for k, v in surfaces.items()},
        "way_kinds_m": {k: round(v, 1) for k, v in kinds.most_common()},
        "hazards": [{"kind": h.kind, "description": h.description} for h in hazards],
        "walk_distance_m": route.audit.get("walk_distance_m"),
        "detour_factor": route.audit.get("detour_factor"),
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
