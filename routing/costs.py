"""Edge and turn costs of a profile, computed for the whole graph at once.

``state_cost[s]`` is the cost of walking state ``s`` (a directed edge);
``trans_cost[t]`` the cost of transition ``t`` (a turn, a crossing at a
junction). Both are numpy arrays from one vectorised pass over the compiled
columns, cached per profile and options, so a request never rebuilds anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

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


class Overlay(Protocol):
    """Changes to costs that are not part of a profile (obstacles mapped by staff).

    ``version`` identifies the overlay's content, so costs can be cached per
    (profile, version); ``apply`` returns new state costs and must not modify
    its input.
    """

    version: str

    def apply(self, graph: CompiledGraph, state_cost: np.ndarray) -> np.ndarray: ...


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


def with_overlay(graph: CompiledGraph, costs: Costs, overlay: Overlay) -> Costs:
    """``costs`` with an overlay's changes to state costs applied."""
    state = overlay.apply(graph, costs.state)
    return Costs(state=state, trans=costs.trans, matrix=weight_matrix(graph, arc_weights(graph, state, costs.trans)))


class CostCache:
    """Per-graph LRU cache of :class:`Costs` keyed by the profile's values and the overlay version."""

    def __init__(self, graph: CompiledGraph, size: int = 32):
        self.graph = graph
        self._profile_costs = lru_cache(maxsize=size)(self._compute)
        self._overlaid: dict[tuple, Costs] = {}
        self._size = size

    def _compute(self, profile: Profile) -> Costs:
        return compute_costs(self.graph, profile)

    def get(self, profile: Profile, overlay: Overlay | None = None) -> Costs:
        """Costs of ``profile`` (with ``overlay`` applied), computed on first use."""
        costs = self._profile_costs(profile)
        if overlay is None:
            return costs
        key = (profile.key, overlay.version)
        hit = self._overlaid.get(key)
        if hit is None:
            if len(self._overlaid) >= self._size:
                self._overlaid.pop(next(iter(self._overlaid)))
            hit = self._overlaid[key] = with_overlay(self.graph, costs, overlay)
        return hit
