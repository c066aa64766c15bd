"""Offsets that all readings of one scan share, integrated out in closed form.

Two effects move the readings of a scan together, differently in every scan:

- the phone's receiver gain ``g``: every reading louder or quieter alike;
- how the phone is carried: the body shadows the beacons behind it and the
  antenna favours some directions, so beacons on one side read louder and
  those on the other quieter. The first harmonic of that in the bearing
  ``b_j`` from the phone to beacon ``j`` is ``a cos b_j + c sin b_j``; the
  facing direction is unknown, so ``(a, c) ~ N(0, orientation_sd_db^2 I)``.

At a candidate position the residuals ``r`` (reading minus model) are then
Gaussian with covariance ``D + X L X^T``: ``D`` the independent reading
noise, ``X`` the (m, k) design ``[1, cos b, sin b]`` of the shared offsets
and ``L`` their prior variances. Its density, and the offsets' conditional
mean and covariance given the readings, need only k x k algebra (Woodbury,
k <= 3), done for all grid cells at once.

Why: on the UJI library scans (residuals at the true positions, with the
scan's gain and each place's static offsets removed) readings of beacons in
the same direction correlate by +0.1 and in opposite directions by -0.3,
the first harmonic with about 2.3 dB per component. Treating those readings
as independent makes single scans overconfident in one direction.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Moments", "SharedOffsets", "design", "integrate", "moments", "prior_variances", "towards"]


def prior_variances(gain_sd_db: float, orientation_sd_db: float) -> np.ndarray:
    """Prior variances of the shared offsets: the gain, then (if any) the two orientation components."""
    if orientation_sd_db > 0:
        return np.array([gain_sd_db**2, orientation_sd_db**2, orientation_sd_db**2])
    return np.array([gain_sd_db**2])


def design(cells: np.ndarray, xy: np.ndarray, height_m: float, orientation: bool) -> list[np.ndarray]:
    """Columns (each (n, m)) of the shared offsets' design for beacons ``xy`` (m, 2) seen from ``cells`` (n, 2).

    The gain's column (1 for every reading) is implicit; with ``orientation``
    the two columns are the east and north components of the unit vector
    from the cell to the beacon, taken in 3-D (``height_m`` apart): a beacon
    straight overhead has no horizontal direction and so no orientation effect.
    """
    if not orientation:
        return []
    dx = xy[None, :, 0] - cells[:, 0:1]
    dy = xy[None, :, 1] - cells[:, 1:2]
    return towards(dx, dy, np.maximum(dx * dx + dy * dy + height_m**2, 1e-6))


def towards(dx: np.ndarray, dy: np.ndarray, d2: np.ndarray) -> list[np.ndarray]:
    """The orientation columns of :func:`design` from offsets cell -> beacon and squared 3-D distances."""
    inv = 1.0 / np.sqrt(d2)
    return [dx * inv, dy * inv]


class Moments(NamedTuple):
    """Per cell, the sums the likelihood needs at reading precisions ``inv_var`` (noise scale 1).

    ``xtwx`` (n, k, k) = X^T D^-1 X, ``xtwr`` (n, k) = X^T D^-1 r, ``rtwr`` (n,) = r^T D^-1 r,
    ``log_det_noise`` (n,) = log |D|, ``m`` the number of readings.
    """

    xtwx: np.ndarray
    xtwr: np.ndarray
    rtwr: np.ndarray
    log_det_noise: np.ndarray
    m: int

    def at(self, rows: np.ndarray) -> "Moments":
        """The moments of some cells only."""
        return Moments(self.xtwx[rows], self.xtwr[rows], self.rtwr[rows], self.log_det_noise[rows], self.m)


def moments(resid: np.ndarray, inv_var: np.ndarray, columns: list[np.ndarray]) -> Moments:
    """Sums of :class:`Moments` for residuals ``resid`` (n, m), precisions (m,) or (n, m), design ``columns``.

    Computed once per scan: a noise level scaled by ``s`` scales every sum by
    ``1 / s^2``, so :func:`integrate` serves every level of the mixture from them.
    """
    n, m = resid.shape
    inv_var = np.asarray(inv_var, dtype=float)
    log_det_noise = np.broadcast_to(-np.log(inv_var).sum(axis=-1), (n,))
    inv_var = np.broadcast_to(inv_var, resid.shape)
    weighted = [inv_var] + [inv_var * c for c in columns]            # D^-1 X, column by column
    cols = [None] + list(columns)
    k = len(cols)
    xtwx = np.empty((n, k, k))
    xtwr = np.empty((n, k))
    for a in range(k):
        xtwr[:, a] = np.einsum("nm,nm->n", weighted[a], resid)
        for b in range(a, k):
            xtwx[:, a, b] = (weighted[a].sum(axis=1) if cols[b] is None
                             else np.einsum("nm,nm->n", weighted[a], cols[b]))
            xtwx[:, b, a] = xtwx[:, a, b]
    rtwr = np.einsum("nm,nm->n", weighted[0] * resid, resid)
    return Moments(xtwx, xtwr, rtwr, log_det_noise, m)


class SharedOffsets(NamedTuple):
    """Per cell: log-likelihood of the residuals, and the offsets' conditional mean (n, k) and covariance (n, k, k)."""

    loglik: np.ndarray
    mean: np.ndarray
    cov: np.ndarray


def integrate(mom: Moments, prior_var: np.ndarray, scale: float = 1.0, with_cov: bool = False) -> SharedOffsets:
    """``log N(r; 0, s^2 D + X diag(prior_var) X^T)`` per cell, up to a constant, with ``s = scale``.

    The constant left out (``-m/2 log 2 pi``) is the same for every cell and
    noise level, so posteriors and mixtures over noise levels are unaffected.
    The offsets' conditional covariance only ``with_cov`` (else None). The
    k x k algebra is written out: ``einsum`` and batched LAPACK are several
    times slower at k <= 3.
    """
    f = 1.0 / scale**2
    s = mom.xtwx * f
    idx = np.arange(s.shape[1])
    s[:, idx, idx] += 1.0 / prior_var
    u = mom.xtwr * f
    mean, log_det_s, cov = _solve_spd(s, u, with_cov)
    quad = mom.rtwr * f - np.einsum("nk,nk->n", u, mean)
    log_det_noise = mom.log_det_noise + 2.0 * mom.m * np.log(scale)
    loglik = -0.5 * (quad + log_det_s + float(np.sum(np.log(prior_var))) + log_det_noise)
    return SharedOffsets(loglik, mean, cov)


def _solve_spd(s: np.ndarray, u: np.ndarray, with_cov: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``s^-1 u``, ``log |s|`` and (``with_cov``) ``s^-1`` for symmetric positive-definite (n, k, k) ``s``."""
    k = s.shape[1]
    if k == 1:
        return u / s[:, 0], np.log(s[:, 0, 0]), (1.0 / s if with_cov else None)
    if k != 3:
        inv = np.linalg.inv(s)
        return np.einsum("nkl,nl->nk", inv, u), np.linalg.slogdet(s)[1], (inv if with_cov else None)
    a, b, c = s[:, 0, 0], s[:, 0, 1], s[:, 0, 2]
    d, e, f = s[:, 1, 1], s[:, 1, 2], s[:, 2, 2]
    c00 = d * f - e * e        # the adjugate, symmetric
    c01 = c * e - b * f
    c02 = b * e - c * d
    c11 = a * f - c * c
    c12 = b * c - a * e
    c22 = a * d - b * b
    det = a * c00 + b * c01 + c * c02
    u0, u1, u2 = u[:, 0], u[:, 1], u[:, 2]
    mean = np.empty_like(u)
    mean[:, 0] = (c00 * u0 + c01 * u1 + c02 * u2) / det
    mean[:, 1] = (c01 * u0 + c11 * u1 + c12 * u2) / det
    mean[:, 2] = (c02 * u0 + c12 * u1 + c22 * u2) / det
    cov = None
    if with_cov:
        cov = np.empty_like(s)
        for (i, j), cij in {(0, 0): c00, (0, 1): c01, (0, 2): c02, (1, 1): c11, (1, 2): c12, (2, 2): c22}.items():
            cov[:, i, j] = cov[:, j, i] = cij / det
    return mean, np.log(det), cov
