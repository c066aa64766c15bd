"""Shortest paths over the edge-expanded graph, in compiled code.

The search runs on states (directed edges) linked by transitions, with the arc
weight ``transition cost + cost of the state entered``. scipy's Dijkstra
(C, Fibonacci heap) does the work; it has no early exit at a target, so the
search is bounded with ``limit`` and the bound doubled until the target is
reached — the work stays proportional to the area the route spans rather than
to the whole city.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.graph import CompiledGraph

MIN_WEIGHT = 1e-6  # csgraph treats stored zeros as missing arcs in some paths; keep weights positive


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


def arc_weights(graph: CompiledGraph, state_cost: np.ndarray, trans_cost: np.ndarray) -> np.ndarray:
    """Weight of every transition: its own cost plus the cost of the state it enters."""
    w = trans_cost + state_cost[graph.trans_to]
    return np.maximum(w, MIN_WEIGHT)


def weight_matrix(graph: CompiledGraph, weights: np.ndarray) -> csr_matrix:
    """CSR matrix over states for :func:`shortest_path`; transitions are stored sorted by source."""
    n = graph.n_states
    return csr_matrix((weights, graph.trans_to, graph.trans_indptr), shape=(n, n))


def shortest_path(
    matrix: csr_matrix,
    starts: list[Endpoint],
    ends: list[Endpoint],
    initial_limit: float,
) -> PathResult | None:
    """Cheapest path from any start to any end, or None if none exists.

    ``initial_limit`` should be a plausible cost of the route; the bound grows
    geometrically until an end is reached, so a low guess costs little.
    """
    starts = [s for s in starts if np.isfinite(s.cost)]
    ends = [e for e in ends if np.isfinite(e.cost)]
    if not starts or not ends:
        return None
    sources = np.array([s.state for s in starts])
    targets = np.array([e.state for e in ends])
    limit = max(initial_limit, 1.0)
    while True:
        bounded = limit < np.inf
        dist, pred = dijkstra(matrix, directed=True, indices=sources, return_predecessors=True,
                              limit=limit if bounded else np.inf)
        total = dist[:, targets] + np.array([s.cost for s in starts])[:, None] + np.array([e.cost for e in ends])[None, :]
        total[sources[:, None] == targets[None, :]] = np.inf  # same state: the caller handles direct moves
        best = np.unravel_index(int(np.argmin(total)), total.shape)
        cost = float(total[best])
        # A found path is final only if no cheaper one could lie beyond the bound.
        floor = limit + min(s.cost for s in starts) + min(e.cost for e in ends)
        if np.isfinite(cost) and (not bounded or cost <= floor):
            i, j = best
            states = [int(targets[j])]
            while states[-1] != sources[i]:
                p = int(pred[i, states[-1]])
                if p < 0:
                    return None
                states.append(p)
            states.reverse()
            return PathResult(states=states, cost=cost, start=starts[i], end=ends[j])
        if not bounded:
            return None
        limit = limit * 4 if limit < 1e6 else np.inf
