"""A radio map: where the path-loss model is wrong, learnt per deployment from a survey.

The log-distance model has the right shape but is wrong in detail: shelves,
walls and pillars make a beacon louder or quieter than the model in whole
regions, and the same offset repeats for every phone (on the UJI library
zone most of the squared error of fixes from 3+ beacons was such a fixed
offset per place). A survey walk measures it. :class:`RadioMap` holds, per
beacon, a Gaussian-process regression of the survey's residuals (reading
minus model minus the scan's gain) over the surveyed places:

    residual_j(x) ~ GP(0, c^2 + s^2 exp(-|x - x'|^2 / (2 l^2))
                          + t^2 exp(-|u_j(x) - u_j(x')|^2 / (2 w^2) - (r_j(x) - r_j(x'))^2 / (2 L^2)))

``c`` a constant offset of the beacon (its own tx power), ``s`` and ``l``
the size and reach of the spatial structure around places. The last term
is shadowing along rays: a shelf or a pillar quietens the beacon for
everything behind it as seen *from the beacon*, so two places in the same
direction from the beacon (``u_j`` the unit vector from beacon ``j``,
``r_j`` the distance) share an offset over a long stretch (``L``) but not
sideways (angular width ``w``, size ``t``). The hyperparameters are shared
by the beacons of a deployment and chosen by the marginal likelihood of the
survey itself (:func:`fit_radio_map`), nothing is set for one site; a
survey without such shadows gets ``t = 0``.

Positioning adds the predicted residual to the model RSSI of every cell and
the GP's predictive variance to the reading noise: near surveyed places the
map corrects the model, far from them it falls back to the model with a
correspondingly wider likelihood - so a coarse survey cannot make fixes
overconfident between its points.

Measured on the UJI library zone (``bench/bench_positioning.py``, single
scans, fitted on one survey campaign and tested on the other, whose places
are all 2.2-2.4 m from the surveyed ones): fixes from 3+ beacons 1.65 m
mean error uncalibrated -> 1.56 m with the calibration and the map (all
fixes 1.88 -> 1.79 m, p90 3.58 -> 3.47 m), accuracy radius still holding
~2/3. The ray term is a third of that gain (without it 1.59 m and 1.82 m);
the survey's evidence rises by 35-75 log units with it, and the place
kernel shrinks to almost nothing. The gain is small because most of
the error is scan-to-scan noise, not a fixed offset per place (~20 % of the
squared error of 3+-beacon fixes). It costs about 15-20 ms more per fix.

numpy (scipy for the hyperparameters); positions are stored as lat/lon and
projected into the frame of each scan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from scipy.optimize import minimize

from routing.geo import LocalFrame

__all__ = ["BeaconField", "RadioMap", "fit_radio_map", "LENGTHS_M", "SIGNALS_DB", "SESSION_SD_DB", "OFFSET_SD_DB",
           "RAY_SDS_DB", "RAY_WIDTHS", "RAY_LENGTHS_M"]

#: Candidate hyperparameters searched by :func:`fit_radio_map` (generic ranges, not one site's values):
#: reach of the spatial structure (m), its size (dB) and the part of a place's mean that does not repeat
#: between visits (another phone, another day; dB).
LENGTHS_M: tuple[float, ...] = (1.0, 1.5, 2.0, 3.0, 4.5, 6.5, 10.0)
SIGNALS_DB: tuple[float, ...] = (1.0, 2.0, 3.0, 4.5, 6.5)
SESSION_SD_DB: tuple[float, ...] = (0.5, 1.0, 2.0, 3.0, 4.5)
#: The shadowing along rays from the beacon: its size (dB; 0 = none), angular width (distance between
#: unit vectors: 0.3 ~ 17 degrees) and reach along the ray (m).
RAY_SDS_DB: tuple[float, ...] = (0.0, 2.0, 3.5, 5.0, 7.0)
RAY_WIDTHS: tuple[float, ...] = (0.15, 0.3, 0.6, 1.0)
RAY_LENGTHS_M: tuple[float, ...] = (3.0, 6.0, 12.0, 24.0)
#: Prior sd (dB) of a beacon's constant offset from the shared model (same as per-beacon tx power).
OFFSET_SD_DB = 3.0
#: Survey places farther than this many length scales from a cell are left out of its prediction.
_REACH = 4.0
#: Directions are taken as if this far (m) above the beacon: right under it there is no direction.
_RAY_CORE_M = 1.0
#: The hyperparameter search looks at most this many places per beacon (a fixed, evenly spread
#: subset): the marginal likelihood is settled long before, and its cost grows with the cube.
SEARCH_PLACES = 150
#: Rounds of the coordinate-wise search (place kernel, then rays, and again).
_SEARCH_ROUNDS = 2


@dataclass(frozen=True, eq=False)
class BeaconField:
    """The GP of one beacon: surveyed places it was heard at, weights and the inverse for the variance.

    ``points`` indexes :attr:`RadioMap.lat`; ``resid`` the mean residual (dB) there and ``noise_var``
    its variance; ``alpha = (K + N)^-1 resid`` and ``inverse = (K + N)^-1``. ``origin`` is the
    beacon's (lat, lon) at the survey, which the ray term needs (None: no ray term for it), and
    ``rays`` the places' directions and distances from it (frame-free, so computed once).
    """

    points: np.ndarray
    resid: np.ndarray
    noise_var: np.ndarray
    alpha: np.ndarray
    inverse: np.ndarray
    origin: tuple[float, float] | None = None
    rays: tuple[np.ndarray, np.ndarray] | None = None


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
        Place kernel: ``offset_db^2 + signal_db^2 exp(-d^2 / (2 length_m^2))``.
    session_db
        Sd of a place's mean residual that does not repeat between visits.
    reading_db
        Sd of one reading around its place's mean (scan to scan).
    ray_db, ray_width, ray_length_m
        Shadowing along rays from the beacon (``t``, ``w``, ``L`` of the module docstring); 0 = none.
    """

    lat: np.ndarray
    lon: np.ndarray
    fields: Mapping[str, BeaconField]
    length_m: float
    signal_db: float
    offset_db: float = OFFSET_SD_DB
    session_db: float = 1.0
    reading_db: float = 4.0
    ray_db: float = 0.0
    ray_width: float = 0.3
    ray_length_m: float = 12.0

    @property
    def prior_var(self) -> float:
        """Variance of the residual of a beacon the survey knows nothing about near a place."""
        return self.offset_db**2 + self.signal_db**2 + self.ray_db**2

    @property
    def noise_db(self) -> float:
        """Sd of a new reading around the field at its place: scan-to-scan plus visit-to-visit."""
        return math.hypot(self.reading_db, self.session_db)

    def _kernel(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The place kernel (offset and spatial structure) between points ``a`` (n, 2) and ``b`` (p, 2)."""
        d2 = np.sum((a[:, None, :] - b[None, :, :]) ** 2, axis=2)
        return _place_term(d2, self.offset_db, self.signal_db, self.length_m)

    def _ray_kernel(self, a: np.ndarray, beacon: np.ndarray, b: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """The ray term between points ``a`` and places with rays ``b`` as seen from ``beacon`` (2,)."""
        ua, ra = _rays(a, beacon)
        return _ray_term(ua, ra, *b, self.ray_db, self.ray_width, self.ray_length_m)

    def _origin_xy(self, frame: LocalFrame, origin: tuple[float, float] | None) -> np.ndarray | None:
        """A field's beacon (lat, lon) in ``frame``, or None when the map has no ray term for it."""
        if self.ray_db <= 0 or origin is None:
            return None
        x, y = frame.to_xy(np.array([origin[0]]), np.array([origin[1]]))
        return np.array([float(x[0]), float(y[0])])

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
            origin = self._origin_xy(frame, f.origin)
            if origin is not None and f.rays is not None:
                k = k + self._ray_kernel(cells, origin, f.rays)
            mean[:, c] = k @ f.alpha
            var[:, c] = np.maximum(self.prior_var - np.einsum("np,np->n", k @ f.inverse, k), 0.0)
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
            fields[bid] = _solve(self, frame, f.points[keep], f.resid[keep], f.noise_var[keep], f.origin)
        return replace(self, fields=fields)

    # -- storage ------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the inverses are recomputed on load)."""
        fields = {}
        for bid, f in self.fields.items():
            fields[bid] = {"points": [int(p) for p in f.points],
                           "residual_db": [float(v) for v in f.resid],
                           "noise_var": [float(v) for v in f.noise_var]}
            if f.origin is not None:
                fields[bid]["beacon"] = [float(f.origin[0]), float(f.origin[1])]
        return {
            "lat": [float(v) for v in self.lat], "lon": [float(v) for v in self.lon],
            "length_m": self.length_m, "signal_db": self.signal_db, "offset_db": self.offset_db,
            "session_db": self.session_db, "reading_db": self.reading_db,
            "ray_db": self.ray_db, "ray_width": self.ray_width, "ray_length_m": self.ray_length_m,
            "fields": fields,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "RadioMap":
        """Inverse of :meth:`to_dict`; maps written before the ray term load without it.

        Raises ValueError naming the first value of wrong type or range (a hand-edited or
        damaged file must fail at load, not at every fix).
        """
        if not isinstance(data, Mapping):
            raise ValueError("radio map: expected an object")
        lat = _values(data.get("lat"), "lat", -90.0, 90.0)
        lon = _values(data.get("lon"), "lon", -180.0, 180.0)
        if len(lat) != len(lon):
            raise ValueError("radio map: lat and lon must be lists of equal length")
        size = {key: _value(data, key, default, low, strict)
                for key, default, low, strict in (("length_m", None, 0.0, True), ("signal_db", None, 0.0, False),
                                                  ("offset_db", OFFSET_SD_DB, 0.0, False),
                                                  ("session_db", 1.0, 0.0, False), ("reading_db", 4.0, 0.0, True),
                                                  ("ray_db", 0.0, 0.0, False), ("ray_width", cls.ray_width, 0.0, True),
                                                  ("ray_length_m", cls.ray_length_m, 0.0, True))}
        base = cls(lat, lon, {}, **size)
        raw_fields = data.get("fields") or {}
        if not isinstance(raw_fields, Mapping):
            raise ValueError("radio map: 'fields' must be an object of beacon id -> field")
        frame = LocalFrame(float(lat.mean()), float(lon.mean())) if len(lat) else None
        fields = {}
        for bid, f in raw_fields.items():
            if not isinstance(f, Mapping):
                raise ValueError(f"radio map: beacon {bid}: expected an object")
            points = _values(f.get("points"), f"beacon {bid}: points", 0, len(lat) - 1, "are not in the map")
            if not np.all(points == np.round(points)):
                raise ValueError(f"radio map: beacon {bid}: points must be whole numbers")
            resid = _values(f.get("residual_db"), f"beacon {bid}: residual_db", -100.0, 100.0)
            noise_var = _values(f.get("noise_var"), f"beacon {bid}: noise_var", 1e-6, 1e4)
            if not len(points) == len(resid) == len(noise_var):
                raise ValueError(f"radio map: beacon {bid}: points, residual_db and noise_var differ in length")
            origin = f.get("beacon")
            if origin is not None:
                if not isinstance(origin, list) or len(origin) != 2:
                    raise ValueError(f"radio map: beacon {bid}: 'beacon' must be [lat, lon]")
                origin = (float(_values([origin[0]], f"beacon {bid}: lat", -90.0, 90.0)[0]),
                          float(_values([origin[1]], f"beacon {bid}: lon", -180.0, 180.0)[0]))
            elif base.ray_db > 0:
                raise ValueError(f"radio map: beacon {bid}: 'beacon' [lat, lon] is missing, the ray term needs it")
            fields[str(bid)] = _solve(base, frame, points.astype(int), resid, noise_var, origin)
        return replace(base, fields=fields)


def _values(value: Any, what: str, low: float, high: float, outside: str = "") -> np.ndarray:
    """A JSON list of finite numbers within [low, high] as an array, or ValueError naming ``what``."""
    if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value):
        raise ValueError(f"radio map: {what} must be a list of numbers")
    out = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(out)) or np.any(out < low) or np.any(out > high):
        raise ValueError(f"radio map: {what} {outside or f'must be from {low:g} to {high:g}'}")
    return out


def _value(data: Mapping[str, Any], key: str, default: float | None, low: float, strict: bool) -> float:
    """A hyperparameter: a finite number above ``low`` (``strict``) or at least ``low``."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < low or (strict and value == low):
        raise ValueError(f"radio map: {key} must be a number {'>' if strict else '>='} {low:g}, not {value!r}")
    return float(value)


def _rays(points: np.ndarray, beacon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit-ish vectors from ``beacon`` to ``points`` (n, 2) and the distances, taken ``_RAY_CORE_M`` above it.

    Shorter than 1 right under the beacon, so places there are close to every direction.
    """
    d = points - beacon[None, :]
    r = np.sqrt(np.sum(d * d, axis=1) + _RAY_CORE_M**2)
    return d / r[:, None], r


def _place_term(d2: np.ndarray, offset_db: float, signal_db: float, length_m: float) -> np.ndarray:
    """The place kernel from squared distances: ``offset^2 + signal^2 exp(-d2 / (2 length^2))``."""
    return offset_db**2 + signal_db**2 * np.exp(-0.5 * d2 / length_m**2)


def _ray_term(ua: np.ndarray, ra: np.ndarray, ub: np.ndarray, rb: np.ndarray,
              size_db: float, width: float, length_m: float) -> np.ndarray:
    """``size^2 exp(-|ua - ub|^2 / (2 width^2) - (ra - rb)^2 / (2 length^2))``, (n, p).

    A squared-exponential kernel of the embedding ``(u / width, r / length)``, so positive
    definite; the exponent is one (n, 5) x (5, p) product (it is the hot part of a fix).
    """
    a2 = 0.5 * (np.sum(ua * ua, axis=1) / width**2 + ra**2 / length_m**2)
    b2 = 0.5 * (np.sum(ub * ub, axis=1) / width**2 + rb**2 / length_m**2)
    left = np.column_stack([ua, ra, -a2, np.ones(len(ra))])
    right = np.column_stack([ub / width**2, rb / length_m**2, np.ones(len(rb)), -b2])
    out = left @ right.T
    np.minimum(out, 0.0, out=out)
    np.exp(out, out=out)
    out *= size_db**2
    return out


def _solve(rmap: RadioMap, frame: LocalFrame | None, points: np.ndarray, resid: np.ndarray,
           noise_var: np.ndarray, origin: tuple[float, float] | None = None) -> BeaconField:
    """The GP of one beacon from its places' mean residuals and their noise variances."""
    if frame is None or not len(points):
        return BeaconField(points, resid, noise_var, np.zeros(0), np.zeros((0, 0)), origin)
    x, y = frame.to_xy(rmap.lat[points], rmap.lon[points])
    pts = np.column_stack([x, y])
    cov = rmap._kernel(pts, pts) + np.diag(noise_var)
    beacon = rmap._origin_xy(frame, origin)
    rays = None
    if beacon is not None:
        rays = _rays(pts, beacon)
        cov += rmap._ray_kernel(pts, beacon, rays)
    inverse = np.linalg.inv(cov)
    return BeaconField(points, resid, noise_var, inverse @ resid, inverse, origin, rays)


class _Evidence:
    """Log marginal likelihood of a survey's place means under given hyperparameters, summed over beacons.

    Distances, directions and place means are computed once; each call only builds the
    kernels and factorises them.
    """

    def __init__(self, d2: np.ndarray, groups: list[np.ndarray], place_of: np.ndarray, means: np.ndarray,
                 base_var: np.ndarray, rays: list[tuple[np.ndarray, np.ndarray] | None], offset_db: float):
        self.d2 = [d2[np.ix_(place_of[g], place_of[g])] for g in groups]
        self.means = [means[g] for g in groups]
        self.base_var = [base_var[g] for g in groups]
        self.rays = rays
        self.offset_db = offset_db

    def __call__(self, length: float, signal: float, session: float,
                 ray: float, width: float, ray_length: float) -> float:
        total = 0.0
        for j, d2 in enumerate(self.d2):
            if not len(d2):
                continue
            cov = _place_term(d2, self.offset_db, signal, length)
            if ray > 0 and self.rays[j] is not None:
                u, r = self.rays[j]
                cov += _ray_term(u, r, u, r, ray, width, ray_length)
            cov[np.diag_indices_from(cov)] += self.base_var[j] + session**2
            try:
                chol = np.linalg.cholesky(cov)
            except np.linalg.LinAlgError:
                return -np.inf
            z = np.linalg.solve(chol, self.means[j])
            total += -0.5 * float(z @ z) - float(np.sum(np.log(np.diag(chol))))
        return total


def _grid_search(score: Callable[..., float], fixed: dict[str, float], grid: dict[str, Sequence[float]]
                 ) -> tuple[float, dict[str, float]]:
    """The best combination of ``grid`` (all others as in ``fixed``) and its score."""
    best: tuple[float, dict[str, float]] = (-np.inf, dict(fixed))
    names = list(grid)
    for values in np.array(np.meshgrid(*[grid[n] for n in names], indexing="ij")).reshape(len(names), -1).T:
        trial = {**fixed, **dict(zip(names, (float(v) for v in values)))}
        total = score(**trial)
        if total > best[0]:
            best = (total, trial)
    return best


#: Bounds of the continuous refinement, as (low, high) per hyperparameter.
_BOUNDS = {"length": (0.5, 20.0), "signal": (0.1, 10.0), "session": (0.1, 6.0),
           "ray": (0.1, 10.0), "width": (0.05, 2.0), "ray_length": (1.0, 50.0)}


def _refine(score: Callable[..., float], start: dict[str, float]) -> dict[str, float]:
    """Polish a grid optimum by L-BFGS-B on the log hyperparameters (within ``_BOUNDS``).

    The grid alone stops at its edges and between its points; this finds the
    maximum of the evidence the grid's best point leads to. Kept only if better.
    """
    names = ["length", "signal", "session"] + (["ray", "width", "ray_length"] if start.get("ray", 0.0) > 0 else [])
    lo = np.log([_BOUNDS[n][0] for n in names])
    hi = np.log([_BOUNDS[n][1] for n in names])
    x0 = np.clip(np.log([start[n] for n in names]), lo, hi)

    def loss(x: np.ndarray) -> float:
        value = score(**{**start, **dict(zip(names, np.exp(x)))})
        return 1e12 if not np.isfinite(value) else -value

    res = minimize(loss, x0, method="L-BFGS-B", bounds=list(zip(lo, hi)))
    if res.fun < loss(x0):
        return {**start, **{n: float(v) for n, v in zip(names, np.exp(res.x))}}
    return start


def fit_radio_map(
    lat: np.ndarray,
    lon: np.ndarray,
    place_of: np.ndarray,
    beacon_ids: Sequence[str],
    beacon_of: np.ndarray,
    resid: np.ndarray,
    *,
    beacons: Sequence[tuple[float, float]] | None = None,
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
    beacons
        The (lat, lon) of each of ``beacon_ids``; without them the map has
        no ray term.

    The readings of a beacon at a place are averaged; the variance of that
    mean is ``reading^2 / count + session^2``, with ``reading`` the pooled
    scan-to-scan sd within (place, beacon) and the rest chosen by the summed
    log marginal likelihood over all beacons (on at most ``SEARCH_PLACES``
    places per beacon): a grid search over generic ranges, coordinate-wise
    (the place kernel with the session sd, then the ray term, twice; a tenth
    of the full grid's cost), then polished by L-BFGS-B, since the evidence's
    maximum often lies between or beyond the grid's points.
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
    origins: list[tuple[float, float] | None] = [None] * nb
    rays: list[tuple[np.ndarray, np.ndarray] | None] = [None] * nb
    if beacons is not None:
        origins = [(float(b[0]), float(b[1])) for b in beacons]
        bx, by = frame.to_xy(np.array([o[0] for o in origins]), np.array([o[1] for o in origins]))
        rays = [_rays(pts[g_place[g]], np.array([bx[j], by[j]])) for j, g in enumerate(searched)]
    evidence = _Evidence(d2, searched, g_place, means, reading**2 / counts, rays, offset_db)

    place_grid = {"length": lengths_m, "signal": signals_db, "session": sessions_db}
    ray_grid = {"ray": RAY_SDS_DB, "width": RAY_WIDTHS, "ray_length": RAY_LENGTHS_M}
    no_rays = {"ray": 0.0, "width": RadioMap.ray_width, "ray_length": RadioMap.ray_length_m}
    _, best = _grid_search(evidence, no_rays, place_grid)
    if beacons is not None:
        for _ in range(_SEARCH_ROUNDS):
            before = dict(best)
            _, best = _grid_search(evidence, best, ray_grid)
            _, best = _grid_search(evidence, best, place_grid)
            if best == before:
                break
    best = _refine(evidence, best)
    rmap = RadioMap(lat, lon, {}, best["length"], best["signal"], float(offset_db), best["session"], reading,
                    best["ray"], best["width"], best["ray_length"])
    fields = {}
    for j, g in enumerate(groups):
        if len(g):
            fields[beacon_ids[j]] = _solve(rmap, frame, g_place[g], means[g], reading**2 / counts[g] + rmap.session_db**2,
                                           origins[j])
    return replace(rmap, fields=fields)
