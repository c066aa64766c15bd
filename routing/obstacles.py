"""Obstacles mapped by staff, as a cost overlay on a compiled graph.

A library (no Flask, no database): the service hands it plain
:class:`Obstacle` records; this module finds the graph edges each one covers,
builds an :class:`ObstacleOverlay` (the :class:`routing.costs.Overlay`
protocol) that makes ``impassable`` edges unusable and ``hazard`` edges
dearer, and adds hazard warnings to a route's maneuvers.

Geometry is handled in the local metric frame of the graph's
:class:`routing.snap.Snapper`, reusing its STRtree of walkable edges:

* a ``Point`` covers the circle of ``radius_m`` around it;
* a ``LineString`` or ``Polygon`` covers itself plus :data:`EDGE_TOLERANCE_M`
  (digitising error);
* when that touches no walkable edge, the nearest walkable edge within
  :data:`OBSTACLE_SNAP_M` is taken — OSM often maps a sidewalk as part of the
  street's centreline several metres away from where staff draw it;
* larger than :data:`MAX_AREA_M2` (area) or :data:`MAX_LINE_M` (line) is not
  an obstacle but a closure of a district, and is refused.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Sequence

import numpy as np
import shapely
from shapely.validation import explain_validity

from routing.geo import bearing_deg, haversine_m
from routing.graph import CompiledGraph, decode
from routing.maneuver import Hazard, Maneuver
from routing.route import Route
from routing.snap import Snapper

KINDS = ("construction", "blocked_sidewalk", "missing_kerb_ramp", "damaged_tactile_paving",
         "temporary_barrier", "other")
SEVERITIES = ("impassable", "hazard")

DEFAULT_RADIUS_M = 5.0  # a Point without radius_m
MIN_RADIUS_M = 0.5
MAX_RADIUS_M = 75.0  # a circle of 75 m is 17 700 m², under MAX_AREA_M2
MAX_AREA_M2 = 20_000.0  # larger areas are closures of a district, not obstacles
MAX_LINE_M = 2_000.0
EDGE_TOLERANCE_M = 2.0  # lines and polygons cover ways this close
OBSTACLE_SNAP_M = 15.0  # fall back to the nearest walkable way this close
WARN_BEFORE_M = 20.0  # the hazard warning is placed this far before the obstacle


class ObstacleError(ValueError):
    """An obstacle's geometry cannot be used; ``reason`` says why for the API.

    Reasons: ``invalid-geometry``, ``too-large``, ``off-network``.
    """

    def __init__(self, reason: str, message: str, **extra: Any):
        super().__init__(message)
        self.reason = reason
        self.extra = extra


@dataclass(frozen=True)
class Obstacle:
    """One obstacle as the service stores it (times are timezone-aware)."""

    id: int | str
    geometry: dict[str, Any]  # GeoJSON (lon, lat)
    kind: str
    severity: str  # impassable | hazard
    description: str
    description_en: str | None = None
    radius_m: float | None = None
    valid_from: datetime | None = None  # None: since ever
    valid_until: datetime | None = None  # None: until removed
    updated_at: str = ""

    def active_at(self, at: datetime) -> bool:
        """In effect at ``at``: ``valid_from <= at < valid_until``."""
        return (self.valid_from is None or self.valid_from <= at) and (self.valid_until is None or at < self.valid_until)


@dataclass(frozen=True)
class EdgeHit:
    """The part of an edge an obstacle covers, as fractions of the edge from its way start."""

    edge: int
    start: float
    end: float


def active(obstacles: Iterable[Obstacle], at: datetime) -> list[Obstacle]:
    """Obstacles in effect at ``at``."""
    return [o for o in obstacles if o.active_at(at)]


def next_boundary(obstacles: Iterable[Obstacle], at: datetime) -> datetime | None:
    """The first time after ``at`` at which an obstacle starts or ends (None: never).

    The set of active obstacles cannot change before it, so an overlay built
    at ``at`` may be reused until then.
    """
    times = [t for o in obstacles for t in (o.valid_from, o.valid_until) if t is not None and t > at]
    return min(times) if times else None


# --- geometry ---------------------------------------------------------------

def _positions(coords: Any, minimum: int, what: str) -> list[tuple[float, float]]:
    if not isinstance(coords, list) or len(coords) < minimum:
        raise ObstacleError("invalid-geometry", f"{what} needs at least {minimum} positions [lon, lat]")
    out = []
    for i, pos in enumerate(coords):
        if (not isinstance(pos, (list, tuple)) or len(pos) < 2
                or not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in pos[:2])):
            raise ObstacleError("invalid-geometry", f"{what}: position {i} is not [lon, lat] numbers")
        lon, lat = float(pos[0]), float(pos[1])
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise ObstacleError("invalid-geometry", f"{what}: position {i} [{pos[0]}, {pos[1]}] is outside lon ±180, lat ±90")
        out.append((lon, lat))
    return out


class ObstacleIndex:
    """Finds the walkable edges an obstacle geometry covers, on one graph."""

    def __init__(self, graph: CompiledGraph, snapper: Snapper | None = None):
        self.graph = graph
        self.snapper = snapper or Snapper(graph)

    # metric shapes ----------------------------------------------------------
    def _xy(self, positions: list[tuple[float, float]]) -> np.ndarray:
        lon = np.array([p[0] for p in positions])
        lat = np.array([p[1] for p in positions])
        x, y = self.snapper.frame.to_xy(lat, lon)
        return np.column_stack((x, y))

    def shape(self, geometry: Any, radius_m: float | None = None) -> shapely.Geometry:
        """The drawn geometry in the metric frame, validated (raises :class:`ObstacleError`)."""
        if not isinstance(geometry, dict) or "type" not in geometry:
            raise ObstacleError("invalid-geometry", "geometry must be a GeoJSON object with 'type' and 'coordinates'")
        kind = geometry.get("type")
        coords = geometry.get("coordinates")
        if kind == "Point":
            if not isinstance(coords, list):
                raise ObstacleError("invalid-geometry", "Point coordinates must be [lon, lat]")
            (pos,) = _positions([coords], 1, "Point")
            return shapely.points(self._xy([pos])[0])
        if radius_m is not None:
            raise ObstacleError("invalid-geometry", "radius_m is only for Point geometries")
        if kind == "LineString":
            pos = _positions(coords, 2, "LineString")
            line = shapely.linestrings(self._xy(pos))
            if line.length < 0.5:
                raise ObstacleError("invalid-geometry", "LineString has no length: its positions coincide")
            if line.length > MAX_LINE_M:
                raise ObstacleError("too-large", f"the line is {line.length:,.0f} m long; an obstacle line may be at "
                                    f"most {MAX_LINE_M:,.0f} m — split it or map the closure as several obstacles",
                                    length_m=round(float(line.length), 1))
            return line
        if kind == "Polygon":
            if not isinstance(coords, list) or not coords:
                raise ObstacleError("invalid-geometry", "Polygon coordinates must be a list of linear rings")
            rings = []
            for r, ring in enumerate(coords):
                pos = _positions(ring, 4, f"Polygon ring {r}")
                if pos[0] != pos[-1]:
                    raise ObstacleError("invalid-geometry", f"Polygon ring {r} is not closed: its last position must equal its first")
                rings.append(self._xy(pos))
            poly = shapely.polygons(rings[0], holes=rings[1:] or None)
            if not poly.is_valid:
                raise ObstacleError("invalid-geometry", f"Polygon is not valid: {explain_validity(poly)} "
                                    "(rings must not cross themselves or each other)")
            if poly.area < 0.1:
                raise ObstacleError("invalid-geometry", "Polygon has no area")
            if poly.area > MAX_AREA_M2:
                raise ObstacleError("too-large", f"the area is {poly.area:,.0f} m²; an obstacle may cover at most "
                                    f"{MAX_AREA_M2:,.0f} m²", area_m2=round(float(poly.area), 1))
            return poly
        raise ObstacleError("invalid-geometry", f"geometry type '{kind}' is not supported; use Point (with radius_m), "
                            "LineString or Polygon")

    def covered(self, geometry: Any, radius_m: float | None = None) -> shapely.Geometry:
        """The area an obstacle covers in the metric frame: its shape plus radius or tolerance."""
        shape = self.shape(geometry, radius_m)
        if geometry["type"] == "Point":
            r = DEFAULT_RADIUS_M if radius_m is None else float(radius_m)
            if not (MIN_RADIUS_M <= r <= MAX_RADIUS_M):
                raise ObstacleError("too-large" if r > MAX_RADIUS_M else "invalid-geometry",
                                    f"radius_m must be between {MIN_RADIUS_M} and {MAX_RADIUS_M:g} m (got {r:g})")
            return shapely.buffer(shape, r)
        return shapely.buffer(shape, EDGE_TOLERANCE_M)

    # edges -------------------------------------------------------------------
    def affected(self, geometry: Any, radius_m: float | None = None) -> list[EdgeHit]:
        """Walkable edges the obstacle covers, with the covered part of each (sorted by edge).

        Raises :class:`ObstacleError` (``off-network``) when it covers none and
        no walkable way lies within :data:`OBSTACLE_SNAP_M`.
        """
        area = self.covered(geometry, radius_m)
        sn = self.snapper
        idx = sn.tree.query(area, predicate="intersects")
        hits = []
        for i in sorted(int(k) for k in idx):
            line = sn.lines[i]
            part = shapely.intersection(line, area)
            if part.is_empty:
                continue
            hits.append(self._hit(i, line, shapely.get_coordinates(part)))
        if hits:
            return sorted(hits, key=lambda h: h.edge)
        near = sn.tree.query(area, predicate="dwithin", distance=OBSTACLE_SNAP_M)
        if len(near):
            dist = shapely.distance(sn.lines[near], area)
            i = int(near[int(np.argmin(dist))])
            line = sn.lines[i]
            return [self._hit(i, line, shapely.get_coordinates(shapely.boundary(area)))]
        nearest = sn.tree.nearest(area)
        d = float(shapely.distance(sn.lines[nearest], area)) if nearest is not None else None
        where = f"; the nearest walkable way is {d:,.0f} m away" if d is not None else ""
        raise ObstacleError("off-network", f"the obstacle covers no walkable way of the graph and none lies within "
                            f"{OBSTACLE_SNAP_M:g} m{where}", distance_m=None if d is None else round(d, 1))

    def extent(self, geometry: Any, radius_m: float | None = None) -> float:
        """How far a walker goes through the obstacle (metres): a point's diameter, a line's length, an
        area's widest extent — the length over which a hazard's cost is spread."""
        shape = self.shape(geometry, radius_m)
        if geometry["type"] == "Point":
            return 2.0 * (DEFAULT_RADIUS_M if radius_m is None else float(radius_m))
        if geometry["type"] == "LineString":
            return float(shape.length) + 2.0 * EDGE_TOLERANCE_M
        return 2.0 * float(shapely.minimum_bounding_radius(shape)) + 2.0 * EDGE_TOLERANCE_M

    def place(self, obstacle: "Obstacle") -> "PlacedObstacle":
        """The obstacle with the edges it covers (raises :class:`ObstacleError`)."""
        return PlacedObstacle(obstacle, self.affected(obstacle.geometry, obstacle.radius_m),
                              self.extent(obstacle.geometry, obstacle.radius_m))

    def _hit(self, i: int, line: shapely.LineString, coords: np.ndarray) -> EdgeHit:
        length = float(line.length)
        along = shapely.line_locate_point(line, shapely.points(coords)) if len(coords) else np.array([0.0])
        lo, hi = (float(np.min(along)) / length, float(np.max(along)) / length) if length > 0 else (0.0, 1.0)
        return EdgeHit(edge=int(self.snapper.edges[i]), start=max(0.0, lo), end=min(1.0, hi))


def describe_edges(graph: CompiledGraph, edges: Iterable[int]) -> list[dict[str, Any]]:
    """What staff need to recognise affected edges: OSM way, street name, length."""
    out = []
    for e in edges:
        e = int(e)
        out.append({"edge": e, "osm_way": int(graph.edge_osm[e]), "street": graph.string(int(graph.edge_name[e])),
                    "way_kind": decode("way_kind", graph.edge_kind[e]), "length_m": round(float(graph.edge_len[e]), 1)})
    return out


# --- the overlay -------------------------------------------------------------

@dataclass
class PlacedObstacle:
    """An obstacle with the edges it covers on one graph."""

    obstacle: Obstacle
    hits: list[EdgeHit]
    extent_m: float | None = None  # see ObstacleIndex.extent; None: each covered edge bears the whole cost


def overlay_version(obstacles: Iterable[Obstacle]) -> str:
    """Identity of a set of obstacles: a hash of their ids and update times."""
    h = hashlib.sha256()
    for key in sorted(f"{o.id}@{o.updated_at}" for o in obstacles):
        h.update(key.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


@dataclass
class ObstacleOverlay:
    """The :class:`routing.costs.Overlay` of a set of active obstacles.

    ``impassable`` obstacles make both directions of every edge they cover
    unusable. A ``hazard`` costs the profile's ``obstacle_hazard`` once for
    walking through it, so a route avoids it when a detour is cheaper and otherwise
    passes it with a warning: each covered edge bears the share of the cost
    that its covered length is of the obstacle's extent (a point at a
    junction covers the ends of several edges; a walker passes two of them).
    """

    placed: list[PlacedObstacle]
    version: str = field(init=False)

    def __post_init__(self) -> None:
        self.version = overlay_version(p.obstacle for p in self.placed)
        self._by_edge: dict[int, list[tuple[PlacedObstacle, EdgeHit]]] = {}
        for p in self.placed:
            for hit in p.hits:
                self._by_edge.setdefault(hit.edge, []).append((p, hit))

    @property
    def obstacles(self) -> list[Obstacle]:
        return [p.obstacle for p in self.placed]

    def edges(self, severity: str) -> np.ndarray:
        """Edges covered by obstacles of ``severity``."""
        return np.array(sorted({h.edge for p in self.placed if p.obstacle.severity == severity for h in p.hits}),
                        dtype=np.int64)

    def apply(self, graph: CompiledGraph, state_cost: np.ndarray, hazard_cost_s: float) -> np.ndarray:
        """New state costs: impassable edges at inf, hazard edges dearer by ``hazard_cost_s`` (input unchanged)."""
        cost = np.array(state_cost, dtype=np.float64, copy=True)
        for p in self.placed:
            states = graph.edge_state[[h.edge for h in p.hits]].ravel()
            states = states[states >= 0]
            if p.obstacle.severity == "impassable":
                cost[states] = np.inf
                continue
            for hit in p.hits:
                covered = (hit.end - hit.start) * float(graph.edge_len[hit.edge])
                share = 1.0 if not p.extent_m or covered <= 0 else min(1.0, covered / p.extent_m)
                states = graph.edge_state[hit.edge]
                cost[states[states >= 0]] += hazard_cost_s * share
        return cost

    def obstacles_on(self, graph: CompiledGraph, route: Route, severity: str | None = None) -> list[tuple[float, Obstacle]]:
        """(metres along the route where it first meets the obstacle, obstacle), in route order."""
        first: dict[Any, tuple[float, Obstacle]] = {}
        walked = 0.0
        for leg in route.legs:
            edge = int(graph.state_edge[leg.state])
            length = float(graph.edge_len[edge])
            fwd = bool(graph.state_fwd[leg.state])
            for p, hit in self._by_edge.get(edge, ()):
                if severity is not None and p.obstacle.severity != severity:
                    continue
                a, b = hit.start * length, hit.end * length
                if not fwd:
                    a, b = length - b, length - a
                if b < leg.start_m - 0.5 or a > leg.end_m + 0.5:
                    continue  # on the edge, but not on the part walked
                at = walked + max(a, leg.start_m) - leg.start_m
                if p.obstacle.id not in first or at < first[p.obstacle.id][0]:
                    first[p.obstacle.id] = (at, p.obstacle)
            walked += leg.length_m
        return sorted(first.values(), key=lambda x: (x[0], str(x[1].id)))

    def annotate(self, graph: CompiledGraph, route: Route, maneuvers: list[Maneuver],
                 warn_before_m: float = WARN_BEFORE_M) -> list[Maneuver]:
        """Maneuvers with a warning for every obstacle on the route (see :func:`annotate_hazards`)."""
        return annotate_hazards(route, maneuvers, self.obstacles_on(graph, route), warn_before_m)


def _hazard(o: Obstacle, distance_m: float | None) -> Hazard:
    return Hazard(kind=o.kind, description=o.description, description_en=o.description_en,
                  distance_m=None if distance_m is None else round(distance_m, 1))


def _point_at(route: Route, position: float) -> tuple[tuple[float, float], float]:
    """((lon, lat), bearing) at ``position`` metres along the route."""
    c = route.coords
    if len(c) < 2:
        lat, lon = (c[0] if len(c) else route.snapped_origin)
        return (float(lon), float(lat)), 0.0
    seg = haversine_m(c[:-1, 0], c[:-1, 1], c[1:, 0], c[1:, 1])
    cum = np.concatenate(([0.0], np.cumsum(seg)))
    scale = cum[-1] / route.distance_m if route.distance_m > 0 else 1.0
    d = min(max(position * scale, 0.0), cum[-1])
    i = int(min(max(np.searchsorted(cum, d, side="right") - 1, 0), len(seg) - 1))
    t = 0.0 if seg[i] == 0 else (d - cum[i]) / seg[i]
    lat, lon = c[i] + (c[i + 1] - c[i]) * t
    return (float(lon), float(lat)), round(bearing_deg(c[i][0], c[i][1], c[i + 1][0], c[i + 1][1]), 1)


def annotate_hazards(route: Route, maneuvers: list[Maneuver], on_route: Sequence[tuple[float, Obstacle]],
                     warn_before_m: float = WARN_BEFORE_M) -> list[Maneuver]:
    """Insert a ``hazard`` maneuver ``warn_before_m`` before each obstacle on the route.

    The warning carries the distance to the obstacle ("Achtung: Baustelle auf
    dem Gehweg, in 20 Metern"). When the warning point falls within 3 m of
    another maneuver, or the obstacle lies at the start, the hazard is added
    to that maneuver's ``hazards`` instead, so the walker hears one
    instruction per point.
    """
    if not on_route or not maneuvers:
        return maneuvers
    out = list(maneuvers)
    at = list(np.concatenate(([0.0], np.cumsum([m.distance_m + sum(c.distance_m for c in m.compound)
                                                for m in out[:-1]]))))
    for position, obstacle in on_route:
        warn_at = max(position - warn_before_m, 0.0)
        i = max(k for k in range(len(out)) if at[k] <= warn_at + 1e-6)
        if out[i].kind == "arrive":
            i = max(i - 1, 0)
        near_next = i + 1 < len(out) and at[i + 1] - warn_at < 3.0 and out[i + 1].kind != "arrive"
        if near_next:
            i += 1
            warn_at = at[i]
        if warn_at - at[i] < 3.0 or out[i].kind == "arrive":
            out[i].hazards.append(_hazard(obstacle, max(position - at[i], 0.0)))
            continue
        location, bearing = _point_at(route, warn_at)
        prev = out[i]
        nxt = at[i + 1] if i + 1 < len(out) else route.distance_m
        m = Maneuver(kind="hazard", location=location, distance_m=round(nxt - warn_at, 1), bearing=bearing,
                     street=prev.street, street_before=prev.street, way_kind=prev.way_kind, modifier="straight",
                     hazards=[_hazard(obstacle, position - warn_at)])
        prev.distance_m = round(warn_at - at[i], 1)
        out.insert(i + 1, m)
        at.insert(i + 1, warn_at)
    return out
