"""Plan routes on a compiled graph: snap, search, assemble.

:class:`Router` owns what a server keeps per graph — the snapping index and
the per-profile cost cache — and is safe to share between threads: nothing in
it changes after construction except the cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from routing.costs import CostCache, Costs, Overlay, penalised, route_cost
from routing.graph import CompiledGraph
from routing.profiles import Profile, resolve
from routing.route import Leg, Route, assemble_geometry
from routing.search import Endpoint, PathResult, search_towards
from routing.snap import DEFAULT_MAX_SNAP_M, Snap, Snapper


NODE_TOLERANCE_M = 0.5  # a point this close to an edge's end is at its node
WALK = resolve("walk")  # the baseline of the detour factor: the shortest walk
ALT_MIN_DIFFERENCE = 0.3  # an alternative shares at most 70 % of its length with each other route
ALT_MAX_COST = 1.6  # ... and costs (by the asked profile) at most this times the best route
ALT_PENALTY = 1.6  # cost factor on the ways of routes found so far, to find another way


class NoRouteError(Exception):
    """Both points are on the network, but nothing connects them for this profile."""


@dataclass
class Alternative:
    """Another route between the same points: ``label`` says why it is offered.

    ``shortest``: the shortest walk (when the profile chose a longer, safer
    route); ``different``: another way, found by making the ways of the
    routes so far dearer, that shares at most 70 % of its length with them.
    """

    label: str
    route: Route


@dataclass
class _Placed:
    snap: Snap
    starts: list[Endpoint]  # leaving the point in each walkable direction
    ends: list[Endpoint]  # arriving at the point from each direction
    arrivals: dict[int, Snap] = field(default_factory=dict)  # end states of a target area, and where they end
    area: "_Area | None" = None  # the target area, if the destination is one


@dataclass(frozen=True)
class _Area:
    """A destination area (a square): its nodes, and its name ("" unnamed)."""

    nodes: np.ndarray
    name: str


class Router:
    """Routes on one compiled graph."""

    def __init__(self, graph: CompiledGraph, max_snap_m: float = DEFAULT_MAX_SNAP_M):
        self.graph = graph
        self.snapper = Snapper(graph)
        self.costs = CostCache(graph)
        self.max_snap_m = max_snap_m
        # states arriving at and leaving each node, for points that snap onto a node
        order = np.argsort(graph.state_to, kind="stable")
        self._arriving = order.astype(np.int32)
        self._arriving_ptr = np.searchsorted(graph.state_to[order], np.arange(graph.n_nodes + 1))
        order = np.argsort(graph.state_from, kind="stable")
        self._leaving = order.astype(np.int32)
        self._leaving_ptr = np.searchsorted(graph.state_from[order], np.arange(graph.n_nodes + 1))
        # transitions are sorted by (from, to): one key per transition finds them all at once
        self._trans_key = graph.trans_from.astype(np.int64) * graph.n_states + graph.trans_to

    # ------------------------------------------------------------------
    def snap(self, lat: float, lon: float, costs: Costs) -> Snap:
        """Snap onto the nearest edge the profile can use in at least one direction."""
        g = self.graph

        def usable(edge: int) -> bool:
            states = g.edge_state[edge]
            return any(s >= 0 and np.isfinite(costs.state[s]) for s in states)

        return self.snapper.snap(lat, lon, self.max_snap_m, usable)

    def _place(self, snap: Snap, costs: Costs, area: _Area | None = None) -> _Placed:
        """Start and end states at a snapped point; with an ``area`` also arriving at any of its nodes."""
        placed = self._place_point(snap, costs)
        if area is None or not len(area.nodes):
            return placed
        g = self.graph
        placed.area = area
        known = {e.state for e in placed.ends}
        for node in area.nodes.tolist():
            a, b = self._arriving_ptr[node], self._arriving_ptr[node + 1]
            for state in self._arriving[a:b].tolist():
                if state in known or not np.isfinite(costs.state[state]):
                    continue
                edge = int(g.state_edge[state])
                fwd = bool(g.state_fwd[state])
                length = float(g.edge_len[edge])
                placed.ends.append(Endpoint(state, 0.0))
                placed.arrivals[state] = Snap(
                    edge=edge, fraction=1.0 if fwd else 0.0, lat=float(g.node_lat[node]), lon=float(g.node_lon[node]),
                    distance_m=snap.distance_m, offset_m=length if fwd else 0.0)
        return placed

    def area_nodes(self, edges: Sequence[int]) -> np.ndarray:
        """Nodes of the walkable ones of ``edges`` (an area's outline, say)."""
        g = self.graph
        edges = np.asarray([e for e in edges if 0 <= e < g.n_edges and g.edge_walkable[e]], dtype=np.int64)
        return np.unique(np.concatenate((g.edge_u[edges], g.edge_v[edges]))).astype(np.int64)

    def _area(self, edges: Sequence[int]) -> _Area:
        g = self.graph
        names = [int(g.edge_name[e]) for e in edges if 0 <= e < g.n_edges and g.edge_name[e] >= 0]
        strings = g.meta.get("strings", [])
        name = strings[max(set(names), key=names.count)] if names and strings else ""
        return _Area(self.area_nodes(edges), name)

    def _place_point(self, snap: Snap, costs: Costs) -> _Placed:
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
        node = self._node_at(snap)
        if node is not None:
            # At a node the walker may leave along any way of it (starting on the whole state: no
            # turn or crossing is charged against a direction they never came from) and arrive
            # along any way (at the end of the state).
            a, b = self._leaving_ptr[node], self._leaving_ptr[node + 1]
            for state in self._leaving[a:b]:
                if np.isfinite(costs.state[state]):
                    starts.append(Endpoint(int(state), float(costs.state[state])))
            a, b = self._arriving_ptr[node], self._arriving_ptr[node + 1]
            for state in self._arriving[a:b]:
                if np.isfinite(costs.state[state]):
                    ends.append(Endpoint(int(state), 0.0))
        return _Placed(snap, starts, ends)

    def _node_at(self, snap: Snap) -> int | None:
        """The node a snapped point coincides with (within :data:`NODE_TOLERANCE_M`), if any."""
        length = float(self.graph.edge_len[snap.edge])
        if snap.offset_m <= NODE_TOLERANCE_M:
            return int(self.graph.edge_u[snap.edge])
        if snap.offset_m >= length - NODE_TOLERANCE_M:
            return int(self.graph.edge_v[snap.edge])
        return None

    # ------------------------------------------------------------------
    def plan(
        self,
        origin: tuple[float, float],
        destination: tuple[float, float],
        profile: Profile | str | None = None,
        overlay: Overlay | None = None,
        detour: bool = True,
        arrive_on: Sequence[int] | None = None,
    ) -> Route:
        """Cheapest route for ``profile`` between two (lat, lon) points.

        Raises :class:`routing.snap.SnapError` when a point is off the network
        and :class:`NoRouteError` when nothing connects the points. ``overlay``
        (obstacles) changes costs on top of the profile. With ``detour`` the
        shortest walk is planned too and ``route.audit`` gets
        ``walk_distance_m`` and ``detour_factor`` (see :meth:`plan_with_alternatives`).
        ``arrive_on`` are edges reaching any of which is arriving (a square:
        its outline), besides the destination point itself.
        """
        return self.plan_with_alternatives(origin, destination, profile, overlay, 0, detour, arrive_on)[0]

    def _route_between(self, a: _Placed, b: _Placed, costs: Costs, profile: Profile,
                       origin: tuple[float, float], destination: tuple[float, float],
                       geometry: bool = True) -> Route:
        g = self.graph
        best: tuple[float, list[Leg]] | None = None
        direct = self._direct(a, b, costs)
        if direct is not None:
            best = direct
        end = b.snap
        result = search_towards(costs, self.costs.plane, a.starts, b.ends, (b.snap.lat, b.snap.lon))
        if result is not None and (best is None or result.cost < best[0]):
            end = b.arrivals.get(result.end.state, b.snap)
            best = (result.cost, self._legs(result, a.snap, end))
        if best is None:
            raise NoRouteError("no walkable connection between the two points for this profile")
        legs = best[1]
        coords = assemble_geometry(g, legs) if geometry else np.empty((0, 2))
        distance = float(sum(leg.length_m for leg in legs))
        return Route(
            legs=legs, profile=profile.name, cost=best[0], origin=origin, destination=destination,
            snapped_origin=(a.snap.lat, a.snap.lon), snapped_destination=(end.lat, end.lon),
            coords=coords, distance_m=distance, duration_s=distance / float(profile["walking_speed"]),
            arrived_area=b.area.name if b.area is not None else None,
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
        """Legs of a search result; a first state off the snapped edge leaves the snapped node, whole."""
        g = self.graph
        states = np.asarray(result.states, dtype=np.int64)
        n = len(states)
        keys = states[:-1] * g.n_states + states[1:]
        into = np.searchsorted(self._trans_key, keys).tolist()  # into[i - 1]: the transition entering states[i]
        edges = g.state_edge[states]
        length = g.edge_len[edges].astype(np.float64)
        lo = np.zeros(n)
        hi = length.copy()
        if edges[0] == start.edge:
            lo[0] = start.offset_m if g.state_fwd[states[0]] else length[0] - start.offset_m
        if edges[-1] == end.edge:
            hi[-1] = end.offset_m if g.state_fwd[states[-1]] else length[-1] - end.offset_m
        legs: list[Leg] = []
        for i, (s, a, b) in enumerate(zip(states.tolist(), lo.tolist(), hi.tolist())):
            if b - a <= 1e-6 and (i == 0 or i == n - 1) and n > 1:
                continue  # zero-length touch of the snapped edge at a node
            legs.append(Leg(s, a, b, into[i - 1] if legs else None))
        return legs

    # ------------------------------------------------------------------
    def plan_with_alternatives(
        self,
        origin: tuple[float, float],
        destination: tuple[float, float],
        profile: Profile | str | None = None,
        overlay: Overlay | None = None,
        alternatives: int = 0,
        detour: bool = True,
        arrive_on: Sequence[int] | None = None,
    ) -> tuple[Route, list[Alternative]]:
        """The best route for ``profile`` and up to ``alternatives`` meaningfully different ones.

        Alternatives are, in order: the shortest walk if it differs enough from
        the best route, then penalty-based ones (see :class:`Alternative`),
        each costing at most :data:`ALT_MAX_COST` times the best by the asked
        profile. Every route's ``audit`` gets ``walk_distance_m`` and
        ``detour_factor`` (length / shortest walk) when ``detour`` is set.
        ``arrive_on``: see :meth:`plan`.
        """
        if not isinstance(profile, Profile):
            profile = resolve(profile)
        costs = self.costs.get(profile, overlay)
        a = self._place(self.snap(*origin, costs), costs)
        area = self._area(arrive_on) if arrive_on else None
        b = self._place(self.snap(*destination, costs), costs, area)
        best = self._route_between(a, b, costs, profile, origin, destination)
        walk: Route | None = best if profile.key == WALK.key else None
        if walk is None and (detour or alternatives > 0):
            # Between the same snapped points (every edge the profile may use, a walker may use);
            # no geometry unless it may be offered as an alternative.
            walk_costs = self.costs.get(WALK, overlay)
            try:
                walk = self._route_between(self._place(a.snap, walk_costs), self._place(b.snap, walk_costs, area),
                                           walk_costs, WALK, origin, destination, geometry=alternatives > 0)
            except NoRouteError:
                walk = None  # an overlay may leave the walker baseline no way: no factor
        found: list[Alternative] = []
        if alternatives > 0:
            found = self._alternatives(a, b, costs, profile, best, walk, alternatives, origin, destination)
        if detour:
            walk_m = walk.distance_m if walk is not None else None
            for route in [best] + [alt.route for alt in found]:
                route.audit["walk_distance_m"] = round(walk_m, 1) if walk_m is not None else None
                route.audit["detour_factor"] = (
                    None if walk_m is None else round(route.distance_m / walk_m, 3) if walk_m > 0 else 1.0)
        return best, found

    def _alternatives(self, a: _Placed, b: _Placed, costs: Costs, profile: Profile, best: Route,
                      walk: Route | None, count: int, origin: tuple[float, float],
                      destination: tuple[float, float]) -> list[Alternative]:
        g = self.graph
        found: list[Alternative] = []
        routes = [best]
        if walk is not None and walk is not best and _differs(g, walk, routes):
            walk.cost = route_cost(g, costs, walk.legs)
            walk.profile = profile.name  # offered to this walker: their speed, their costs
            walk.duration_s = walk.distance_m / float(profile["walking_speed"])
            found.append(Alternative("shortest", walk))
            routes.append(walk)
        factor = ALT_PENALTY
        for _ in range(count + 2):
            if len(found) >= count:
                break
            used = np.unique(np.concatenate([g.state_edge[[leg.state for leg in r.legs]] for r in routes]))
            dear = penalised(g, costs, g.edge_state[used].ravel(), factor, self.costs.plane)
            try:
                route = self._route_between(self._place(a.snap, dear), self._place(b.snap, dear, b.area), dear,
                                            profile, origin, destination)
            except NoRouteError:
                break
            route.cost = route_cost(g, costs, route.legs)
            if route.cost <= ALT_MAX_COST * max(best.cost, 1.0) and _differs(g, route, routes):
                found.append(Alternative("different", route))
                routes.append(route)
            else:
                factor *= ALT_PENALTY
        return found[:count]


def _edge_metres(graph: CompiledGraph, route: Route) -> dict[int, float]:
    out: dict[int, float] = {}
    for leg in route.legs:
        e = int(graph.state_edge[leg.state])
        out[e] = out.get(e, 0.0) + leg.length_m
    return out


def _differs(graph: CompiledGraph, route: Route, others: list[Route]) -> bool:
    """Whether ``route`` shares at most 70 % of its length, and of each other's, with each of ``others``."""
    mine = _edge_metres(graph, route)
    for other in others:
        theirs = _edge_metres(graph, other)
        shared = sum(min(m, theirs[e]) for e, m in mine.items() if e in theirs)
        longest_share = max(shared / max(route.distance_m, 1e-9), shared / max(other.distance_m, 1e-9))
        if longest_share > 1.0 - ALT_MIN_DIFFERENCE:
            return False
    return True
