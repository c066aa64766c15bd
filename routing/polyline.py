"""A route line in a local metric plane: project fixes onto it, find points along it.

Live guidance asks, once a second per walker, "where along the route is this
fix, and how far from it?". The line is projected once into a local tangent
plane (see :class:`routing.geo.LocalFrame`), so a projection is a few numpy
operations over the segments of a window of the route — never the whole
city graph. Distances along the line are metres of its own geometry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from routing.geo import LocalFrame


@dataclass(frozen=True)
class Projection:
    """The nearest point of the line (within a window) to a fix."""

    along_m: float  # metres from the line's start
    distance_m: float  # from the fix to the line
    lat: float
    lon: float
    segment: int  # index of the segment the point lies on
    bearing: float  # direction of travel on that segment, degrees from north


class Polyline:
    """An (n, 2) array of (lat, lon) points as a line with metric distances along it."""

    def __init__(self, coords: np.ndarray | list):
        coords = np.asarray(coords, dtype=float).reshape(-1, 2)
        if len(coords) == 0:
            raise ValueError("a line needs at least one point")
        if len(coords) == 1:
            coords = np.vstack([coords, coords])
        self.coords = coords
        self.frame = LocalFrame(float(coords[0, 0]), float(coords[0, 1]))
        x, y = self.frame.to_xy(coords[:, 0], coords[:, 1])
        self.x, self.y = np.asarray(x, float), np.asarray(y, float)
        self.dx, self.dy = np.diff(self.x), np.diff(self.y)
        self.seg_len = np.hypot(self.dx, self.dy)
        self.cum = np.concatenate(([0.0], np.cumsum(self.seg_len)))
        self.length = float(self.cum[-1])
        # bearing of each segment; a zero-length segment takes its neighbour's
        bearings = np.degrees(np.arctan2(self.dx, self.dy)) % 360.0
        for i in np.flatnonzero(self.seg_len < 1e-9):
            j = i - 1 if i > 0 else min(i + 1, len(bearings) - 1)
            bearings[i] = bearings[j]
        self.bearings = bearings

    # ------------------------------------------------------------------
    def _candidates(self, lat: float, lon: float, lo_m: float, hi_m: float):
        """Nearest point on each segment of the part ``[lo_m, hi_m]``: (segments, t, along, distance, x, y)."""
        lo = min(max(lo_m, 0.0), self.length)
        hi = min(max(hi_m, lo), self.length)
        px, py = self.frame.to_xy(lat, lon)
        px, py = float(px), float(py)
        a = max(int(np.searchsorted(self.cum, lo, side="right")) - 1, 0)
        b = min(int(np.searchsorted(self.cum, hi, side="left")), len(self.seg_len))
        a = min(a, len(self.seg_len) - 1)
        b = max(b, a + 1)
        idx = np.arange(a, b)
        L = self.seg_len[idx]
        safe = np.where(L > 0, L, 1.0)
        t = ((px - self.x[idx]) * self.dx[idx] + (py - self.y[idx]) * self.dy[idx]) / (safe * safe)
        # keep each candidate inside the window
        t_lo = np.where(L > 0, (lo - self.cum[idx]) / safe, 0.0)
        t_hi = np.where(L > 0, (hi - self.cum[idx]) / safe, 0.0)
        t = np.clip(t, np.maximum(t_lo, 0.0), np.minimum(np.maximum(t_hi, 0.0), 1.0))
        t = np.where(L > 0, t, 0.0)
        qx, qy = self.x[idx] + t * self.dx[idx], self.y[idx] + t * self.dy[idx]
        along = self.cum[idx] + t * L
        return idx, t, along, np.hypot(qx - px, qy - py), qx, qy, hi

    def _pick(self, cand, k: int) -> Projection:
        idx, t, along, dist, qx, qy, hi = cand
        seg = int(idx[k])
        if t[k] >= 1.0 - 1e-9 and seg + 1 < len(self.seg_len) and self.cum[seg + 1] < hi:
            seg += 1  # at a vertex, the direction is that of the way ahead
        qlat, qlon = self.frame.to_latlon(qx[k], qy[k])
        return Projection(float(along[k]), float(dist[k]), float(qlat), float(qlon), seg, float(self.bearings[seg]))

    def project(self, lat: float, lon: float, lo_m: float = 0.0, hi_m: float = math.inf) -> Projection:
        """Nearest point of the part ``[lo_m, hi_m]`` of the line to (lat, lon).

        A window keeps a fix on the stretch the walker can plausibly be on:
        a route that passes the same corner twice is not confused.
        """
        cand = self._candidates(lat, lon, lo_m, hi_m)
        return self._pick(cand, int(np.argmin(cand[3])))

    def project_near(self, lat: float, lon: float, lo_m: float, hi_m: float, expected_m: float,
                     spread_m: float, accuracy_m: float) -> tuple[Projection, float]:
        """The point of ``[lo_m, hi_m]`` that best explains a fix expected near ``expected_m``.

        Near a corner a noisy fix may lie closer to the next street than to
        the one walked; scoring each segment's nearest point by distance plus
        how far it is from where the walker should be (``spread_m`` is the
        plausible error of that expectation) keeps it on the street walked.
        Returns that point and the plain distance from the fix to the part.
        """
        cand = self._candidates(lat, lon, lo_m, hi_m)
        along, dist = cand[2], cand[3]
        score = dist ** 2 + ((along - expected_m) * accuracy_m / max(spread_m, 1e-6)) ** 2
        return self._pick(cand, int(np.argmin(score))), float(dist.min())

    def point_at(self, along_m: float) -> tuple[float, float]:
        """(lat, lon) at ``along_m`` metres from the start (clamped to the line)."""
        d = min(max(along_m, 0.0), self.length)
        i = min(max(int(np.searchsorted(self.cum, d, side="right")) - 1, 0), len(self.seg_len) - 1)
        t = 0.0 if self.seg_len[i] == 0 else (d - self.cum[i]) / self.seg_len[i]
        lat, lon = self.frame.to_latlon(self.x[i] + t * self.dx[i], self.y[i] + t * self.dy[i])
        return float(lat), float(lon)

    def bearing_at(self, along_m: float) -> float:
        """Direction of travel at ``along_m`` (the segment ahead at a vertex)."""
        d = min(max(along_m, 0.0), self.length)
        i = min(max(int(np.searchsorted(self.cum, d, side="right")) - 1, 0), len(self.seg_len) - 1)
        return float(self.bearings[i])

    def locate(self, lat: float, lon: float, near_m: float, window_m: float = 25.0) -> float:
        """Metres along the line of a point known to lie near ``near_m`` (e.g. a maneuver)."""
        return self.project(lat, lon, near_m - window_m, near_m + window_m).along_m
