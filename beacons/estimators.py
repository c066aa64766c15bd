"""Position estimators in a local metric frame (metres east/north).

Pure numpy: no ids, no lat/lon, no registry. :mod:`beacons.positioning`
turns a scan into the arrays these functions take.

The radio model is the log-distance path-loss law

    rssi = tx_power + g - 10 n log10(sqrt(d^2 + h^2)) + noise

with ``tx_power`` and ``n`` per beacon, ``h`` the height difference between
beacon and phone, ``g`` an unknown receiver-gain offset of the phone (shared
by all readings of one scan) and Gaussian noise in dB. A direction effect
of the scan (body shadow, antenna: beacons on one side louder, on the other
quieter) is shared too; both are integrated out in closed form
(:mod:`beacons.scan_offsets`).

Two more pieces of evidence enter the grid posterior when the caller knows
the registered beacons around the heard ones:

- *silent beacons* (negative evidence): a registered beacon that was not
  heard makes positions where it would have been loud less likely. A beacon
  is reported when its reading clears the receiver's sensitivity
  (``sensitivity_dbm``) *and* the scan caught one of its advertisements; the
  second factor, the scan's detection rate ``q``, is unknown (a short scan
  catches a random few beacons, a long one nearly all in range), so it is
  integrated out over ``detection_rates``. A scan that heard one beacon among
  twenty in range thus says little, a long scan that missed a beacon says it
  is far.
- the *area* prior for scans that heard too few beacons to bound the
  position themselves: the phone is within the convex hull of the registered
  beacons around the heard ones (beacons are installed where people walk),
  falling off as a Gaussian of ``area_edge_m`` outside it.

Measured on the UJI library zone (``bench/bench_positioning.py``, single
scans): the area prior brings fixes from 1-2 beacons from 5.21 m to 4.11 m
mean error (p90 8.7 -> 6.8 m); the negative evidence leaves the errors of
fixes from 3+ beacons as they were (1.67 m) and makes their accuracy radius
tighter and more honest (error within it 0.75 -> 0.71). In that zone phones
that heard 1-2 beacons mostly had just started scanning, so the silence of
the others says little - as the integrated detection rate lets it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np
from scipy.special import logsumexp, ndtr, ndtri

from .params import ACCURACY_QUANTILE, PositioningParams
from .scan_offsets import SharedOffsets, integrate, moments, prior_variances, towards

__all__ = [
    "Estimate",
    "Correction",
    "Posterior",
    "Silent",
    "convex_hull",
    "distance_outside",
    "RADIUS_PER_RMS",
    "expected_rssi",
    "range_from_rssi",
    "likelihood_posterior",
    "weighted_centroid",
    "estimate_likelihood",
    "estimate_centroid",
    "estimate_proximity",
]

#: For an isotropic 2-D Gaussian error with RMS radius ``r`` (= sqrt of the
#: covariance trace), the circle containing the truth with probability ``q``
#: has radius ``r * sqrt(-ln(1 - q))``; 1.048 for q = 2/3.
RADIUS_PER_RMS = math.sqrt(-math.log(1.0 - ACCURACY_QUANTILE))
#: The negative evidence is evaluated on a lattice at least this far apart (m) and of at most
#: this many points, then interpolated: it changes over metres, and it is the costly part.
_SILENCE_STEP_M = 0.5
_SILENCE_CELLS = 2000
#: One-sided standard-normal quantile of ``ACCURACY_QUANTILE`` (0.43).
_Z_Q = float(ndtri(ACCURACY_QUANTILE))


@dataclass(frozen=True)
class Estimate:
    """A position in the local frame with its accuracy radius (metres)."""

    x: float
    y: float
    accuracy_m: float
    method: str


@dataclass(frozen=True)
class Posterior:
    """Summary of the grid posterior: mean and covariance in metres."""

    mean: np.ndarray
    cov: np.ndarray


@dataclass(frozen=True)
class Silent:
    """Registered beacons near the scan that were *not* heard.

    ``xy`` (k, 2) positions in the local frame, ``tx_power`` and ``exponent`` (k,).
    """

    xy: np.ndarray
    tx_power: np.ndarray
    exponent: np.ndarray

    def __len__(self) -> int:
        return len(self.xy)


def convex_hull(points: np.ndarray) -> np.ndarray:
    """Vertices of the convex hull of ``points`` (n, 2), counter-clockwise.

    Andrew's monotone chain; degenerate inputs give fewer vertices: one point,
    or the two ends of a line of collinear points.
    """
    pts = np.unique(np.asarray(points, dtype=float).reshape(-1, 2), axis=0)  # sorted by x, then y
    if len(pts) <= 2:
        return pts

    def half(seq):
        out: list[np.ndarray] = []
        for p in seq:
            while len(out) >= 2:
                a, b = out[-2], out[-1]
                if (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) > 1e-12:
                    break
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(pts[::-1])
    hull = np.array(lower[:-1] + upper[:-1])
    return hull if len(hull) >= 2 else pts[[0, -1]]


def distance_outside(cells: np.ndarray, hull: np.ndarray) -> np.ndarray:
    """Distance (m) of each cell from the convex polygon ``hull`` (as from :func:`convex_hull`); 0 inside."""
    if len(hull) == 1:
        return np.hypot(cells[:, 0] - hull[0, 0], cells[:, 1] - hull[0, 1])
    a = hull
    b = np.roll(hull, -1, axis=0)
    if len(hull) == 2:
        a, b = hull[:1], hull[1:]
    ab = b - a                                                    # (e, 2)
    ap = cells[:, None, :] - a[None, :, :]                        # (c, e, 2)
    t = np.clip(np.sum(ap * ab, axis=2) / np.maximum(np.sum(ab * ab, axis=1), 1e-12), 0.0, 1.0)
    dist = np.min(np.linalg.norm(ap - t[:, :, None] * ab[None, :, :], axis=2), axis=1)
    if len(hull) >= 3:
        cross = ab[None, :, 0] * ap[:, :, 1] - ab[None, :, 1] * ap[:, :, 0]
        dist = np.where(np.all(cross >= 0.0, axis=1), 0.0, dist)
    return dist


def expected_rssi(d_m, tx_power, exponent, height_m: float = 0.0):
    """Model RSSI (dBm) at horizontal distance ``d_m`` from a beacon."""
    d3 = np.sqrt(np.square(d_m) + height_m**2)
    return tx_power - 10.0 * exponent * np.log10(np.maximum(d3, 1e-3))


def range_from_rssi(rssi, tx_power, exponent, height_m: float = 0.0):
    """Horizontal distance (m) at which the model predicts ``rssi``; the inverse of :func:`expected_rssi`."""
    d3 = 10.0 ** ((np.asarray(tx_power) - np.asarray(rssi)) / (10.0 * np.asarray(exponent)))
    return np.sqrt(np.maximum(d3**2 - height_m**2, 0.0))


def _expected_on_grid(cells: np.ndarray, xy: np.ndarray, tx_power: np.ndarray, exponent: np.ndarray,
                      height_m: float, orientation: bool = False) -> tuple[np.ndarray, list[np.ndarray]]:
    """:func:`expected_rssi` of each beacon (columns) at each cell (rows), and the shared offsets' design.

    The design (:func:`beacons.scan_offsets.design`) reuses the offsets and
    distances computed here: on the grid they are a good part of the cost.
    """
    dx = xy[None, :, 0] - cells[:, 0:1]
    dy = xy[None, :, 1] - cells[:, 1:2]
    d2 = dx * dx
    d2 += dy * dy
    d2 += height_m**2
    np.maximum(d2, 1e-6, out=d2)
    columns = towards(dx, dy, d2) if orientation else []
    out = np.log10(d2)
    out *= -5.0 * exponent[None, :]
    out += tx_power[None, :]
    return out, columns


class _Grid(NamedTuple):
    """Cell centres (n, 2), row by row (``ny`` rows of ``nx`` cells), ``step`` metres apart."""

    cells: np.ndarray
    ny: int
    nx: int
    step: float


def _grid(lo: np.ndarray, hi: np.ndarray, params: PositioningParams, step: float | None = None) -> _Grid:
    """Cells covering [lo, hi] every ``step`` (default ``grid_step_m``), at most ``max_grid_cells`` of them."""
    size = np.maximum(hi - lo, 0.0)
    step = params.grid_step_m if step is None else step
    cells = (size[0] / step + 1) * (size[1] / step + 1)
    if cells > params.max_grid_cells:
        step = max(step, math.sqrt((size[0] + step) * (size[1] + step) / params.max_grid_cells))
    xs = np.arange(lo[0], hi[0] + step / 2, step)
    ys = np.arange(lo[1], hi[1] + step / 2, step)
    gx, gy = np.meshgrid(xs, ys)
    return _Grid(np.column_stack([gx.ravel(), gy.ravel()]), len(ys), len(xs), float(step))


def _coarse(n: int, stride: int) -> np.ndarray:
    """Every ``stride``-th index of ``range(n)``, always including the last."""
    idx = np.arange(0, n, stride)
    return idx if idx[-1] == n - 1 else np.append(idx, n - 1)


def _upsample(values: np.ndarray, iy: np.ndarray, ix: np.ndarray, ny: int, nx: int) -> np.ndarray:
    """Bilinear interpolation to all ``ny`` x ``nx`` cells of ``values`` given on rows ``iy`` and columns ``ix``.

    ``values`` (len(iy), len(ix)) gives (ny * nx,); with trailing columns (len(iy), len(ix), k), (ny * nx, k).
    """
    def axis(idx: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if len(idx) == 1:
            zero = np.zeros(n, dtype=int)
            return zero, zero, np.zeros(n)
        f = np.interp(np.arange(n), idx, np.arange(len(idx), dtype=float))
        k0 = np.minimum(np.floor(f).astype(int), len(idx) - 2)
        return k0, k0 + 1, f - k0

    if values.ndim == 2:
        y0, y1, ty = axis(iy, ny)
        x0, x1, tx = axis(ix, nx)
        ty, tx = ty[:, None], tx[None, :]
        out = ((1 - ty) * ((1 - tx) * values[np.ix_(y0, x0)] + tx * values[np.ix_(y0, x1)])
               + ty * ((1 - tx) * values[np.ix_(y1, x0)] + tx * values[np.ix_(y1, x1)]))
        return out.ravel()

    # Separable: along rows, then along columns, for all trailing columns at once.
    y0, y1, ty = axis(iy, ny)
    x0, x1, tx = axis(ix, nx)
    extra = (None,) * (values.ndim - 2)
    rows = values[y0] * (1 - ty)[(slice(None), None, *extra)] + values[y1] * ty[(slice(None), None, *extra)]
    out = rows[:, x0] * (1 - tx)[(None, slice(None), *extra)] + rows[:, x1] * tx[(None, slice(None), *extra)]
    return out.reshape(ny * nx, *values.shape[2:])


#: A radio map's view of one scan: cells (n, 2) -> (residual, variance), each (n, heard + silent), dB.
Correction = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
#: The radio map is evaluated on a lattice at least this far apart (m) and of at most this many
#: points, then interpolated: it changes over metres (its length scale is >= 1 m).
_FIELD_STEP_M = 0.5
_FIELD_CELLS = 2500


def _field_on_grid(grid: _Grid, correction: Correction) -> tuple[np.ndarray, np.ndarray]:
    """The radio map's residual and variance at every cell of ``grid``, from a coarser lattice."""
    stride = max(1, int(round(_FIELD_STEP_M / grid.step)), math.ceil(math.sqrt(len(grid.cells) / _FIELD_CELLS)))
    if stride == 1:
        return correction(grid.cells)
    iy, ix = _coarse(grid.ny, stride), _coarse(grid.nx, stride)
    at = (iy[:, None] * grid.nx + ix[None, :]).ravel()
    mean, var = correction(grid.cells[at])
    shape = (len(iy), len(ix), mean.shape[1])
    return (_upsample(mean.reshape(shape), iy, ix, grid.ny, grid.nx),
            _upsample(var.reshape(shape), iy, ix, grid.ny, grid.nx))


def likelihood_posterior(
    xy: np.ndarray,
    rssi: np.ndarray,
    tx_power: np.ndarray,
    exponent: np.ndarray,
    noise_sd: np.ndarray,
    params: PositioningParams,
    *,
    area: np.ndarray | None = None,
    silent: Silent | None = None,
    n_scans: int = 1,
    correction: Correction | None = None,
) -> Posterior | None:
    """Posterior mean and covariance of the position on a grid.

    Why a grid and not a least-squares fit: with few, noisy readings the
    likelihood is often banana-shaped or multi-modal; the grid gives the whole
    posterior, so its covariance is an honest spread (geometry and residuals
    both enter), and there is no starting point to get wrong. A weighted
    non-linear least-squares fit (scipy ``least_squares``, robust loss) was
    measured too and was less accurate on real scans.

    The offsets every reading of the scan shares - the receiver gain ``g``
    (Gaussian prior, sd ``gain_sd_db``) and the carrier's orientation
    (``orientation_sd_db``) - are integrated out in closed form
    (:mod:`beacons.scan_offsets`); the noise level is a mixture over
    ``noise_scales``.

    Parameters
    ----------
    xy : (m, 2) heard beacon positions; rssi, tx_power, exponent, noise_sd : (m,).
    area
        Optional (k, 2) positions of registered beacons around the heard
        ones. Given, the prior is their convex hull together with the heard
        beacons (Gaussian fall-off of ``area_edge_m`` outside) instead of the
        bounding box of the heard beacons alone.
    silent
        Registered beacons in range that were not heard (negative evidence).
    n_scans
        Scans pooled into ``rssi``: a beacon silent in all of them was missed
        by each, so the per-scan detection rate ``q`` becomes ``1 - (1 - q) ** n_scans``.
    correction
        Optional radio map (:class:`Correction`): per cell, a residual added
        to the model RSSI of the heard beacons then the silent ones, and its
        variance added to the reading noise.

    Returns
    -------
    Posterior or None when the posterior is degenerate (non-finite).
    """
    if area is not None:
        hull = convex_hull(np.vstack([xy, np.asarray(area, dtype=float).reshape(-1, 2)]))
        edge = params.area_edge_m
        pad = 3.0 * max(edge, params.area_grid_step_m)
        grid = _grid(hull.min(axis=0) - pad, hull.max(axis=0) + pad, params, params.area_grid_step_m)
        cells = grid.cells
        log_prior = -0.5 * (distance_outside(cells, hull) / max(edge, 1e-6)) ** 2
    else:
        edge = params.prior_edge_m
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        pad = 3.0 * edge
        grid = _grid(lo - pad, hi + pad, params)
        cells = grid.cells
        outside = np.maximum(lo - cells, 0.0) + np.maximum(cells - hi, 0.0)
        if edge > 0:
            log_prior = -0.5 * np.sum(outside**2, axis=1) / edge**2
        else:
            log_prior = np.zeros(len(cells))

    expected, columns = _expected_on_grid(cells, xy, tx_power, exponent, params.antenna_height_m,
                                          params.orientation_sd_db > 0)
    resid = rssi[None, :] - expected
    m = len(rssi)
    field_mean = field_var = None
    if correction is not None:
        field_mean, field_var = _field_on_grid(grid, correction)
        resid -= field_mean[:, :m]
    prior_var = prior_variances(params.gain_sd_db, params.orientation_sd_db)
    noise_var = noise_sd**2 if field_var is None else noise_sd[None, :] ** 2 + field_var[:, :m]
    mom = moments(resid, 1.0 / noise_var, columns)
    terms = [integrate(mom, prior_var, scale).loglik for scale in params.noise_scales]
    log_post = logsumexp(np.stack(terms), axis=0) - math.log(len(terms)) + log_prior
    if silent is not None and len(silent) and params.negative_evidence:
        # The silence term changes over metres, not cells: evaluate it on a lattice at least
        # _SILENCE_STEP_M apart and of at most _SILENCE_CELLS points, and interpolate.
        stride = max(1, int(round(_SILENCE_STEP_M / grid.step)), math.ceil(math.sqrt(len(cells) / _SILENCE_CELLS)))
        iy, ix = _coarse(grid.ny, stride), _coarse(grid.nx, stride)
        at = (iy[:, None] * grid.nx + ix[None, :]).ravel()
        offsets = integrate(mom.at(at), prior_var, with_cov=True)
        field = None if field_mean is None else (field_mean[at, m:], field_var[at, m:])
        quiet = _log_silence(cells[at], offsets, len(rssi), silent, params, n_scans, field)
        log_post = log_post + _upsample(quiet.reshape(len(iy), len(ix)), iy, ix, grid.ny, grid.nx)
    if not np.all(np.isfinite(log_post)):
        return None
    w = np.exp(log_post - log_post.max())
    w /= w.sum()
    mean = w @ cells
    dev = cells - mean
    cov = (dev * w[:, None]).T @ dev
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(cov))):
        return None
    return Posterior(mean=mean, cov=cov)


def _log_silence(cells: np.ndarray, offsets: SharedOffsets, n_heard: int, silent: Silent,
                 params: PositioningParams, n_scans: int,
                 field: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Log-likelihood per cell of hearing the ``n_heard`` beacons and none of ``silent``.

    At each cell the scan's shared offsets (gain, orientation) are estimated
    from the heard readings (``offsets``: their conditional mean, with the
    remaining uncertainty added to the spread); a silent beacon would then
    have been reported with probability ``q * Phi((predicted rssi -
    sensitivity) / sd)``. The scan's detection rate ``q`` is integrated out
    over ``detection_rates`` (uniform prior); each heard beacon contributes a
    factor ``q``. ``field`` (a radio map): the residual of the silent beacons
    and its variance, per cell.
    """
    loud, directions = _expected_on_grid(cells, silent.xy, silent.tx_power, silent.exponent,
                                         params.antenna_height_m, params.orientation_sd_db > 0)
    cols = [None] + directions
    var = np.full_like(loud, params.noise_db**2)
    for a, col_a in enumerate(cols):                # x^T mean and x^T cov x, the gain's column being 1
        loud += offsets.mean[:, a:a + 1] * (1.0 if col_a is None else col_a)
        for b in range(a, len(cols)):
            term = offsets.cov[:, a, b][:, None] * (2.0 if b > a else 1.0)
            for col in (col_a, cols[b]):
                if col is not None:
                    term = term * col
            var += term
    if field is not None:
        silent_mean, silent_var = field
        loud += silent_mean
        var += silent_var
    loud -= params.sensitivity_dbm
    loud /= np.sqrt(var)
    p_above = ndtr(loud)
    terms = []
    for q in params.detection_rates:
        q_all = 1.0 - (1.0 - q) ** max(n_scans, 1)
        terms.append(n_heard * math.log(q_all) + np.sum(np.log1p(-q_all * p_above), axis=1))
    return logsumexp(np.stack(terms), axis=0) - math.log(len(terms))


def weighted_centroid(xy: np.ndarray, rssi: np.ndarray, k: int, exponent_db: float) -> tuple[np.ndarray, float]:
    """Centroid of the ``k`` strongest beacons weighted by ``10 ** (rssi / exponent_db)``.

    Returns the point and the weighted RMS distance of those beacons from it.
    A constant gain offset scales all weights alike, so the result does not
    depend on the phone.
    """
    order = np.argsort(-rssi, kind="stable")[:k]
    pts, r = xy[order], rssi[order]
    w = 10.0 ** ((r - r.max()) / exponent_db)
    w /= w.sum()
    centre = w @ pts
    spread = float(np.sqrt(w @ np.sum((pts - centre) ** 2, axis=1)))
    return centre, spread


def _floor(acc: float, params: PositioningParams) -> float:
    return float(max(acc, params.min_accuracy_m))


def estimate_likelihood(
    xy: np.ndarray,
    rssi: np.ndarray,
    tx_power: np.ndarray,
    exponent: np.ndarray,
    noise_sd: np.ndarray,
    params: PositioningParams,
    *,
    area: np.ndarray | None = None,
    silent: Silent | None = None,
    n_scans: int = 1,
    correction: Correction | None = None,
) -> Estimate | None:
    """Grid posterior mean, blended with the weighted centroid (``centroid_blend``).

    Accuracy is the RMS posterior distance from the returned point (posterior
    spread plus the blend shift), turned into a 2/3 radius with
    :data:`RADIUS_PER_RMS` and scaled by ``accuracy_scale_likelihood``.
    ``area``, ``silent`` and ``n_scans`` as for :func:`likelihood_posterior`.
    """
    post = likelihood_posterior(xy, rssi, tx_power, exponent, noise_sd, params,
                                area=area, silent=silent, n_scans=n_scans, correction=correction)
    if post is None:
        return None
    point = post.mean
    if params.centroid_blend > 0:
        centre, _ = weighted_centroid(xy, rssi, params.centroid_k, params.centroid_exponent_db)
        point = (1.0 - params.centroid_blend) * post.mean + params.centroid_blend * centre
    rms = math.sqrt(float(np.trace(post.cov)) + float(np.sum((point - post.mean) ** 2)))
    acc = RADIUS_PER_RMS * rms * params.accuracy_scale("likelihood")
    return Estimate(float(point[0]), float(point[1]), _floor(acc, params), "likelihood")


def estimate_centroid(
    xy: np.ndarray,
    rssi: np.ndarray,
    tx_power: np.ndarray,
    exponent: np.ndarray,
    params: PositioningParams,
) -> Estimate:
    """Weighted centroid; the fallback when the likelihood cannot be evaluated.

    Its accuracy combines the spread of the beacons used with the modelled
    distance to the strongest one (the phone is at least about that far from
    the beacons it hears best).
    """
    centre, spread = weighted_centroid(xy, rssi, params.centroid_k, params.centroid_exponent_db)
    j = int(np.argmax(rssi))
    reach = float(range_from_rssi(rssi[j], tx_power[j], exponent[j], params.antenna_height_m))
    rms = math.sqrt(spread**2 + reach**2)
    acc = RADIUS_PER_RMS * rms * params.accuracy_scale("centroid")
    return Estimate(float(centre[0]), float(centre[1]), _floor(acc, params), "centroid")


def estimate_proximity(
    xy: np.ndarray,
    rssi: float,
    tx_power: float,
    exponent: float,
    noise_sd: float,
    params: PositioningParams,
    *,
    area: np.ndarray | None = None,
    silent: Silent | None = None,
    n_scans: int = 1,
    correction: Correction | None = None,
) -> Estimate:
    """"Near X": one beacon heard.

    Without registered beacons around it (``area`` None or empty) the fix is
    at the beacon, and its accuracy is the distance the model gives for the
    ``ACCURACY_QUANTILE`` of the range distribution - reading noise and the
    unknown phone gain make the range log-normal - plus ``proximity_margin_m``.

    With beacons around, one reading says little about the direction: the
    fix is the mean of the grid posterior with the area prior (the phone is
    among the registered beacons) and the negative evidence of the ``silent``
    ones, which pulls it from the beacon towards where people are and away
    from beacons that stayed silent; the accuracy is the posterior's 2/3
    radius as for :func:`estimate_likelihood`, scaled by
    ``accuracy_scale_proximity``. Measured on the UJI library zone: mean
    error of one-beacon fixes 5.54 m at the beacon, 4.27 m at the posterior
    mean (the accuracy radius is then conservative there: a calibration
    survey scales it by about 0.7).
    """
    if area is not None and len(area):
        post = likelihood_posterior(
            np.asarray(xy, dtype=float).reshape(1, 2), np.array([rssi], dtype=float),
            np.array([tx_power], dtype=float), np.array([exponent], dtype=float),
            np.array([noise_sd], dtype=float), params, area=area, silent=silent, n_scans=n_scans,
            correction=correction,
        )
        if post is not None:
            rms = math.sqrt(float(np.trace(post.cov)))
            acc = RADIUS_PER_RMS * rms * params.accuracy_scale("proximity")
            return Estimate(float(post.mean[0]), float(post.mean[1]), _floor(acc, params), "proximity")
    xy = np.asarray(xy, dtype=float).reshape(-1)
    sd = math.hypot(noise_sd, params.gain_sd_db)
    far_rssi = rssi - _Z_Q * sd
    reach = float(range_from_rssi(far_rssi, tx_power, exponent, params.antenna_height_m))
    acc = (reach + params.proximity_margin_m) * params.accuracy_scale("proximity")
    return Estimate(float(xy[0]), float(xy[1]), _floor(acc, params), "proximity")
