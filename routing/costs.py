"""Edge and turn costs of a profile, computed for the whole graph at once.

``state_cost[s]`` is the cost of walking state ``s`` (a directed edge);
``trans_cost[t]`` the cost of transition ``t`` (a turn, a crossing at a
junction). Both are numpy arrays from one vectorised pass over the compiled
columns, cached per profile and options, so a request never rebuilds anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.sparse import csr_matrix

from routing.graph import CompiledGraph, code
from routing.profiles import Profile
from routing.search import arc_weights, weight_matrix


@dataclass
class Costs:
    """Cost arrays of one profile on one graph, and the search matrix built from them."""

    state: np.ndarray
    trans: np.ndarray
    matrix: csr_matrix


def compute_costs(graph: CompiledGraph, profile: Profile) -> Costs:
    """Cost of every state and transition for ``profile`` (seconds-equivalent; inf = forbidden)."""
    p = profile.params
    edge = graph.state_edge
    length = graph.edge_len[edge].astype(np.float64)
    state = length / float(p["walking_speed"])
    if p["avoid_steps"]:
        state = np.where(graph.edge_kind[edge] == code("way_kind", "steps"), np.inf, state)
    trans = np.zeros(graph.n_transitions, dtype=np.float64)
    weights = arc_weights(graph, state, trans)
    return Costs(state=state, trans=trans, matrix=weight_matrix(graph, weights))


class CostCache:
    """Per-graph LRU cache of :class:`Costs` keyed by the profile's values."""

    def __init__(self, graph: CompiledGraph, size: int = 32):
        self.graph = graph
        self.get = lru_cache(maxsize=size)(self._compute)

    def _compute(self, profile: Profile) -> Costs:
        """Costs of ``profile``, computed on first use (``get`` is the cached entry point)."""
        return compute_costs(self.graph, profile)
