"""A planned route: the states walked, where on them, and its geometry.

A route starts and ends on virtual points inside edges, so it is a list of
:class:`Leg` — one per state — each with the part of the state walked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from routing.geo import haversine_m
from routing.graph import CompiledGraph


@dataclass(frozen=True)
class Leg:
    """The part ``[start_m, end_m]`` (metres from the state's start) of one state."""

    state: int
    start_m: float
    end_m: float
    transition: int | None  # transition taken to enter this state (None for the first leg)

    @property
    def length_m(self) -> float:
        return self.end_m - self.start_m


@dataclass
class Route:
    """A route found by :func:`routing.router.Router.plan`."""

    legs: list[Leg]
    profile: str
    cost: float
    origin: tuple[float, float]  # requested (lat, lon)
    destination: tuple[float, float]
    snapped_origin: tuple[float, float]
    snapped_destination: tuple[float, float]
    coords: np.ndarray = field(default_factory=lambda: np.empty((0, 2)))  # (lat, lon) rows
    distance_m: float = 0.0
    duration_s: float = 0.0
    audit: dict[str, Any] = field(default_factory=dict)
    # the destination was an area (a square) and the route ends where it meets it: its name ("" unnamed)
    arrived_area: str | None = None

    def geojson_coordinates(self) -> list[list[float]]:
        """Coordinates in GeoJSON order ([lon, lat]), rounded to ~1 cm."""
        return [[round(float(lon), 7), round(float(lat), 7)] for lat, lon in self.coords]


def cut_line(coords: np.ndarray, start_m: float, end_m: float) -> np.ndarray:
    """Sub-line of ``coords`` between two distances along it (metres)."""
    if len(coords) < 2:
        return coords
    seg = haversine_m(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    cum = np.concatenate(([0.0], np.cumsum(seg)))
    total = cum[-1]
    start_m = min(max(start_m, 0.0), total)
    end_m = min(max(end_m, start_m), total)

    def at(d: float) -> np.ndarray:
        i = int(np.searchsorted(cum, d, side="right")) - 1
        i = min(max(i, 0), len(seg) - 1)
        t = 0.0 if seg[i] == 0 else (d - cum[i]) / seg[i]
        return coords[i] + (coords[i + 1] - coords[i]) * t

    inner = coords[(cum > start_m) & (cum < end_m)]
    return np.vstack([at(start_m), inner, at(end_m)])


def leg_coords(graph: CompiledGraph, leg: Leg) -> np.ndarray:
    """Geometry of a leg in direction of travel, scaled so its ends match ``start_m``/``end_m``."""
    coords = graph.state_coords(leg.state)
    length = float(graph.edge_len[graph.state_edge[leg.state]])
    if leg.start_m <= 0.0 and leg.end_m >= length:
        return coords  # the whole state: nothing to cut (most legs of a route)
    seg = haversine_m(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    scale = float(seg.sum()) / length if length > 0 else 1.0
    return cut_line(coords, leg.start_m * scale, leg.end_m * scale)


def assemble_geometry(graph: CompiledGraph, legs: list[Leg]) -> np.ndarray:
    """Concatenated geometry of all legs without repeated joint points.

    Whole legs (all but usually the first and the last) are gathered from the
    geometry columns by index in one step; only partial legs are cut.
    """
    a = graph.arrays
    offsets, fwd, state_edge, edge_len = a["geom_offsets"], a["state_fwd"], a["state_edge"], a["edge_len"]
    parts: list[np.ndarray] = []
    run: list[np.ndarray] = []  # point indices of consecutive whole legs

    def flush() -> None:
        if run:
            idx = np.concatenate(run)
            parts.append(np.column_stack((a["geom_lat"][idx], a["geom_lon"][idx])))
            run.clear()

    for i, leg in enumerate(legs):
        e = int(state_edge[leg.state])
        if leg.start_m <= 0.0 and leg.end_m >= float(edge_len[e]):
            lo, hi = int(offsets[e]), int(offsets[e + 1])
            idx = np.arange(lo, hi) if fwd[leg.state] else np.arange(hi - 1, lo - 1, -1)
            run.append(idx if i == 0 else idx[1:])
        else:
            flush()
            c = leg_coords(graph, leg)
            parts.append(c if i == 0 else c[1:])
    flush()
    return np.vstack(parts) if parts else np.empty((0, 2))
