"""Snap a coordinate onto the nearest walkable edge.

The walker is placed on a virtual point of the nearest edge, not on its
nearest node: a node can be hundreds of metres away along a long footway.
Geometry is projected into a local metric frame once, and a shapely STRtree
finds candidate edges in microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import shapely
from shapely import STRtree

from routing.geo import LocalFrame
from routing.graph import CompiledGraph

#: Farther than this from every walkable edge, a point is refused (metres).
DEFAULT_MAX_SNAP_M = 150.0


class SnapError(ValueError):
    """The point is too far from the walkable network."""

    def __init__(self, message: str, distance_m: float | None = None):
        super().__init__(message)
        self.distance_m = distance_m


@dataclass(frozen=True)
class Snap:
    """A point on an edge: ``fraction`` of the edge's length from its way start."""

    edge: int
    fraction: float
    lat: float
    lon: float
    distance_m: float  # from the requested point to the snapped point
    offset_m: float  # along the edge from its way start


class Snapper:
    """Nearest-edge queries over a compiled graph's walkable edges."""

    def __init__(self, graph: CompiledGraph):
        self.graph = graph
        lat0 = float(np.mean(graph.node_lat)) if graph.n_nodes else 0.0
        lon0 = float(np.mean(graph.node_lon)) if graph.n_nodes else 0.0
        self.frame = LocalFrame(lat0, lon0)
        self.edges = np.flatnonzero(graph.edge_walkable)
        x, y = self.frame.to_xy(graph.geom_lat, graph.geom_lon)
        offsets = graph.geom_offsets
        starts, ends = offsets[self.edges], offsets[self.edges + 1]
        point_idx = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends)]) if len(self.edges) else np.array([], int)
        line_idx = np.repeat(np.arange(len(self.edges)), ends - starts)
        self.lines = shapely.linestrings(np.column_stack((x[point_idx], y[point_idx])), indices=line_idx)
        self.tree = STRtree(self.lines)

    def candidates(self, lat: float, lon: float, max_distance_m: float) -> list[tuple[float, int]]:
        """(distance, edge) of walkable edges within ``max_distance_m``, nearest first."""
        x, y = self.frame.to_xy(lat, lon)
        point = shapely.points(float(x), float(y))
        idx = self.tree.query(point, predicate="dwithin", distance=max_distance_m)
        if len(idx) == 0:
            return []
        dist = shapely.distance(self.lines[idx], point)
        order = np.argsort(dist, kind="stable")
        return [(float(dist[i]), int(self.edges[idx[i]])) for i in order]

    def snap(
        self,
        lat: float,
        lon: float,
        max_distance_m: float = DEFAULT_MAX_SNAP_M,
        usable: Callable[[int], bool] | None = None,
    ) -> Snap:
        """Nearest point on a walkable edge (that ``usable(edge)`` accepts).

        Raises :class:`SnapError` when no such edge lies within ``max_distance_m``.
        """
        for dist, edge in self.candidates(lat, lon, max_distance_m):
            if usable is not None and not usable(edge):
                continue
            return self.project(lat, lon, edge, dist)
        nearest = self.nearest_distance(lat, lon)
        where = f"; the nearest walkable way is {nearest:.0f} m away" if nearest is not None else ""
        raise SnapError(
            f"point ({lat:.6f}, {lon:.6f}) is more than {max_distance_m:.0f} m from any usable walkable way{where}",
            nearest,
        )

    def project(self, lat: float, lon: float, edge: int, distance: float | None = None) -> Snap:
        """Project a point onto one edge."""
        x, y = self.frame.to_xy(lat, lon)
        point = shapely.points(float(x), float(y))
        line = self.lines[int(np.searchsorted(self.edges, edge))]
        along = float(shapely.line_locate_point(line, point))
        length = float(shapely.length(line))
        fraction = along / length if length > 0 else 0.0
        on = shapely.line_interpolate_point(line, along)
        plat, plon = self.frame.to_latlon(shapely.get_x(on), shapely.get_y(on))
        if distance is None:
            distance = float(shapely.distance(line, point))
        return Snap(
            edge=edge, fraction=min(max(fraction, 0.0), 1.0), lat=float(plat), lon=float(plon),
            distance_m=float(distance), offset_m=fraction * float(self.graph.edge_len[edge]),
        )

    def nearest_distance(self, lat: float, lon: float) -> float | None:
        """Distance to the nearest walkable edge, however far."""
        if len(self.lines) == 0:
            return None
        x, y = self.frame.to_xy(lat, lon)
        point = shapely.points(float(x), float(y))
        i = self.tree.nearest(point)
        return None if i is None else float(shapely.distance(self.lines[i], point))
