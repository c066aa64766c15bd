"""Plan routes on a compiled graph: snap, search, assemble.

:class:`Router` owns what a server keeps per graph — the snapping index and
the per-profile cost cache — and is safe to share between threads: nothing in
it changes after construction except the cache.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from routing.costs import CostCache, Costs
from routing.geo import haversine_m
from routing.graph import CompiledGraph
from routing.profiles import Profile, resolve
from routing.route import Leg, Route, assemble_geometry
from routing.search import Endpoint, PathResult, shortest_path
from routing.snap import DEFAULT_MAX_SNAP_M, Snap, Snapper


class NoRouteError(Exception):
    """Both points are on the network, but nothing connects them for this profile."""


@dataclass
class _Placed:
    snap: Snap
    starts: list[Endpoint]  # leaving the point in each walkable direction
    ends: list[Endpoint]  # arriving at the point from each direction


class Router:
    """Routes on one compiled graph."""

    def __init__(self, graph: CompiledGraph, max_snap_m: float = DEFAULT_MAX_SNAP_M):
        self.graph = graph
        self.snapper = Snapper(graph)
        self.costs = CostCache(graph)
        self.max_snap_m = max_snap_m

    # ------------------------------------------------------------------
    def snap(self, lat: float, lon: float, costs: Costs) -> Snap:
        """Snap onto the nearest edge the profile can use in at least one direction."""
        g = self.graph

        def usable(edge: int) -> bool:
            states = g.edge_state[edge]
            return any(s >= 0 and np.isfinite(costs.state[s]) for s in states)

        return self.snapper.snap(lat, lon, self.max_snap_m, usable)

    def _place(self, snap: Snap, costs: Costs) -> _Placed:
        g = self.graph
        length = float(g.edge_len[snap.edge])
        starts, ends = [], []
        for direction, state in enumerate(g.edge_state[snap.edge]):
            if state < 0 or not np.isfinite(costs.state[state]):
                continue
            # metres already behind the point when walking this state from its start
            behind = snap.offset_m if direction == 0 else length - snap.offset_m
            c = float(costs.state[state])
            per_m = c / length if length > 0 else 0.0
            starts.append(Endpoint(int(state), per_m * (length - behind)))
            ends.append(Endpoint(int(state), -per_m * (length - behind)))
        return _Placed(snap, starts, ends)

    # ------------------------------------------------------------------
    def plan(
        self,
        origin: tuple[float, float],
        destination: tuple[float, float],
        profile: Profile | str | None = None,
    ) -> Route:
        """Cheapest route for ``profile`` between two (lat, lon) points.

        Raises :class:`routing.snap.SnapError` when a point is off the network
        and :class:`NoRouteError` when nothing connects the points.
        """
        if not isinstance(profile, Profile):
            profile = resolve(profile)
        costs = self.costs.get(profile)
        a = self._place(self.snap(*origin, costs), costs)
        b = self._place(self.snap(*destination, costs), costs)
        return self._route_between(a, b, costs, profile, origin, destination)

    def _route_between(self, a: _Placed, b: _Placed, costs: Costs, profile: Profile,
                       origin: tuple[float, float], destination: tuple[float, float]) -> Route:
        g = self.graph
        best: tuple[float, list[Leg]] | None = None
        direct = self._direct(a, b, costs)
        if direct is not None:
            best = direct
        bound = float(haversine_m(a.snap.lat, a.snap.lon, b.snap.lat, b.snap.lon)) / float(profile["walking_speed"])
        result = shortest_path(costs.matrix, a.starts, b.ends, initial_limit=2.0 * bound + 60.0)
        if result is not None and (best is None or result.cost < best[0]):
            best = (result.cost, self._legs(result, a.snap, b.snap))
        if best is None:
            raise NoRouteError("no walkable connection between the two points for this profile")
        legs = best[1]
        coords = assemble_geometry(g, legs)
        distance = float(sum(leg.length_m for leg in legs))
        return Route(
            legs=legs, profile=profile.name, cost=best[0], origin=origin, destination=destination,
            snapped_origin=(a.snap.lat, a.snap.lon), snapped_destination=(b.snap.lat, b.snap.lon),
            coords=coords, distance_m=distance, duration_s=distance / float(profile["walking_speed"]),
        )

    def _direct(self, a: _Placed, b: _Placed, costs: Costs) -> tuple[float, list[Leg]] | None:
        """Both points on the same edge: walk straight along it if the direction is allowed."""
        if a.snap.edge != b.snap.edge:
            return None
        g = self.graph
        length = float(g.edge_len[a.snap.edge])
        forward = b.snap.offset_m >= a.snap.offset_m
        state = int(g.edge_state[a.snap.edge][0 if forward else 1])
        if state < 0 or not np.isfinite(costs.state[state]):
            return None
        if forward:
            start, end = a.snap.offset_m, b.snap.offset_m
        else:
            start, end = length - a.snap.offset_m, length - b.snap.offset_m
        cost = float(costs.state[state]) * (end - start) / length if length > 0 else 0.0
        return cost, [Leg(state, start, end, None)]

    def _legs(self, result: PathResult, start: Snap, end: Snap) -> list[Leg]:
        g = self.graph
        legs: list[Leg] = []
        states = result.states
        for i, s in enumerate(states):
            length = float(g.edge_len[g.state_edge[s]])
            lo, hi = 0.0, length
            if i == 0:
                lo = start.offset_m if g.state_fwd[s] else length - start.offset_m
            if i == len(states) - 1:
                hi = end.offset_m if g.state_fwd[s] else length - end.offset_m
            transition = None if i == 0 else self._transition(states[i - 1], s)
            legs.append(Leg(int(s), lo, hi, transition))
        return legs

    def _transition(self, s_from: int, s_to: int) -> int:
        g = self.graph
        a, b = g.trans_indptr[s_from], g.trans_indptr[s_from + 1]
        hits = np.flatnonzero(g.trans_to[a:b] == s_to)
        return int(a + hits[0])
