"""Edge and turn costs of a profile, computed for the whole graph at once.

``state_cost[s]`` is the cost of walking state ``s`` (a directed edge);
``trans_cost[t]`` the cost of transition ``t`` (a move at a node: a turn, a
crossing, entering a flight of steps). Both come from one vectorised pass over
the compiled columns (:func:`compute_costs`), cached per profile and options
(:class:`CostCache`), so a request never rebuilds anything. Costs are
seconds-equivalent; ``inf`` means forbidden. The parameters are documented in
:mod:`routing.profiles`.

Where each rule is charged:

* **per metre** (on states, scaled by length): walking time, way kind
  (roadway without sidewalk — including ``sidewalk=separate``, the roadway
  itself —, living street, open pedestrian area, shared or segregated
  foot/cycle path, street or service road whose sidewalk is unknown),
  surface (rough, unpaved, unknown), narrow and unlit ways;
* **points on states**: barriers and raised kerbs at the node a state leads
  to, steps (per step where counted; per flight: handrail, unknown count —
  :func:`steps_flight_costs`), a crossing way that touches no road
  (``edge_cross_standalone``: its road is unknown, danger 1);
* **points on transitions**: crossings of roads at a node (control, aids,
  danger — ``trans_cross_*``), turns of 25° or more, and a share of a
  crossing where a route joins or leaves a street centreline
  (:func:`road_join_costs`).

A crossing costs ``fixed(control) + per_danger(control) * danger [* island]``
plus the extras of its aids and unknowns; see :func:`crossing_costs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from threading import Lock
from typing import Protocol

import numpy as np
from scipy.sparse import csr_matrix

from routing import tags as T
from routing.graph import NO_CROSSING, VOCAB, CompiledGraph, code
from routing.profiles import Profile
from routing.search import Plane, arc_weights, cost_per_m_bound, weight_matrix

TURN_DEG = 25.0  # as routing.maneuvers.STRAIGHT_DEG: a smaller change of heading is not announced
STANDALONE_DANGER = 1.0  # a crossing way touching no road: the road is unknown, priced as residential


@dataclass
class Costs:
    """Cost arrays of one profile on one graph, and the search matrix built from them.

    ``cost_per_m`` is a lower bound of the cost per straight-line metre (for
    the A* potential), filled by :func:`finish`.
    """

    state: np.ndarray
    trans: np.ndarray
    matrix: csr_matrix
    cost_per_m: float | None = None


class Overlay(Protocol):
    """Changes to costs that are not part of a profile (obstacles mapped by staff).

    ``version`` identifies the overlay's content, so costs can be cached per
    (profile, version); ``apply`` returns new state costs and must not modify
    its input; ``hazard_cost_s`` is the profile's price of passing a hazard.
    An overlay may only raise costs (the search's lower bound assumes no state
    gets cheaper than walking it).
    """

    version: str

    def apply(self, graph: CompiledGraph, state_cost: np.ndarray, hazard_cost_s: float) -> np.ndarray: ...


# ---------------------------------------------------------------------------
# the rules
# ---------------------------------------------------------------------------

def _kind_mask(kinds: np.ndarray, *names: str) -> np.ndarray:
    return np.isin(kinds, [code("way_kind", n) for n in names])


def way_costs_per_m(graph: CompiledGraph, p: dict, edges: np.ndarray) -> np.ndarray:
    """Cost per metre (s/m) of the given edges: walking time plus way, surface, width and light penalties."""
    kind = graph.edge_kind[edges]
    per_m = np.full(len(edges), 1.0 / float(p["walking_speed"]))
    roadway = _kind_mask(kind, "street_without_sidewalk")
    per_m += p["roadway_per_m"] * roadway
    # sidewalk=separate: the sidewalk exists beside this roadway as its own way; walking the
    # roadway instead is a choice no blind walker should be sent into, the more so on a busy road
    separate = roadway & (graph.edge_sidewalk[edges] == code("sidewalk", "separate"))
    per_m += p["separate_sidewalk_roadway_per_m"] * separate * np.maximum(graph.edge_danger[edges], 1.0)
    per_m += p["living_street_per_m"] * _kind_mask(kind, "living_street")
    per_m += p["unknown_sidewalk_per_m"] * _kind_mask(kind, "street_sidewalk_unknown", "service")
    area = graph.edge_area[edges] | _kind_mask(kind, "pedestrian_area")
    per_m += p["open_area_per_m"] * area
    per_m += p["shared_path_per_m"] * _kind_mask(kind, "shared_path")
    per_m += p["segregated_path_per_m"] * _kind_mask(kind, "segregated_path")
    surface = graph.edge_surface[edges]
    per_m += p["rough_surface_per_m"] * (surface == code("surface", "paved_rough"))
    per_m += p["unpaved_per_m"] * (surface == code("surface", "unpaved"))
    per_m += p["unknown_surface_per_m"] * (surface == code("surface", "unknown"))
    width = graph.edge_width[edges]  # NaN where unknown: comparisons are False
    if p["narrow_width"] > 0:
        per_m += p["narrow_per_m"] * (width < p["narrow_width"])
    per_m += p["unlit_per_m"] * (graph.edge_lit[edges] == code("tristate", "no"))
    forbidden = np.zeros(len(edges), dtype=bool)
    if p["min_width"] > 0:
        forbidden |= width < p["min_width"]
    if p["max_incline"] < 100:
        forbidden |= graph.edge_incline_pct[edges] > p["max_incline"]
    if p["avoid_steps"]:
        forbidden |= _kind_mask(kind, "steps")
    per_m[forbidden] = np.inf
    return per_m


def _barrier_kinds(graph: CompiledGraph) -> tuple[np.ndarray, np.ndarray]:
    """(any barrier, barrier needing a step or turnstile) per node."""
    strings = graph.meta.get("strings", [])
    codes = graph.node_barrier
    has = codes >= 0
    blocking = np.zeros(len(codes), dtype=bool)
    step_like = np.array([s in T.BARRIERS_WHEELCHAIR_IMPASSABLE for s in strings], dtype=bool)
    if has.any() and len(step_like):
        blocking[has] = step_like[codes[has]]
    return has, blocking


def crossing_costs(p: dict, control: np.ndarray, mapped: np.ndarray, danger: np.ndarray, major: np.ndarray,
                   sound: np.ndarray, vibration: np.ndarray, tactile: np.ndarray, island: np.ndarray,
                   kerb: np.ndarray) -> np.ndarray:
    """Cost of crossings described by parallel arrays of codes (``NO_CROSSING``: none, cost 0).

    * signals: ``crossing_signals``; no danger term (the light protects);
      ``signals_without_aid`` when the sound is known absent and vibration not
      known present, ``unknown_signal_aids`` when the sound is unknown and
      vibration not known present;
    * zebra / marked / uncontrolled / unmarked (``none``) / unknown: their
      per-danger-unit parameter times the road danger, times ``island_factor``
      with a refuge island;
    * unknown kind (mapped ``unknown``, or a junction with nothing mapped):
      plus ``unknown_crossing``;
    * every crossing: tactile paving no/incorrect ``no_tactile_paving``,
      unknown ``unknown_tactile_paving``; kerb raised ``raised_kerb``,
      unknown ``unknown_kerb``;
    * ``forbid_unsignalised_major_crossings``: inf for a major road without signals.
    """
    is_x = control != NO_CROSSING
    cost = np.zeros(len(control), dtype=np.float64)
    if not is_x.any():
        return cost
    c = {name: VOCAB["control"].index(name) for name in VOCAB["control"]}
    per_danger = np.zeros(len(VOCAB["control"]))
    per_danger[c["zebra"]] = p["crossing_zebra"]
    per_danger[c["marked"]] = p["crossing_marked"]
    per_danger[c["uncontrolled"]] = p["crossing_uncontrolled"]
    per_danger[c["none"]] = p["crossing_unmarked"]
    per_danger[c["unknown"]] = p["crossing_unknown"]
    ctl = np.where(is_x, control, 0).astype(np.int64)
    signals = is_x & (control == c["signals"])
    yes, no, unk = code("tristate", "yes"), code("tristate", "no"), code("tristate", "unknown")
    island_f = np.where(island == yes, p["island_factor"], 1.0)
    cost += np.where(is_x & ~signals, per_danger[ctl] * danger * island_f, 0.0)
    cost += signals * p["crossing_signals"]
    vib_yes = vibration == yes
    cost += (signals & (sound == no) & ~vib_yes) * p["signals_without_aid"]
    cost += (signals & (sound == unk) & ~vib_yes) * p["unknown_signal_aids"]
    cost += (is_x & ~signals & major) * p["unsignalised_major_crossing"]
    unknown_kind = is_x & ((control == c["unknown"]) | ~mapped)
    cost += unknown_kind * p["unknown_crossing"]
    cost += (is_x & np.isin(tactile, [code("tactile", "no"), code("tactile", "incorrect")])) * p["no_tactile_paving"]
    cost += (is_x & (tactile == code("tactile", "unknown"))) * p["unknown_tactile_paving"]
    cost += (is_x & (kerb == code("kerb", "raised"))) * p["raised_kerb"]
    cost += (is_x & (kerb == code("kerb", "unknown"))) * p["unknown_kerb"]
    if p["forbid_unsignalised_major_crossings"]:
        cost[is_x & major & ~signals] = np.inf
    return cost


def state_costs(graph: CompiledGraph, p: dict) -> np.ndarray:
    """Cost of every state: length times cost per metre, plus the point costs on it."""
    edge = graph.state_edge
    per_m_edge = way_costs_per_m(graph, p, np.arange(graph.n_edges))
    cost = graph.edge_len[edge].astype(np.float64) * per_m_edge[edge]
    # barriers and kerbs at the node the state leads to
    has_barrier, step_barrier = _barrier_kinds(graph)
    to = graph.state_to
    cost += has_barrier[to] * p["barrier"]
    if p["avoid_steps"]:
        cost[step_barrier[to] | step_barrier[graph.state_from]] = np.inf
    cost += (graph.node_kerb[to] == code("kerb", "raised")) * p["raised_kerb"]
    # steps of a flight whose count is known (per flight costs are on the transition into it)
    steps = graph.edge_step_count[edge].astype(np.float64)
    cost += np.where(steps > 0, steps, 0.0) * p["step_cost"]
    cost += steps_flight_costs(graph, p)
    # a crossing way that touches no road carries its crossing itself
    standalone = graph.edge_cross_standalone[edge]
    if standalone.any():
        e = edge[standalone]
        n = len(e)
        cost[standalone] += crossing_costs(
            p, graph.edge_cross_control[e], np.ones(n, bool), np.full(n, STANDALONE_DANGER),
            np.zeros(n, bool), graph.edge_cross_sound[e], graph.edge_cross_vibration[e],
            graph.edge_cross_tactile_paving[e], graph.edge_cross_island[e], graph.edge_cross_kerb[e])
    return cost


def steps_flight_costs(graph: CompiledGraph, p: dict) -> np.ndarray:
    """Per-flight costs on the steps states that begin a flight (handrail, unknown count).

    Charged on the state, not on the move into it, so a route that starts at
    the foot of the steps pays them too. A flight split into several edges
    is one flight: a steps state that leaves a node where only two steps
    edges meet continues the flight and pays no flight costs again.
    """
    kind = graph.edge_kind
    is_steps = kind == code("way_kind", "steps")
    edge = graph.state_edge
    cost = np.zeros(graph.n_states, dtype=np.float64)
    on_steps = is_steps[edge]
    if not on_steps.any():
        return cost
    walk = graph.edge_walkable
    n = graph.n_nodes
    degree = np.bincount(graph.edge_u[walk], minlength=n) + np.bincount(graph.edge_v[walk], minlength=n)
    sw = walk & is_steps
    steps_degree = np.bincount(graph.edge_u[sw], minlength=n) + np.bincount(graph.edge_v[sw], minlength=n)
    start = graph.state_from
    first = on_steps & ~((degree[start] == 2) & (steps_degree[start] == 2))
    rail = graph.edge_handrail[edge]
    count = graph.edge_step_count[edge]
    cost += first * p["steps_flight"]
    cost += (first & (count < 0)) * p["steps_count_unknown"]
    cost += (first & (rail == code("handrail", "none"))) * p["steps_no_handrail"]
    cost += (first & (rail == code("handrail", "unknown"))) * p["steps_handrail_unknown"]
    return cost


def road_join_costs(graph: CompiledGraph, p: dict) -> np.ndarray:
    """Share of a crossing charged where a route joins or leaves a street centreline from another way.

    :mod:`routing.compile` lets a walker choose their side of a centreline
    street at every move, so a route could join a street from a footway on
    one side and leave it to a footway on the other without any counted
    crossing. Charging ``road_join_share`` (0.5) of a crossing of that street
    at the node on joining and again on leaving makes such a switch cost one
    crossing (and a same-side visit one as well: the side is unknown, the
    price of not knowing is explicit). The crossing is the node's own mapped
    crossing, else signals at the node, else an unmapped one.
    """
    share = float(p["road_join_share"])
    cost = np.zeros(graph.n_transitions, dtype=np.float64)
    if share <= 0:
        return cost
    road = graph.edge_road_class[graph.state_edge] >= 0
    e_from, e_to = graph.state_edge[graph.trans_from], graph.state_edge[graph.trans_to]
    join = ~road[graph.trans_from] & road[graph.trans_to]
    leave = road[graph.trans_from] & ~road[graph.trans_to]
    moves = np.flatnonzero(join | leave)
    if not len(moves):
        return cost
    road_edge = np.where(join[moves], e_to[moves], e_from[moves])
    node = graph.trans_node[moves]
    own = graph.node_cross_control[node]
    mapped = (own != NO_CROSSING) | graph.node_signals[node]
    control = np.where(own != NO_CROSSING, own,
                       np.where(graph.node_signals[node], code("control", "signals"), code("control", "none")))
    n = len(moves)
    p_share = dict(p, forbid_unsignalised_major_crossings=False)  # a share is no crossing to forbid
    cost[moves] = share * crossing_costs(
        p_share, control.astype(np.int8), mapped, graph.edge_danger[road_edge].astype(np.float64), np.zeros(n, bool),
        graph.node_cross_sound[node], graph.node_cross_vibration[node], graph.node_cross_tactile_paving[node],
        graph.node_cross_island[node], graph.node_cross_kerb[node])
    return cost


def transition_costs(graph: CompiledGraph, p: dict) -> np.ndarray:
    """Cost of every transition: crossings, turns, joining or leaving a street."""
    cost_crossing = crossing_costs(
        p, graph.trans_cross_control, graph.trans_cross_mapped, graph.trans_cross_danger.astype(np.float64),
        graph.trans_cross_major, graph.trans_cross_sound, graph.trans_cross_vibration,
        graph.trans_cross_tactile_paving, graph.trans_cross_island, graph.trans_cross_kerb)
    cost = cost_crossing.copy()
    cost += (np.abs(graph.trans_angle) >= TURN_DEG) * p["turn_cost"]
    cost += road_join_costs(graph, p)
    cost += unknown_side_costs(graph, p, cost_certain=cost_crossing)
    return cost


def unknown_side_costs(graph: CompiledGraph, p: dict, cost_certain: np.ndarray) -> np.ndarray:
    """``unknown_side_share`` of the extra crossing cost when arriving on the worse side of a street.

    On a street centreline the walker's side is not known, so the certain
    crossings of a move from one street into another are those of the better
    side (a right turn crosses nothing from the right-hand side). From the
    other side the move crosses more (``trans_side_*``, see routing.compile);
    charging a share of that difference keeps a zig-zag through a grid of
    streets from looking free of crossings.
    """
    share = float(p["unknown_side_share"])
    cost = np.zeros(graph.n_transitions, dtype=np.float64)
    moves = np.flatnonzero(graph.trans_side_control != NO_CROSSING)
    if share <= 0 or not len(moves):
        return cost
    p_share = dict(p, forbid_unsignalised_major_crossings=False)  # an unknown side is no crossing to forbid
    worse = crossing_costs(
        p_share, graph.trans_side_control[moves], graph.trans_side_mapped[moves],
        graph.trans_side_danger[moves].astype(np.float64), graph.trans_side_major[moves],
        graph.trans_side_sound[moves], graph.trans_side_vibration[moves], graph.trans_side_tactile_paving[moves],
        graph.trans_side_island[moves], graph.trans_side_kerb[moves])
    certain = np.where(np.isfinite(cost_certain[moves]), cost_certain[moves], 0.0)
    cost[moves] = share * np.maximum(worse - certain, 0.0)
    return cost


def compute_costs(graph: CompiledGraph, profile: Profile, plane: Plane | None = None) -> Costs:
    """Cost of every state and transition for ``profile`` (seconds-equivalent; inf = forbidden)."""
    p = profile.params
    state = state_costs(graph, p)
    trans = transition_costs(graph, p)
    return finish(graph, state, trans, plane)


def finish(graph: CompiledGraph, state: np.ndarray, trans: np.ndarray, plane: Plane | None = None) -> Costs:
    """:class:`Costs` with the search matrix and the A* bound built from cost arrays."""
    matrix = weight_matrix(graph, arc_weights(graph, state, trans))
    plane = plane or Plane(graph)
    return Costs(state=state, trans=trans, matrix=matrix, cost_per_m=cost_per_m_bound(plane, state))


def with_overlay(graph: CompiledGraph, costs: Costs, overlay: Overlay, hazard_cost_s: float,
                 plane: Plane | None = None) -> Costs:
    """``costs`` with an overlay's changes to state costs applied, hazards at ``hazard_cost_s``."""
    return finish(graph, overlay.apply(graph, costs.state, hazard_cost_s), costs.trans, plane)


def penalised(graph: CompiledGraph, costs: Costs, states: np.ndarray, factor: float,
              plane: Plane | None = None) -> Costs:
    """``costs`` with the given states ``factor`` times dearer (to find alternative routes)."""
    state = costs.state.copy()
    states = states[states >= 0]
    state[states] *= factor
    return finish(graph, state, costs.trans, plane)


def route_cost(graph: CompiledGraph, costs: Costs, legs) -> float:
    """Cost of a route's legs (:class:`routing.route.Leg`) under ``costs``: parts of states and the moves between."""
    if not legs:
        return 0.0
    states = np.fromiter((leg.state for leg in legs), dtype=np.int64, count=len(legs))
    walked = np.fromiter((leg.length_m for leg in legs), dtype=np.float64, count=len(legs))
    moves = [leg.transition for leg in legs if leg.transition is not None]
    length = graph.edge_len[graph.state_edge[states]].astype(np.float64)
    share = np.divide(walked, length, out=np.zeros_like(walked), where=length > 0)
    parts = np.where(share > 0, costs.state[states] * share, 0.0)  # an untouched inf state costs nothing
    return float(parts.sum() + costs.trans[moves].sum())


class CostCache:
    """Per-graph LRU cache of :class:`Costs` keyed by the profile's values and the overlay version.

    Also holds the graph's :class:`routing.search.Plane` (state end points in
    metres) used for the A* potential. Thread-safe.
    """

    def __init__(self, graph: CompiledGraph, size: int = 32):
        self.graph = graph
        self.plane = Plane(graph)
        self._profile_costs = lru_cache(maxsize=size)(self._compute)
        self._overlaid: dict[tuple, Costs] = {}
        self._size = size
        self._lock = Lock()

    def _compute(self, profile: Profile) -> Costs:
        return compute_costs(self.graph, profile, self.plane)

    def get(self, profile: Profile, overlay: Overlay | None = None) -> Costs:
        """Costs of ``profile`` (with ``overlay`` applied), computed on first use."""
        costs = self._profile_costs(profile)
        if overlay is None:
            return costs
        key = (profile.key, overlay.version)
        hit = self._overlaid.get(key)
        if hit is None:
            hit = with_overlay(self.graph, costs, overlay, float(profile["obstacle_hazard"]), self.plane)
            with self._lock:
                if len(self._overlaid) >= self._size:
                    self._overlaid.pop(next(iter(self._overlaid)))
                self._overlaid[key] = hit
        return hit
