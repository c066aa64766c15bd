"""Position estimators in a local metric frame (metres east/north).

Pure numpy: no ids, no lat/lon, no registry. :mod:`beacons.positioning`
turns a scan into the arrays these functions take.

The radio model is the log-distance path-loss law

    rssi = tx_power + g - 10 n log10(sqrt(d^2 + h^2)) + noise

with ``tx_power`` and ``n`` per beacon, ``h`` the height difference between
beacon and phone, ``g`` an unknown receiver-gain offset of the phone (shared
by all readings of one scan) and Gaussian noise in dB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp, ndtri

from .params import ACCURACY_QUANTILE, PositioningParams

__all__ = [
    "Estimate",
    "Posterior",
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


def expected_rssi(d_m, tx_power, exponent, height_m: float = 0.0):
    """Model RSSI (dBm) at horizontal distance ``d_m`` from a beacon."""
    d3 = np.sqrt(np.square(d_m) + height_m**2)
    return tx_power - 10.0 * exponent * np.log10(np.maximum(d3, 1e-3))


def range_from_rssi(rssi, tx_power, exponent, height_m: float = 0.0):
    """Horizontal distance (m) at which the model predicts ``rssi``; the inverse of :func:`expected_rssi`."""
    d3 = 10.0 ** ((np.asarray(tx_power) - np.asarray(rssi)) / (10.0 * np.asarray(exponent)))
    return np.sqrt(np.maximum(d3**2 - height_m**2, 0.0))


def _grid(lo: np.ndarray, hi: np.ndarray, params: PositioningParams) -> np.ndarray:
    """Cell centres covering [lo, hi], at most ``max_grid_cells`` of them."""
    size = np.maximum(hi - lo, 0.0)
    step = params.grid_step_m
    cells = (size[0] / step + 1) * (size[1] / step + 1)
    if cells > params.max_grid_cells:
        step = max(step, math.sqrt((size[0] + step) * (size[1] + step) / params.max_grid_cells))
    xs = np.arange(lo[0], hi[0] + step / 2, step)
    ys = np.arange(lo[1], hi[1] + step / 2, step)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def likelihood_posterior(
    xy: np.ndarray,
    rssi: np.ndarray,
    tx_power: np.ndarray,
    exponent: np.ndarray,
    noise_sd: np.ndarray,
    params: PositioningParams,
) -> Posterior | None:
    """Posterior mean and covariance of the position on a grid.

    Why a grid and not a least-squares fit: with few, noisy readings the
    likelihood is often banana-shaped or multi-modal; the grid gives the whole
    posterior, so its covariance is an honest spread (geometry and residuals
    both enter), and there is no starting point to get wrong. A weighted
    non-linear least-squares fit (scipy ``least_squares``, robust loss) was
    measured too and was less accurate on real scans.

    The receiver gain ``g`` (Gaussian prior, sd ``gain_sd_db``) is integrated
    out in closed form; the noise level is a mixture over ``noise_scales``.

    Parameters
    ----------
    xy : (m, 2) beacon positions; rssi, tx_power, exponent, noise_sd : (m,).

    Returns
    -------
    Posterior or None when the posterior is degenerate (non-finite).
    """
    edge = params.prior_edge_m
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    pad = 3.0 * edge
    cells = _grid(lo - pad, hi + pad, params)
    outside = np.maximum(lo - cells, 0.0) + np.maximum(cells - hi, 0.0)
    if edge > 0:
        log_prior = -0.5 * np.sum(outside**2, axis=1) / edge**2
    else:
        log_prior = np.zeros(len(cells))

    d2 = np.sum((cells[:, None, :] - xy[None, :, :]) ** 2, axis=2)
    resid = rssi[None, :] - expected_rssi(np.sqrt(d2), tx_power[None, :], exponent[None, :],
                                          params.antenna_height_m)
    tau2 = params.gain_sd_db**2
    terms = []
    for scale in params.noise_scales:
        iv = 1.0 / (noise_sd * scale) ** 2
        a = resid**2 @ iv
        b = resid @ iv
        prec = 1.0 / tau2 + iv.sum()
        # log N(resid; 1 g, diag(1/iv)) integrated over g ~ N(0, tau2)
        terms.append(-0.5 * (a - b**2 / prec) - 0.5 * math.log(prec * tau2) + 0.5 * np.log(iv).sum())
    log_post = logsumexp(np.stack(terms), axis=0) - math.log(len(terms)) + log_prior
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
) -> Estimate | None:
    """Grid posterior mean, blended with the weighted centroid (``centroid_blend``).

    Accuracy is the RMS posterior distance from the returned point (posterior
    spread plus the blend shift), turned into a 2/3 radius with
    :data:`RADIUS_PER_RMS` and scaled by ``accuracy_scale_likelihood``.
    """
    post = likelihood_posterior(xy, rssi, tx_power, exponent, noise_sd, params)
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
) -> Estimate:
    """"Near X": the position of the one beacon heard.

    The accuracy is the distance the model gives for the ``ACCURACY_QUANTILE``
    of the range distribution - reading noise and the unknown phone gain make
    the range log-normal - plus ``proximity_margin_m``.
    """
    sd = math.hypot(noise_sd, params.gain_sd_db)
    far_rssi = rssi - _Z_Q * sd
    reach = float(range_from_rssi(far_rssi, tx_power, exponent, params.antenna_height_m))
    acc = (reach + params.proximity_margin_m) * params.accuracy_scale("proximity")
    return Estimate(float(xy[0]), float(xy[1]), _floor(acc, params), "proximity")
