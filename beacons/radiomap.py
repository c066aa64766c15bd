"""A radio map: where the path-loss model is wrong, learnt per deployment from a survey.

The log-distance model has the right shape but is wrong in detail: shelves,
walls and pillars make a beacon louder or quieter than the model in whole
regions, and the same offset repeats for every phone (on the UJI library
zone most of the squared error of fixes from 3+ beacons was such a fixed
offset per place). A survey walk measures it. :class:`RadioMap` holds, per
beacon, a Gaussian-process regression of the survey's residuals (reading
minus model minus the scan's gain) over the surveyed places:

    residual_j(x) ~ GP(0, c^2 + s^2 exp(-|x - x'|^2 / (2 l^2)))

``c`` a constant offset of the beacon (its own tx power), ``s`` and ``l``
the size and reach of the spatial structure; the hyperparameters are shared
by the beacons of a deployment and chosen by the marginal likelihood of the
survey itself (:func:`fit_radio_map`), nothing is set for one site.

Positioning adds the predicted residual to the model RSSI of every cell and
the GP's predictive variance to the reading noise: near surveyed places the
map corrects the model, far from them it falls back to the model with a
correspondingly wider likelihood - so a coarse survey cannot make fixes
overconfident between its points.

Measured on the UJI library zone (``bench/bench_positioning.py``, single
scans, fitted on one survey campaign and tested on the other, whose places
are all 2.2-2.4 m from the surveyed ones): fixes from 3+ beacons 1.65 m
mean error uncalibrated -> 1.59 m with the calibration and the map (all
fixes 1.88 -> 1.82 m, p90 3.58 -> 3.43 m), accuracy radius still holding
~2/3. The gain is
small there because most of the error is scan-to-scan noise, not a fixed
offset per place (~20 % of the squared error of 3+-beacon fixes). It costs
about 10-15 ms more per fix.

Pure numpy; positions are stored as lat/lon and projected into the frame of
each scan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from routing.geo import LocalFrame

__all__ = ["BeaconField", "RadioMap", "fit_radio_map", "LENGTHS_M", "SIGNALS_DB", "SESSION_SD_DB", "OFFSET_SD_DB"]

#: Candidate hyperparameters searched by :func:`fit_radio_map` (generic ranges, not one site's values):
#: reach of the spatial structure (m), its size (dB) and the part of a place's mean that does not repeat
#: between visits (another phone, another day; dB).
LENGTHS_M: tuple[float, ...] = (1.0, 1.5, 2.0, 3.0, 4.5, 6.5, 10.0)
SIGNALS_DB: tuple[float, ...] = (1.0, 2.0, 3.0, 4.5, 6.5)
SESSION_SD_DB: tuple[float, ...] = (0.5, 1.0, 2.0, 3.0, 4.5)
#: Prior sd (dB) of a beacon's constant offset from the shared model (same as per-beacon tx power).
OFFSET_SD_DB = 3.0
#: Survey places farther than this many length scales from a cell are left out of its prediction.
_REACH = 4.0
#: The hyperparameter search looks at most this many places per beacon (a fixed, evenly spread
#: subset): the marginal likelihood is settled long before, and its cost grows with the cube.
SEARCH_PLACES = 150


@dataclass(frozen=True, eq=False)
class BeaconField:
    """The GP of one beacon: surveyed places it was heard at, weights and the inverse for the variance.

    ``points`` indexes :attr:`RadioMap.lat`; ``resid`` the mean residual (dB) there and ``noise_var``
    its variance; ``alpha = (K + N)^-1 resid`` and ``inverse = (K + N)^-1``.
    """

    points: np.ndarray
    resid: np.ndarray
    noise_var: np.ndarray
    alpha: np.ndarray
    inverse: np.ndarray


@dataclass(frozen=True, eq=False)
class RadioMap:
    """Per-beacon residual fields over the surveyed places (see the module docstring).

    Attributes
    ----------
    lat, lon
        Surveyed places (P,).
    fields
        Beacon id -> :class:`BeaconField`.
    length_m, signal_db, offset_db
        Kernel: ``offset_db^2 + signal_db^2 exp(-d^2 / (2 length_m^2))``.
    session_db
        Sd of a place's mean residual that does not repeat between visits.
    reading_db
        Sd of one reading around its place's mean (scan to scan).
    """

    lat: np.ndarray
    lon: np.ndarray
    fields: Mapping[str, BeaconField]
    length_m: float
    signal_db: float
    offset_db: float = OFFSET_SD_DB
    session_db: float = 1.0
    reading_db: float = 4.0

    @property
    def prior_var(self) -> float:
        """Variance of the residual of a beacon the survey knows nothing about near a place."""
        return self.offset_db**2 + self.signal_db**2

    @property
    def noise_db(self) -> float:
        """Sd of a new reading around the field at its place: scan-to-scan plus visit-to-visit."""
        return math.hypot(self.reading_db, self.session_db)

    def _kernel(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        d2 = np.sum((a[:, None, :] - b[None, :, :]) ** 2, axis=2)
        return self.offset_db**2 + self.signal_db**2 * np.exp(-0.5 * d2 / self.length_m**2)

    def predict(self, frame: LocalFrame, cells: np.ndarray, ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Predicted residual (dB) and its variance (dB^2) of each beacon (columns) at each cell (rows).

        Beacons without a field get 0 and the prior variance (the model,
        with the spread the survey found elsewhere).
        """
        cells = np.asarray(cells, dtype=float).reshape(-1, 2)
        mean = np.zeros((len(cells), len(ids)))
        var = np.full((len(cells), len(ids)), self.prior_var)
        if not len(cells):
            return mean, var
        x, y = frame.to_xy(self.lat, self.lon)
        pts = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
        lo, hi = cells.min(axis=0) - _REACH * self.length_m, cells.max(axis=0) + _REACH * self.length_m
        near = np.all((pts >= lo) & (pts <= hi), axis=1)
        # Far places contribute only the constant offset; keep them (the offset is beacon-wide).
        k_far = np.full((len(cells), len(pts)), self.offset_db**2)
        if np.any(near):
            k_far[:, near] = self._kernel(cells, pts[near])
        for c, bid in enumerate(ids):
            f = self.fields.get(bid)
            if f is None:
                continue
            k = k_far[:, f.points]
            mean[:, c] = k @ f.alpha
            var[:, c] = np.maximum(self.prior_var - np.sum((k @ f.inverse) * k, axis=1), 0.0)
        return mean, var

    def without(self, places: np.ndarray) -> "RadioMap":
        """The same map refitted (same hyperparameters) with the given places left out.

        What cross-validation needs: how the map predicts where it was not surveyed.
        """
        drop = np.zeros(len(self.lat), dtype=bool)
        drop[np.asarray(places, dtype=int)] = True
        frame = LocalFrame(float(self.lat.mean()), float(self.lon.mean()))
        fields = {}
        for bid, f in self.fields.items():
            keep = ~drop[f.points]
            fields[bid] = _solve(self, frame, f.points[keep], f.resid[keep], f.noise_var[keep])
        return RadioMap(self.lat, self.lon, fields, self.length_m, self.signal_db, self.offset_db,
                        self.session_db, self.reading_db)

    # -- storage ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the inverses are recomputed on load)."""
        return {
            "lat": [float(v) for v in self.lat], "lon": [float(v) for v in self.lon],
            "length_m": self.length_m, "signal_db": self.signal_db, "offset_db": self.offset_db,
            "session_db": self.session_db, "reading_db": self.reading_db,
            "fields": {bid: {"points": [int(p) for p in f.points],
                             "residual_db": [float(v) for v in f.resid],
                             "noise_var": [float(v) for v in f.noise_var]}
                       for bid, f in self.fields.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "RadioMap":
        """Inverse of :meth:`to_dict`."""
        lat = np.asarray(data["lat"], dtype=float)
        lon = np.asarray(data["lon"], dtype=float)
        if lat.shape != lon.shape or lat.ndim != 1:
            raise ValueError("radio map: lat and lon must be lists of equal length")
        base = cls(lat, lon, {}, float(data["length_m"]), float(data["signal_db"]),
                   float(data.get("offset_db", OFFSET_SD_DB)), float(data.get("session_db", 1.0)),
                   float(data.get("reading_db", 4.0)))
        frame = LocalFrame(float(lat.mean()), float(lon.mean())) if len(lat) else None
        fields = {}
        for bid, f in data.get("fields", {}).items():
            points = np.asarray(f["points"], dtype=int)
            if points.size and (points.min() < 0 or points.max() >= len(lat)):
                raise ValueError(f"radio map: beacon {bid} refers to places that are not in the map")
            fields[str(bid)] = _solve(base, frame, points, np.asarray(f["residual_db"], dtype=float),
                                      np.asarray(f["noise_var"], dtype=float))
        return cls(lat, lon, fields, base.length_m, base.signal_db, base.offset_db, base.session_db,
                   base.reading_db)


def _solve(rmap: RadioMap, frame: LocalFrame | None, points: np.ndarray, resid: np.ndarray,
           noise_var: np.ndarray) -> BeaconField:
    """The GP of one beacon from its places' mean residuals and their noise variances."""
    if frame is None or not len(points):
        return BeaconField(points, resid, noise_var, np.zeros(0), np.zeros((0, 0)))
    x, y = frame.to_xy(rmap.lat[points], rmap.lon[points])
    pts = np.column_stack([x, y])
    cov = rmap._kernel(pts, pts) + np.diag(noise_var)
    inverse = np.linalg.inv(cov)
    return BeaconField(points, resid, noise_var, inverse @ resid, inverse)


def fit_radio_map(
    lat: np.ndarray,
    lon: np.ndarray,
    place_of: np.ndarray,
    beacon_ids: Sequence[str],
    beacon_of: np.ndarray,
    resid: np.ndarray,
    *,
    lengths_m: Sequence[float] = LENGTHS_M,
    signals_db: Sequence[float] = SIGNALS_DB,
    sessions_db: Sequence[float] = SESSION_SD_DB,
    offset_db: float = OFFSET_SD_DB,
) -> RadioMap:
    """Fit the residual fields from per-reading residuals of a survey.

    Parameters
    ----------
    lat, lon
        Surveyed places (P,).
    place_of, beacon_of, resid
        Per reading: its place (index into lat/lon), its beacon (index into
        ``beacon_ids``) and its residual in dB (reading minus model minus
        the scan's gain).

    The readings of a beacon at a place are averaged; the variance of that
    mean is ``reading^2 / count + session^2``, with ``reading`` the pooled
    scan-to-scan sd within (place, beacon) and ``session`` chosen with the
    kernel's length and size by the summed log marginal likelihood over all
    beacons (a grid search over generic ranges, on at most ``SEARCH_PLACES``
    places per beacon).
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    n_places = len(lat)
    nb = len(beacon_ids)
    key = beacon_of.astype(np.int64) * n_places + place_of
    uniq, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
    means = np.bincount(inv, resid) / counts
    dev = resid - means[inv]
    multi = counts[inv] >= 2
    if np.any(multi):
        reading = float(np.sqrt(np.sum(dev[multi] ** 2) / max(np.sum(1.0 - 1.0 / counts[inv][multi]), 1.0)))
    else:
        reading = float(np.std(resid)) if len(resid) > 1 else 4.0
    reading = max(reading, 0.5)
    g_beacon, g_place = uniq // n_places, uniq % n_places

    frame = LocalFrame(float(lat.mean()), float(lon.mean()))
    x, y = frame.to_xy(lat, lon)
    pts = np.column_stack([x, y])
    d2 = np.sum((pts[:, None, :] - pts[None, :, :]) ** 2, axis=2)
    groups = [(np.flatnonzero(g_beacon == j)) for j in range(nb)]
    searched = [g if len(g) <= SEARCH_PLACES else g[np.linspace(0, len(g) - 1, SEARCH_PLACES).astype(int)]
                for g in groups]

    best = None
    for length in lengths_m:
        shape = np.exp(-0.5 * d2 / length**2)
        for signal in signals_db:
            for session in sessions_db:
                total = 0.0
                for g in searched:
                    if not len(g):
                        continue
                    p = g_place[g]
                    cov = offset_db**2 + signal**2 * shape[np.ix_(p, p)]
                    cov[np.diag_indices_from(cov)] += reading**2 / counts[g] + session**2
                    try:
                        chol = np.linalg.cholesky(cov)
                    except np.linalg.LinAlgError:
                        total = -np.inf
                        break
                    z = np.linalg.solve(chol, means[g])
                    total += -0.5 * float(z @ z) - float(np.sum(np.log(np.diag(chol))))
                if best is None or total > best[0]:
                    best = (total, length, signal, session)
    _, length, signal, session = best
    rmap = RadioMap(lat, lon, {}, float(length), float(signal), float(offset_db), float(session), reading)
    fields = {}
    for j, g in enumerate(groups):
        if len(g):
            fields[beacon_ids[j]] = _solve(rmap, frame, g_place[g], means[g], reading**2 / counts[g] + session**2)
    return RadioMap(lat, lon, fields, rmap.length_m, rmap.signal_db, rmap.offset_db, rmap.session_db, reading)
