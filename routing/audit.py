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
from routing.maneuvers import already_there
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


SIDE_RUN_MAX_TURN_DEG = 45.0  # runs along a street with sharper turns are not judged


def implied_crossings(graph: CompiledGraph, route: Route) -> tuple[int, int]:
    """(count, of which major) of street crossings a route makes that no maneuver shows.

    On centreline data the side of a street is unknown; a route that joins a
    street from a footway on one side and leaves it to a footway on the other
    side has crossed it somewhere, at an unknown place and of an unknown kind.
    Counted for runs along streets without a counted crossing and without
    sharp turns (a lower bound).
    """
    legs = route.legs
    road = graph.edge_road_class
    count = major = 0
    i = 1
    while i < len(legs):
        e = int(graph.state_edge[legs[i].state])
        if road[e] < 0 or road[graph.state_edge[legs[i - 1].state]] >= 0:
            i += 1
            continue
        j, clean = i, graph.trans_cross_control[legs[i].transition] == NO_CROSSING
        while j + 1 < len(legs) and road[graph.state_edge[legs[j + 1].state]] >= 0:
            j += 1
            t = legs[j].transition
            clean &= graph.trans_cross_control[t] == NO_CROSSING
            clean &= abs(float(graph.trans_angle[t])) < SIDE_RUN_MAX_TURN_DEG
        if j + 1 < len(legs) and clean and graph.trans_cross_control[legs[j + 1].transition] == NO_CROSSING:
            s_in, s_last, s_out = legs[i - 1].state, legs[j].state, legs[j + 1].state
            back = (float(graph.state_bearing_end[s_in]) + 180.0) % 360.0
            side_in = 0.0 < (back - float(graph.state_bearing_start[legs[i].state])) % 360.0 < 180.0
            side_out = 0.0 < (float(graph.state_bearing_start[s_out]) - float(graph.state_bearing_end[s_last])) % 360.0 < 180.0
            if side_in != side_out:
                count += 1
                major += bool(any(graph.edge_major[graph.state_edge[legs[k].state]] for k in range(i, j + 1)))
        i = j + 1
    return count, major


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
    * ``crossings_implied`` and ``major_road_crossings_implied``: streets
      crossed at an unknown place, seen only from the sides a route joins
      and leaves a street centreline (:func:`implied_crossings`);
    * ``side_dependent_crossings``: the streets the walker may cross besides
      ``crossings``, depending on the side of the street they walk on (the
      implied ones among them); the figure the summary speaks
      (:func:`side_dependent_crossings`);
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
    implied, implied_major = implied_crossings(graph, route)
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
        "crossings_implied": implied,
        "major_road_crossings_implied": implied_major,
        "side_dependent_crossings": side_dependent_crossings(graph, route, implied),
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


def side_dependent_crossings(graph: CompiledGraph, route: Route, implied: int | None = None) -> int:
    """Moves of the route that cross a street from one side of the street walked but not from the other.

    Plus the side switches of :func:`implied_crossings` (``implied``, when
    already counted). Said in the summary as a possibility, never as a
    certainty: on centreline maps the side is unknown.
    """
    uncertain = sum(1 for leg in route.legs
                    if leg.transition is not None and graph.trans_side_control[leg.transition] != NO_CROSSING)
    return uncertain + (implied_crossings(graph, route)[0] if implied is None else implied)


def summary_of(route: Route, maneuvers: list[Maneuver], graph: CompiledGraph | None = None) -> RouteSummary:
    """What ``voice`` says before the first step (with ``graph``: also the side-dependent crossings)."""
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
        # nothing mapped at a junction is not known to be unmarked: counted apart
        unmarked_crossings=sum(1 for c in crossings if c.mapped and c.control == "none"),
        unmapped_crossings=sum(1 for c in crossings if not c.mapped),
        unknown_crossings=sum(1 for c in crossings if c.mapped and c.control == "unknown"),
        marked_crossings=sum(1 for c in crossings if c.mapped and c.control == "marked"),
        uncontrolled_crossings=sum(1 for c in crossings if c.mapped and c.control == "uncontrolled"),
        flights_of_steps=steps_of(maneuvers),
        hazards=[h for m in maneuvers for h in m.hazards],
        side_dependent_crossings=side_dependent_crossings(graph, route) if graph is not None else 0,
        already_there=already_there(route),
    )
