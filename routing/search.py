"""Shortest paths over the edge-expanded graph, in compiled code.

The search runs on states (directed edges) linked by transitions, with the arc
weight ``transition cost + cost of the state entered``. scipy's Dijkstra (C)
does the work. It has neither an early exit at a target nor A*, so two tricks
keep the work proportional to the area a route spans rather than to the city:

* **A* by reweighting.** With a potential ``h(s) = k * |to(s) - destination|``
  (``k`` a lower bound of the cost per straight-line metre, distances in a
  local plane) every arc weight ``w + h(to) - h(from)`` is non-negative and a
  plain Dijkstra on the reweighted graph settles states in A* order.
* **A bounded search**, widened until the target is settled: ``limit`` stops
  Dijkstra at the bound; if no end was reached within it, the bound doubles.

Several start states (a point inside an edge can be left in both directions,
a point at a node along every way) hang off one virtual source row appended
to the matrix, so one single-source run serves them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.graph import CompiledGraph

MIN_WEIGHT = 1e-6  # csgraph ignores stored zeros: keep every arc weight positive
GROWTH = 2.0  # the bound doubles when no end was reached within it
MAX_FINITE_LIMIT = 1e7  # beyond this the search runs unbounded once
INITIAL_RATIO = 1.5  # first bound: route cost / lower bound at the start, until a profile has learnt its own
RATIO_QUANTILE = 90  # ... the 90th percentile of its recent routes: 1 in 10 needs a second round (measured)
INITIAL_SLACK_S = 60.0
EARTH_M_PER_DEG = 111_195.08  # metres per degree of latitude (mean Earth radius, as routing.geo)


@dataclass(frozen=True)
class Endpoint:
    """A state the path may start (or end) in, with the cost to add there."""

    state: int
    cost: float


@dataclass
class PathResult:
    """States from start to end and the total cost including endpoint costs."""

    states: list[int]
    cost: float
    start: Endpoint
    end: Endpoint
    rounds: int = 1  # how many bounded searches it took
    settled: int = 0  # states reached in the last round


def arc_weights(graph: CompiledGraph, state_cost: np.ndarray, trans_cost: np.ndarray) -> np.ndarray:
    """Weight of every transition: its own cost plus the cost of the state it enters (inf = no arc)."""
    w = trans_cost + state_cost[graph.trans_to]
    return np.maximum(w, MIN_WEIGHT)


def weight_matrix(graph: CompiledGraph, weights: np.ndarray) -> csr_matrix:
    """CSR matrix over states for :func:`shortest_path`, without the forbidden (inf) arcs.

    Transitions are stored sorted by source, so dropping arcs keeps the order
    and the row pointer is a cumulative count.
    """
    n = graph.n_states
    keep = np.isfinite(weights)
    if keep.all():
        return csr_matrix((weights, graph.trans_to, graph.trans_indptr), shape=(n, n))
    counts = np.bincount(graph.trans_from[keep], minlength=n)
    indptr = np.concatenate(([0], np.cumsum(counts))).astype(graph.trans_indptr.dtype)
    return csr_matrix((weights[keep], graph.trans_to[keep], indptr), shape=(n, n))


def arc_sources(matrix: csr_matrix) -> np.ndarray:
    """Source state of every stored arc of ``matrix``."""
    n = matrix.shape[0]
    return np.repeat(np.arange(n, dtype=np.int32), np.diff(matrix.indptr))


class Plane:
    """State end points in a local metric plane (equirectangular around the graph's centre).

    Distances here are Euclidean, so the triangle inequality holds exactly and
    the A* potential is consistent whenever every state costs at least ``k``
    times its straight length in this plane (see :func:`cost_per_m_bound`).
    """

    def __init__(self, graph: CompiledGraph):
        lat0 = float(np.mean(graph.node_lat)) if graph.n_nodes else 0.0
        self.lat0 = lat0
        self.kx = EARTH_M_PER_DEG * np.cos(np.radians(lat0))
        self.node_x = (graph.node_lon - 0.0) * self.kx
        self.node_y = graph.node_lat * EARTH_M_PER_DEG
        self.to_x = self.node_x[graph.state_to]
        self.to_y = self.node_y[graph.state_to]
        fx, fy = self.node_x[graph.state_from], self.node_y[graph.state_from]
        self.state_chord = np.hypot(self.to_x - fx, self.to_y - fy)

    def distance_to(self, lat: float, lon: float) -> np.ndarray:
        """Plane distance (m) from every state's end node to a point."""
        dx = self.to_x - lon * self.kx  # in place: np.hypot is several times slower
        dy = self.to_y - lat * EARTH_M_PER_DEG
        dx *= dx
        dy *= dy
        dx += dy
        return np.sqrt(dx, out=dx)


def cost_per_m_bound(plane: Plane, state_cost: np.ndarray) -> float:
    """Largest ``k`` with ``state_cost >= k * straight length`` for every usable state (0 if none)."""
    chord = plane.state_chord
    ok = np.isfinite(state_cost) & (chord > 0)
    if not ok.any():
        return 0.0
    return float(np.min(state_cost[ok] / chord[ok])) * (1.0 - 1e-6)


def _dedupe(points: list[Endpoint]) -> list[Endpoint]:
    """One endpoint per state, the cheapest."""
    best: dict[int, Endpoint] = {}
    for p in points:
        if np.isfinite(p.cost) and (p.state not in best or p.cost < best[p.state].cost):
            best[p.state] = p
    return list(best.values())


def shortest_path(
    matrix: csr_matrix,
    starts: list[Endpoint],
    ends: list[Endpoint],
    initial_limit: float,
    potential: np.ndarray | None = None,
    arc_from: np.ndarray | None = None,
    max_limit: float = np.inf,
) -> PathResult | None:
    """Cheapest path from any start to any end, or None if none exists.

    ``initial_limit`` is a plausible cost of the route (seconds-equivalent);
    the bound doubles until an end is settled, so a low guess costs a little
    and a high one explores more than needed. ``potential`` (one value per
    state, a consistent lower bound of the cost from the state's end to the
    destination) turns the search into A*; ``arc_from`` (the source state of
    every arc of ``matrix``, see :func:`arc_sources`) saves recomputing it.
    ``max_limit``, a known upper bound of the route's cost (the cost of some
    path, plus the largest remainder of an end state), caps the widening:
    the search then never needs more than two rounds.
    """
    starts, ends = _dedupe(starts), _dedupe(ends)
    if not starts or not ends:
        return None
    n = matrix.shape[0]
    s_states = np.array([s.state for s in starts], dtype=np.int64)
    s_costs = np.array([s.cost for s in starts], dtype=np.float64)
    e_states = np.array([e.state for e in ends], dtype=np.int64)
    e_costs = np.array([e.cost for e in ends], dtype=np.float64)
    if potential is None:
        h = None
        data = matrix.data
        h_start = np.zeros(len(starts))
        h_end = np.zeros(len(ends))
    else:
        h = potential
        if arc_from is None:
            arc_from = arc_sources(matrix)
        data = h[matrix.indices]  # w + h(to) - h(from), in place
        data += matrix.data
        data -= h[arc_from]
        np.maximum(data, MIN_WEIGHT, out=data)
        h_start = h[s_states]
        h_end = h[e_states]
    # the virtual source: row n, one arc to each start state
    start_w = np.maximum(s_costs + h_start, MIN_WEIGHT)
    aug = csr_matrix(
        (np.concatenate((data, start_w)),
         np.concatenate((matrix.indices, s_states.astype(matrix.indices.dtype))),
         np.concatenate((matrix.indptr, [matrix.indptr[-1] + len(starts)]))),
        shape=(n + 1, n + 1),
    )
    h_end_max = float(h_end.max())
    min_end = float(e_costs.min())
    # Reweighted, a state's distance is its true cost plus its potential (A*'s f = g + h):
    # an end is settled within the bound once its true cost is below the estimate.
    cap = float(max_limit) + h_end_max
    limit = min(max(float(initial_limit), 1.0) + h_end_max, cap)
    rounds = 0
    while True:
        rounds += 1
        bounded = np.isfinite(limit)
        dist, pred = dijkstra(aug, directed=True, indices=n, return_predecessors=True,
                              limit=limit if bounded else np.inf)
        total = dist[e_states] - h_end + e_costs
        # Start and end in one state: valid only if the end lies ahead of the start (start cost
        # + end cost is then the cost between them); otherwise it would walk backwards.
        total[(pred[e_states] == n) & (total < -1e-9)] = np.inf
        j = int(np.argmin(total))
        cost = float(total[j])
        # final only if no cheaper end can lie beyond the bound
        floor = limit - h_end_max + min_end
        if np.isfinite(cost) and (not bounded or cost <= floor):
            states = [int(e_states[j])]
            while True:
                p = int(pred[states[-1]])
                if p == n:
                    break
                if p < 0:
                    return None
                states.append(p)
            states.reverse()
            first = states[0]
            start = next(s for s in starts if s.state == first)
            return PathResult(states=states, cost=cost, start=start, end=ends[j], rounds=rounds,
                              settled=int(np.isfinite(dist).sum()))
        if not bounded:
            return None
        if limit >= cap:
            limit = np.inf  # the cap was no upper bound after all (rounding): search everything once
        else:
            limit = min(limit * GROWTH if limit < MAX_FINITE_LIMIT else np.inf, cap)


def search_towards(costs, plane: Plane, starts: list[Endpoint], ends: list[Endpoint],
                   destination: tuple[float, float], initial_limit: float | None = None,
                   upper_bound: float = np.inf, tight: bool = False) -> PathResult | None:
    """A* search from ``starts`` to ``ends`` on ``costs`` (a :class:`routing.costs.Costs`).

    The potential is ``costs.cost_per_m`` times the plane distance to
    ``destination`` (lat, lon). The first bound is ``initial_limit`` or, by
    default, the potential at the start times a ratio learnt from this
    profile's recent routes (``costs.ratios``: route cost / potential at the
    start, its 90th percentile), plus a minute: most routes need one round.
    ``upper_bound`` is the cost of some path between the points, when one is
    known: it caps the bound, so there are at most two rounds; if it is
    ``tight`` (believed close to the optimum) the search starts there: one round.
    """
    k = float(costs.cost_per_m or 0.0)
    h = k * plane.distance_to(*destination) if k > 0 else None
    h0 = float(min(h[s.state] for s in starts)) if (h is not None and starts) else 0.0
    ratios = getattr(costs, "ratios", None)
    if initial_limit is None:
        ratio = getattr(costs, "ratio_estimate", None) or INITIAL_RATIO
        initial_limit = ratio * h0 + INITIAL_SLACK_S
    max_limit = np.inf
    if np.isfinite(upper_bound) and ends:
        max_limit = upper_bound - min(e.cost for e in ends) + 1.0  # an end state is settled whole
        initial_limit = max_limit if tight else min(initial_limit, max_limit)
    result = shortest_path(costs.matrix, starts, ends, initial_limit, potential=h, arc_from=costs.arc_from,
                           max_limit=max_limit)
    if result is not None and ratios is not None and h0 > 100.0:
        ratios.append(result.cost / h0)  # a deque: the oldest falls out
        costs.learnt = getattr(costs, "learnt", 0) + 1
        if costs.learnt % 8 == 0:  # refreshed now and then: a percentile is not free
            try:
                costs.ratio_estimate = float(np.percentile(tuple(ratios), RATIO_QUANTILE))
            except RuntimeError:  # another thread appended meanwhile: refresh next time
                pass
    return result
