"""Shortest paths over the edge-expanded graph, in compiled code.

The search runs on states (directed edges) linked by transitions, with the arc
weight ``transition cost + cost of the state entered``, stored as a CSR matrix
per profile (:func:`weight_matrix`). :func:`routing.astar.astar` (numba) does
the work: A* with the potential ``h(s) = k * |to(s) - destination|``, where
``k`` is a lower bound of the cost per straight-line metre in a local plane
(:func:`cost_per_m_bound`), so the potential is consistent and the first end
settled is the cheapest. Several start states (a point inside an edge can be
left in both directions, a point at a node along every way) are pushed at
once, each with the cost of reaching it; end states carry the cost to add
(the part of the state not walked).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from routing.graph import CompiledGraph

MIN_WEIGHT = 1e-6  # every arc costs something: scipy drops stored zeros, A* wants positive arcs
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
    settled: int = 0  # states the search settled: its work


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

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        """A point's plane coordinates (m)."""
        return float(lon) * self.kx, float(lat) * EARTH_M_PER_DEG


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
    plane: Plane | None = None,
    cost_per_m: float = 0.0,
    destination: tuple[float, float] = (0.0, 0.0),
) -> PathResult | None:
    """Cheapest path from any start to any end over ``matrix``, or None if none exists.

    With a ``plane`` and ``cost_per_m`` > 0 the search is A* towards
    ``destination`` (lat, lon); ``cost_per_m`` must not exceed the cost per
    plane metre of any state (see :func:`cost_per_m_bound`), or a cheaper
    path could be missed. Without them it is Dijkstra.
    """
    from routing.astar import astar  # numba compiles (or loads) the kernel on first use

    starts, ends = _dedupe(starts), _dedupe(ends)
    if not starts or not ends:
        return None
    if plane is None or not cost_per_m > 0:
        to_x = to_y = np.zeros(matrix.shape[0])
        dest_x = dest_y = cost_per_m = 0.0
    else:
        to_x, to_y = plane.to_x, plane.to_y
        dest_x, dest_y = plane.project(*destination)
    cost, j, path, settled = astar(
        matrix.indptr, matrix.indices, matrix.data, to_x, to_y, float(cost_per_m), dest_x, dest_y,
        np.array([p.state for p in starts], dtype=np.int64), np.array([p.cost for p in starts], dtype=np.float64),
        np.array([p.state for p in ends], dtype=np.int64), np.array([p.cost for p in ends], dtype=np.float64))
    if j < 0:
        return None
    states = path.tolist()
    start = next(p for p in starts if p.state == states[0])
    return PathResult(states=states, cost=float(cost), start=start, end=ends[j], settled=int(settled))


def search_towards(costs, plane: Plane, starts: list[Endpoint], ends: list[Endpoint],
                   destination: tuple[float, float]) -> PathResult | None:
    """A* search from ``starts`` to ``ends`` on ``costs`` (a :class:`routing.costs.Costs`).

    The potential is ``costs.cost_per_m`` times the plane distance to
    ``destination`` (lat, lon).
    """
    return shortest_path(costs.matrix, starts, ends, plane, float(costs.cost_per_m or 0.0), destination)


def warm_up() -> None:
    """Compile (or load from numba's disk cache) the search kernel now rather than in the first request.

    A server calls this before forking its workers, so they inherit the
    compiled code.
    """
    matrix = csr_matrix((np.array([1.0]), np.array([1], dtype=np.int32), np.array([0, 1, 1], dtype=np.int32)),
                        shape=(2, 2))
    shortest_path(matrix, [Endpoint(0, 0.0)], [Endpoint(1, 0.0)])
