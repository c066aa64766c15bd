"""Orientation without a route: "where am I?" and "what is around me?".

A blind walker who stops needs the street they are on, which side of it (only
when the map or the fix says so — a wrong side is worse than "unknown"), the
next junction ahead and the nearest stop; and, on request, the named places,
stops and crossings nearby with their clock-face direction.

:class:`Orientation` indexes one compiled graph once (node adjacency, a
KD-tree of places and crossings) and answers in a millisecond or so. It
returns plain dataclasses; words are the service's business.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from routing.geo import bearing_deg, clock_from_angle, haversine_m, turn_angle_deg
from routing.graph import NO_CROSSING, CompiledGraph, decode
from routing.snap import SnapError, Snapper

STOP_KINDS = ("bus_stop", "stop", "station", "tram_stop", "platform")
SIDE_MIN_OFFSET_M = 4.0  # a fix this far (and farther than its accuracy) from a centreline says the side
CENTRELINE_KINDS = ("street_with_sidewalk", "street_without_sidewalk", "street_sidewalk_unknown",
                    "living_street", "service", "road", "pedestrian_street")
JUNCTION_SEARCH_M = 600.0  # how far along the way a junction ahead is looked for
AT_JUNCTION_M = 3.0  # a junction this close is where the walker stands, not the next one ahead
STOP_SEARCH_M = 1000.0
SAME_PLACE_M = 30.0  # same name and kind this close: one place (the platforms of a stop)
SAME_CROSSING_M = 12.0  # same street and control this close: the two ends of one crossing
MAX_RADIUS_M = 300.0


@dataclass
class StreetHere:
    """The way the walker is on (or nearest to)."""

    name: str | None
    way_kind: str
    distance_m: float  # from the fix to the way
    side: str  # left / right of the way relative to the walker's heading, or unknown
    side_source: str | None  # "sidewalk" (OSM sidewalk tag), "offset" (the fix's offset), None
    bearing: float  # direction along the way (the walker's, when heading is given)
    edge: int


@dataclass
class Junction:
    """The next junction (or the end of the way) along the way."""

    lat: float
    lon: float
    distance_m: float  # along the way
    bearing: float  # from the walker
    clock: int | None  # relative to heading
    streets: list[str]  # names (or way kinds) of the other ways meeting there
    kind: str = "junction"  # junction, dead_end
    signals: bool = False


@dataclass
class Thing:
    """Something nearby: a place, a stop or a crossing."""

    kind: str  # place, stop, crossing
    name: str | None
    lat: float
    lon: float
    distance_m: float
    bearing: float  # from the walker, degrees from north
    clock: int | None  # relative to heading (None without heading)
    detail: dict = field(default_factory=dict)  # place kind; crossing control, sound, street


@dataclass
class WhereAmI:
    lat: float
    lon: float
    accuracy_m: float | None
    heading: float | None
    street: StreetHere | None
    junction: Junction | None  # the next one ahead (beyond one the walker stands at)
    stop: Thing | None
    at_junction: Junction | None = None  # the junction the walker stands at, if any


def _clock(bearing: float, heading: float | None) -> int | None:
    return None if heading is None else clock_from_angle(turn_angle_deg(heading, bearing))


class Orientation:
    """Where-am-I and around-me queries on one compiled graph."""

    def __init__(self, graph: CompiledGraph, snapper: Snapper | None = None):
        self.graph = graph
        self.snapper = snapper or Snapper(graph)
        self.frame = self.snapper.frame
        g = graph
        walk = np.flatnonzero(g.edge_walkable)
        ends = np.concatenate([g.edge_u[walk], g.edge_v[walk]])
        edges = np.concatenate([walk, walk])
        order = np.argsort(ends, kind="stable")
        self._node_edges = edges[order]
        self._node_ptr = np.searchsorted(ends[order], np.arange(g.n_nodes + 1))
        self._places = self._index_places()
        self._crossings = self._index_crossings()

    # -- indexes ---------------------------------------------------------------
    def _index_places(self) -> tuple[list[dict], cKDTree | None]:
        places = [p for p in self.graph.meta.get("places", []) if p.get("name")]
        kept: list[dict] = []
        by_name: dict[tuple[str, str], list[dict]] = {}
        for p in places:  # one entry for the platforms of a stop
            same = by_name.setdefault((p["name"], p["kind"]), [])
            if any(float(haversine_m(q["lat"], q["lon"], p["lat"], p["lon"])) < SAME_PLACE_M for q in same):
                continue
            same.append(p)
            kept.append(p)
        if not kept:
            return kept, None
        x, y = self.frame.to_xy(np.array([p["lat"] for p in kept]), np.array([p["lon"] for p in kept]))
        return kept, cKDTree(np.column_stack((x, y)))

    def _index_crossings(self) -> tuple[list[dict], cKDTree | None]:
        """Crossing nodes, standalone crossing ways, and junctions whose mapped crossings the transitions know."""
        g = self.graph
        found: list[dict] = []
        for node in np.flatnonzero(g.node_cross_control != NO_CROSSING):
            found.append(self._crossing(float(g.node_lat[node]), float(g.node_lon[node]), "node_cross_", int(node),
                                        self._road_name(int(node))))
        for edge in np.flatnonzero(g.edge_cross_standalone & (g.edge_cross_control != NO_CROSSING)):
            c = g.edge_coords(int(edge))
            lat, lon = c[len(c) // 2]
            found.append(self._crossing(float(lat), float(lon), "edge_cross_", int(edge), None))
        mapped = np.flatnonzero((g.trans_cross_control != NO_CROSSING) & g.trans_cross_mapped.astype(bool))
        seen: set[tuple[int, int]] = set()
        for t in mapped:
            node = int(g.trans_node[t])
            if g.node_cross_control[node] != NO_CROSSING:
                continue
            key = (node, int(g.trans_cross_name[t]))
            if key in seen:
                continue
            seen.add(key)
            found.append(self._crossing(float(g.node_lat[node]), float(g.node_lon[node]), "trans_cross_", int(t),
                                        g.string(int(g.trans_cross_name[t]))))
        kept: list[dict] = []
        for c in found:
            if any(k["control"] == c["control"] and k["street"] == c["street"]
                   and float(haversine_m(k["lat"], k["lon"], c["lat"], c["lon"])) < SAME_CROSSING_M for k in kept):
                continue
            kept.append(c)
        if not kept:
            return kept, None
        x, y = self.frame.to_xy(np.array([c["lat"] for c in kept]), np.array([c["lon"] for c in kept]))
        return kept, cKDTree(np.column_stack((x, y)))

    def _crossing(self, lat: float, lon: float, cols: str, idx: int, street: str | None) -> dict:
        a = self.graph.arrays
        return {
            "lat": lat, "lon": lon, "street": street,
            "control": decode("control", a[cols + "control"][idx]),
            "sound": decode("tristate", a[cols + "sound"][idx]),
            "vibration": decode("tristate", a[cols + "vibration"][idx]),
            "tactile_paving": decode("tactile", a[cols + "tactile_paving"][idx]),
            "island": decode("tristate", a[cols + "island"][idx]),
        }

    def _road_name(self, node: int) -> str | None:
        """Name of a road through a crossing node (the street crossed there)."""
        g = self.graph
        for e in self.edges_at(node):
            if g.edge_road_class[e] >= 0:
                name = g.string(int(g.edge_name[e]))
                if name:
                    return name
        return None

    def edges_at(self, node: int) -> np.ndarray:
        """Walkable edges at a node."""
        return self._node_edges[self._node_ptr[node]:self._node_ptr[node + 1]]

    # -- where am I --------------------------------------------------------------
    def where_am_i(self, lat: float, lon: float, accuracy_m: float | None = None,
                   heading: float | None = None, max_distance_m: float = 150.0) -> WhereAmI:
        """Street, side, next junction ahead and nearest stop of a position."""
        street = junction = here = None
        try:
            snap = self.snapper.snap(lat, lon, max_distance_m)
        except SnapError:
            snap = None
        if snap is not None:
            street, forward = self._street(snap, lat, lon, accuracy_m, heading)
            junction, here = self._junction(snap, forward, lat, lon, heading)
        stop = self.nearest_stop(lat, lon, heading)
        return WhereAmI(lat, lon, accuracy_m, heading, street, junction, stop, here)

    def _street(self, snap, lat: float, lon: float, accuracy_m: float | None,
                heading: float | None) -> tuple[StreetHere, bool | None]:
        g = self.graph
        e = snap.edge
        coords = g.edge_coords(e)
        x, y = self.frame.to_xy(coords[:, 0], coords[:, 1])
        seg_len = np.hypot(np.diff(x), np.diff(y))
        cum = np.concatenate(([0.0], np.cumsum(seg_len)))
        at = snap.fraction * cum[-1]
        i = min(max(int(np.searchsorted(cum, at, side="right")) - 1, 0), len(seg_len) - 1)
        way_bearing = float(np.degrees(np.arctan2(x[i + 1] - x[i], y[i + 1] - y[i])) % 360.0)
        forward: bool | None = None
        if heading is not None:
            forward = abs(turn_angle_deg(way_bearing, heading)) <= 90.0
        bearing = way_bearing if forward is not False else (way_bearing + 180.0) % 360.0
        kind = decode("way_kind", g.edge_kind[e])
        side, source = "unknown", None
        if forward is not None and kind in CENTRELINE_KINDS:
            sidewalk = decode("sidewalk", g.edge_sidewalk[e])
            if sidewalk in ("left", "right"):
                side, source = sidewalk, "sidewalk"  # the only side one can walk on
            else:
                px, py = self.frame.to_xy(lat, lon)
                cross = (x[i + 1] - x[i]) * (float(py) - y[i]) - (y[i + 1] - y[i]) * (float(px) - x[i])
                offset = cross / max(seg_len[i], 1e-9)  # > 0: left of the way direction
                if abs(offset) >= max(SIDE_MIN_OFFSET_M, accuracy_m or 0.0):
                    side, source = ("left" if offset > 0 else "right"), "offset"
            if side != "unknown" and not forward:
                side = "right" if side == "left" else "left"
        name = g.string(int(g.edge_name[e]))
        return StreetHere(name, kind, round(snap.distance_m, 1), side, source, round(bearing, 1), e), forward

    def _junction(self, snap, forward: bool | None, lat: float, lon: float,
                  heading: float | None) -> tuple[Junction | None, Junction | None]:
        """The next node with a choice along the way (ahead, or either way without heading).

        Returns (next junction, junction the walker stands at). At a junction
        within :data:`AT_JUNCTION_M` the search goes on straight ahead.
        """
        g = self.graph
        e = snap.edge
        length = float(g.edge_len[e])
        options = [True, False] if forward is None else [forward]
        found: list[Junction] = []
        here: Junction | None = None
        own_name = g.string(int(g.edge_name[e]))
        for fwd in options:
            node = int(g.edge_v[e] if fwd else g.edge_u[e])
            dist = length - snap.offset_m if fwd else snap.offset_m
            came = e
            while dist <= JUNCTION_SEARCH_M:
                others = [int(x) for x in self.edges_at(node) if int(x) != came]
                if len(others) == 1:  # no choice here: follow the way
                    came, node, dist = self._go_on(node, others[0], dist)
                    continue
                junction = self._describe_junction(node, others, own_name, dist, lat, lon, heading)
                if dist < AT_JUNCTION_M and others:
                    here = here or junction
                    came, node, dist = self._go_on(node, self._straight_on(node, came, others), dist)
                    continue
                found.append(junction)
                break
        return (min(found, key=lambda j: j.distance_m) if found else None), here

    def _go_on(self, node: int, edge: int, dist: float) -> tuple[int, int, float]:
        g = self.graph
        other = int(g.edge_v[edge] if int(g.edge_u[edge]) == node else g.edge_u[edge])
        return edge, other, dist + float(g.edge_len[edge])

    def _straight_on(self, node: int, came: int, others: list[int]) -> int:
        """Of the ways leaving ``node``, the one straightest on from ``came``."""
        g = self.graph
        arrive = (float(g.edge_bearing_end[came]) if int(g.edge_v[came]) == node
                  else (float(g.edge_bearing_start[came]) + 180.0) % 360.0)

        def leave(x: int) -> float:
            return (float(g.edge_bearing_start[x]) if int(g.edge_u[x]) == node
                    else (float(g.edge_bearing_end[x]) + 180.0) % 360.0)

        return min(others, key=lambda x: abs(turn_angle_deg(arrive, leave(x))))

    def _describe_junction(self, node: int, others: list[int], own_name: str | None, dist: float,
                           lat: float, lon: float, heading: float | None) -> Junction:
        g = self.graph
        names: list[str] = []
        for x in others:
            label = g.string(int(g.edge_name[x])) or decode("way_kind", g.edge_kind[x])
            if label != own_name and label not in names:
                names.append(label)
        nlat, nlon = float(g.node_lat[node]), float(g.node_lon[node])
        b = bearing_deg(lat, lon, nlat, nlon)
        return Junction(nlat, nlon, round(dist, 1), round(b, 1), _clock(b, heading), names,
                        "junction" if others else "dead_end", bool(g.node_signals[node]))

    # -- around -----------------------------------------------------------------
    def nearest_stop(self, lat: float, lon: float, heading: float | None = None,
                     within_m: float = STOP_SEARCH_M) -> Thing | None:
        stops = [t for t in self.around(lat, lon, heading, within_m, kinds=("stop",))]
        return stops[0] if stops else None

    def around(self, lat: float, lon: float, heading: float | None = None, radius_m: float = 50.0,
               kinds: tuple[str, ...] = ("place", "stop", "crossing")) -> list[Thing]:
        """Places, stops and crossings within ``radius_m``, nearest first."""
        px, py = self.frame.to_xy(lat, lon)
        point = (float(px), float(py))
        out: list[Thing] = []
        places, tree = self._places
        if tree is not None and ("place" in kinds or "stop" in kinds):
            for i in tree.query_ball_point(point, radius_m):
                p = places[i]
                kind = "stop" if p["kind"] in STOP_KINDS else "place"
                if kind in kinds:
                    out.append(self._thing(kind, p["name"], p["lat"], p["lon"], lat, lon, heading,
                                           {"place_kind": p["kind"]}))
        crossings, tree = self._crossings
        if tree is not None and "crossing" in kinds:
            for i in tree.query_ball_point(point, radius_m):
                c = crossings[i]
                detail = {k: v for k, v in c.items() if k not in ("lat", "lon")}
                out.append(self._thing("crossing", c["street"], c["lat"], c["lon"], lat, lon, heading, detail))
        out = [t for t in out if t.distance_m <= radius_m]
        out.sort(key=lambda t: t.distance_m)
        return out

    @staticmethod
    def _thing(kind: str, name: str | None, tlat: float, tlon: float, lat: float, lon: float,
               heading: float | None, detail: dict) -> Thing:
        d = float(haversine_m(lat, lon, tlat, tlon))
        b = bearing_deg(lat, lon, tlat, tlon) if d > 0.5 else (heading or 0.0)
        return Thing(kind, name, float(tlat), float(tlon), round(d, 1), round(b, 1),
                     12 if d <= 0.5 and heading is not None else _clock(b, heading), detail)


_cache: dict[int, tuple[weakref.ref, Orientation]] = {}
_lock = threading.Lock()


def orientation_for(graph: CompiledGraph, snapper: Snapper | None = None) -> Orientation:
    """The :class:`Orientation` of ``graph``, built once per graph object."""
    hit = _cache.get(id(graph))
    if hit is not None and hit[0]() is graph:
        return hit[1]
    with _lock:
        hit = _cache.get(id(graph))
        if hit is not None and hit[0]() is graph:
            return hit[1]
        made = Orientation(graph, snapper)
        _cache[id(graph)] = (weakref.ref(graph), made)
        return made
