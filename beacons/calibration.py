"""Fit the radio model of a deployment from a survey walk.

A city installs beacons, then someone walks the area with a phone and marks
where each scan was taken (labelled scans). From these, :func:`calibrate`
fits the measured power (``tx_power``, shared or per beacon) and the
path-loss exponent, the reading noise, and how much the positioning
accuracy radius must be scaled to hold its 2/3 promise there.

Phones differ in receiver gain, so every scan gets its own gain offset
(with the same Gaussian prior that positioning integrates out); the fitted
``tx_power`` therefore describes the beacon, not the survey phone.

With ``radio_map=True`` it also learns, per beacon, where the model is
wrong (:mod:`beacons.radiomap`): shelves and walls shadow whole regions the
same way for every phone. Its accuracy scales come from cross-validation
grouped by surveyed place, since a map replayed on its own survey places
knows the answers.

Evaluate a calibration only on scans it was not fitted on (another phone,
another walk, other places): in-sample figures flatter it.

Known limitation: readings near the receiver's sensitivity are censored (a
beacon is only reported when it happens to be strong), which biases the
fitted exponent low when many far beacons are in the survey. Positioning
uses the same uncensored model, so the fit stays consistent with it.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Sequence, TextIO

import numpy as np
from scipy import sparse

from routing.geo import LocalFrame, haversine_m

from .model import PATH_LOSS_EXPONENT_RANGE, TX_POWER_RANGE, Beacon
from .params import ACCURACY_QUANTILE, PositioningParams
from .positioning import BeaconIndex, NoPositionError, _Pool, locate, locate_many
from .radiomap import RadioMap, fit_radio_map

__all__ = ["LabelledScan", "Calibration", "CalibrationError", "calibrate", "read_survey"]

#: Prior sd (dB) of a beacon's own tx_power around the shared one: same
#: hardware and settings differ little, so few readings must not move it far.
PER_BEACON_SD_DB = 3.0
#: Fewest fixes of one method to fit its accuracy scale.
MIN_FIXES_FOR_SCALE = 20
#: Fewest (spot, beacon) groups with repeated readings to estimate the scan correlation.
MIN_GROUPS_FOR_CORRELATION = 30
#: Fewest pairs of readings (of one scan) to measure the direction effect.
MIN_PAIRS_FOR_ORIENTATION = 500
#: Folds (grouped by surveyed place) in which the accuracy scales of a radio map are fitted.
RADIO_MAP_FOLDS = 5
#: Fewest distinct surveyed places for a radio map.
MIN_PLACES_FOR_MAP = 5


class CalibrationError(ValueError):
    """The survey cannot support a fit (too few scans or readings)."""


class LabelledScan(NamedTuple):
    """One survey scan: readings as for :func:`beacons.positioning.locate` and the true position.

    ``spot`` optionally names a stop of the survey walk: scans sharing a spot
    were taken consecutively at one place with one phone. They show how much
    of the noise consecutive scans share (``scan_correlation``).
    """

    readings: Sequence[Any]
    lat: float
    lon: float
    spot: str | None = None


@dataclass(frozen=True)
class Calibration:
    """Result of :func:`calibrate`.

    Attributes
    ----------
    tx_power, path_loss_exponent
        Shared model parameters of the surveyed beacons.
    tx_power_by_beacon
        Per-beacon measured power (only with ``per_beacon=True``).
    noise_db
        Robust standard deviation of a reading around the fitted model.
    accuracy_scales
        Multiplier of the accuracy radius per estimator
        (``likelihood``, ``centroid``, ``proximity``) and, for fixes from
        several scans, ``combined`` (only when the survey names spots).
    scan_correlation
        Share of the reading noise common to consecutive scans at one spot,
        when the survey names spots; else None (keep the default).
    orientation_sd_db
        Size of the per-scan direction effect (body shadow, antenna; see
        :mod:`beacons.scan_offsets`) measured in the survey; None when the
        survey has too few scans with several readings (keep the default).
    surveyed
        Ids of the beacons with readings in the survey.
    n_scans, n_readings
        Size of the survey used.
    set_aside
        Readings of the survey the fit could not use, by reason ("unknown beacon",
        "implausible RSSI", ...): a survey of the wrong deployment shows here.
    radio_map
        Residual fields of the model over the surveyed places
        (``calibrate(..., radio_map=True)``); pass it to ``locate``.
    """

    tx_power: float
    path_loss_exponent: float
    tx_power_by_beacon: dict[str, float] = field(default_factory=dict)
    noise_db: float = 6.0
    accuracy_scales: dict[str, float] = field(default_factory=dict)
    scan_correlation: float | None = None
    orientation_sd_db: float | None = None
    surveyed: tuple[str, ...] = ()
    n_scans: int = 0
    n_readings: int = 0
    set_aside: dict[str, int] = field(default_factory=dict)
    radio_map: RadioMap | None = None

    def apply(self, beacons: Iterable[Beacon | Mapping[str, Any]] | Mapping[str, Any],
              *, only_surveyed: bool = True) -> list[Beacon]:
        """Beacons with the fitted ``tx_power``/``path_loss_exponent`` written in.

        Beacons the survey never heard keep their values unless
        ``only_surveyed`` is false.
        """
        out = []
        surveyed = set(self.surveyed)
        for b in BeaconIndex(beacons).values():
            if only_surveyed and b.id not in surveyed:
                out.append(b)
                continue
            out.append(replace(
                b,
                tx_power=self.tx_power_by_beacon.get(b.id, self.tx_power),
                path_loss_exponent=self.path_loss_exponent,
            ))
        return out

    def params(self, base: PositioningParams | None = None) -> PositioningParams:
        """Positioning settings with the fitted noise level and accuracy scales."""
        base = base or PositioningParams()
        s = self.accuracy_scales
        return replace(
            base,
            noise_db=self.noise_db,
            scan_correlation=(base.scan_correlation if self.scan_correlation is None
                              else self.scan_correlation),
            orientation_sd_db=(base.orientation_sd_db if self.orientation_sd_db is None
                               else self.orientation_sd_db),
            accuracy_scale_likelihood=s.get("likelihood", base.accuracy_scale_likelihood),
            accuracy_scale_centroid=s.get("centroid", base.accuracy_scale_centroid),
            accuracy_scale_proximity=s.get("proximity", base.accuracy_scale_proximity),
            accuracy_scale_combined=s.get("combined", base.accuracy_scale_combined),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        out = {k: v for k, v in asdict(self).items() if k != "radio_map"}
        out["surveyed"] = list(self.surveyed)
        out["radio_map"] = None if self.radio_map is None else self.radio_map.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Calibration":
        """Inverse of :meth:`to_dict` (a calibration file written by ``lotse beacons calibrate``).

        Every value is checked for type and range: a file edited by hand or cut short must stop
        the service at start with the field named, not fail every fix later.
        """
        if not isinstance(data, Mapping):
            raise CalibrationError("not a calibration: expected a JSON object")
        try:
            rmap = data.get("radio_map")
            if rmap is not None and not isinstance(rmap, Mapping):
                raise CalibrationError("'radio_map' must be an object or null")
            return cls(
                tx_power=_number(data, "tx_power", TX_POWER_RANGE),
                path_loss_exponent=_number(data, "path_loss_exponent", PATH_LOSS_EXPONENT_RANGE),
                tx_power_by_beacon=_numbers(data, "tx_power_by_beacon", TX_POWER_RANGE),
                noise_db=_number(data, "noise_db", NOISE_RANGE_DB, default=6.0),
                accuracy_scales=_numbers(data, "accuracy_scales", ACCURACY_SCALE_RANGE, keys=ACCURACY_KINDS),
                scan_correlation=_number(data, "scan_correlation", (0.0, 1.0), default=None),
                orientation_sd_db=_number(data, "orientation_sd_db", (0.0, ORIENTATION_MAX_DB), default=None),
                surveyed=tuple(_strings(data, "surveyed")),
                n_scans=int(_number(data, "n_scans", (0, math.inf), default=0)),
                n_readings=int(_number(data, "n_readings", (0, math.inf), default=0)),
                set_aside={k: int(v) for k, v in _numbers(data, "set_aside", (0, math.inf)).items()},
                radio_map=None if rmap is None else RadioMap.from_dict(rmap),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:  # CalibrationError is a ValueError
            raise CalibrationError(f"not a calibration: {exc}") from None


#: Plausible ranges of a calibration file's values (a fit never leaves them).
NOISE_RANGE_DB = (0.5, 30.0)
ACCURACY_SCALE_RANGE = (0.05, 20.0)
ORIENTATION_MAX_DB = 20.0
ACCURACY_KINDS = ("likelihood", "centroid", "proximity", "combined")
_MISSING = object()


def _number(data: Mapping[str, Any], key: str, bounds: tuple[float, float], default: Any = _MISSING) -> Any:
    """``data[key]`` as a finite number within ``bounds``; ``default`` when absent or null (if given)."""
    value = data.get(key)
    if value is None:
        if default is _MISSING:
            raise CalibrationError(f"'{key}' is missing")
        return default
    return _checked(value, f"'{key}'", bounds)


def _checked(value: Any, what: str, bounds: tuple[float, float]) -> float:
    """``value`` if a finite JSON number within ``bounds``, else CalibrationError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CalibrationError(f"{what} must be a number, not {json.dumps(value)}")
    low, high = bounds
    if not low <= value <= high:
        raise CalibrationError(f"{what} must be from {low:g} to {high:g}, not {value:g}")
    return float(value)


def _numbers(data: Mapping[str, Any], key: str, bounds: tuple[float, float],
             keys: Sequence[str] | None = None) -> dict[str, float]:
    """``data[key]``: an object of numbers within ``bounds`` (and, given ``keys``, only those keys)."""
    value = data.get(key)
    value = {} if value is None else value
    if not isinstance(value, Mapping):
        raise CalibrationError(f"'{key}' must be an object, not {json.dumps(value)}")
    if keys is not None and set(value) - set(keys):
        raise CalibrationError(f"'{key}' has unknown entries {sorted(set(value) - set(keys))}; "
                               f"known: {', '.join(keys)}")
    return {str(k): _checked(v, f"'{key}' of {k}", bounds) for k, v in value.items()}


def _strings(data: Mapping[str, Any], key: str) -> list[str]:
    """``data[key]``: a list of strings (absent: empty)."""
    value = data.get(key)
    value = [] if value is None else value
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CalibrationError(f"'{key}' must be a list of beacon ids")
    return value


class _Survey(NamedTuple):
    """The survey flattened to one row per reading (see :func:`_collect`)."""

    ids: list[str]             # beacon ids, in the order of their numbers
    n_scans: int
    scan_of: np.ndarray        # scan number per reading
    beacon_of: np.ndarray      # beacon number per reading
    rssi: np.ndarray
    logd: np.ndarray           # log10 of the 3-D distance to the beacon
    spot_of: np.ndarray        # spot number per reading, -1 without
    where: np.ndarray          # (n_scans, 2) lat, lon of each scan
    bearing: np.ndarray        # (readings, 2) east, north of the 3-D unit vector towards the beacon
    set_aside: dict[str, int]  # readings the fit cannot use, by reason


def _collect(samples: Sequence[LabelledScan], index: BeaconIndex, params: PositioningParams) -> _Survey:
    """Flatten the survey into per-reading arrays; scans with no usable reading are left out."""
    ids: dict[str, int] = {}
    spots: dict[str, int] = {}
    scan_of, beacon_of, rssi, logd, spot_of, bearing = [], [], [], [], [], []
    where: list[tuple[float, float]] = []
    n_scans = 0
    set_aside: dict[str, int] = {}
    for sample in samples:
        pool = _Pool()
        pool.add_scan(sample.readings, index, params)
        for skipped in (*pool.rejected, *pool.ignored):
            reason = _reason(skipped.reason)
            set_aside[reason] = set_aside.get(reason, 0) + 1
        if not pool.rssi:
            continue
        frame = LocalFrame(float(sample.lat), float(sample.lon))
        for bid, values in pool.rssi.items():
            b = index[bid]
            east, north = (float(v) for v in frame.to_xy(b.lat, b.lon))
            d3 = math.sqrt(east * east + north * north + params.antenna_height_m**2)
            j = ids.setdefault(bid, len(ids))
            spot = -1 if sample.spot is None else spots.setdefault(str(sample.spot), len(spots))
            # A beacon reported twice in one scan is one reading (as locate averages it).
            spot_of.append(spot)
            scan_of.append(n_scans)
            beacon_of.append(j)
            rssi.append(float(np.mean(values)))
            logd.append(math.log10(max(d3, 1e-3)))
            bearing.append((east / max(d3, 1e-3), north / max(d3, 1e-3)))
        where.append((float(sample.lat), float(sample.lon)))
        n_scans += 1
    return _Survey(list(ids), n_scans, np.array(scan_of, dtype=int), np.array(beacon_of, dtype=int),
                   np.array(rssi, dtype=float), np.array(logd, dtype=float), np.array(spot_of, dtype=int),
                   np.array(where, dtype=float).reshape(-1, 2), np.array(bearing, dtype=float).reshape(-1, 2),
                   set_aside)


def describe_set_aside(counts: Mapping[str, int]) -> str:
    """``{"unknown beacon": 5155}`` -> "5155 readings of an unknown beacon"-style text, largest first."""
    return ", ".join(f"{n} ({reason})" for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


#: What ``locate`` calls a reading it ignores -> how the survey summary says it.
_IGNORED = {"unknown": "unknown beacon", "inactive": "switched-off beacon"}


def _reason(text: str) -> str:
    """A set-aside reading's reason, as a class for the summary (ids and values left out)."""
    if text in _IGNORED:
        return _IGNORED[text]
    if text.startswith("invalid id"):
        return "malformed id"
    if text.startswith("rssi"):
        return "implausible RSSI"
    return "malformed reading"


def _places(latlon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct surveyed places (lat/lon rounded to ~0.1 m) and the place of each row."""
    key = np.round(latlon, 6)
    uniq, inv = np.unique(key, axis=0, return_inverse=True)
    return uniq, inv.ravel()


def _scan_correlation(resid: np.ndarray, spot_of: np.ndarray, beacon_of: np.ndarray) -> float | None:
    """Share of residual variance common to readings of one beacon at one spot.

    ``1 - within-group variance / total variance`` over (spot, beacon)
    groups with at least two readings; None with fewer than
    ``MIN_GROUPS_FOR_CORRELATION`` such groups.
    """
    ok = spot_of >= 0
    if not np.any(ok):
        return None
    key = spot_of[ok].astype(np.int64) * (int(beacon_of.max()) + 1) + beacon_of[ok]
    r = resid[ok]
    _, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
    multi = counts[inv] >= 2
    if np.sum(counts >= 2) < MIN_GROUPS_FOR_CORRELATION:
        return None
    means = np.bincount(inv, r) / counts
    dev = (r - means[inv])[multi]
    within = np.sum(dev**2) / np.sum(1.0 - 1.0 / counts[inv][multi])
    total = float(np.var(r[multi]))
    if total <= 0:
        return None
    return float(np.clip(1.0 - within / total, 0.0, 1.0))


def _orientation_sd(resid: np.ndarray, scan_of: np.ndarray, beacon_of: np.ndarray, place_of: np.ndarray,
                    bearing: np.ndarray) -> float | None:
    """Standard deviation (dB) of the per-scan direction effect, from how readings of one scan co-vary.

    Under the model of :mod:`beacons.scan_offsets` two readings of one scan
    share ``sd^2 cos(angle between their beacons)`` of covariance. The
    residuals have the scan's gain removed already, and with it the mean of
    the scan's directions: the cosine is taken between directions less that
    mean. They first lose each (place, beacon) pair's mean - a shelf that
    shadows a beacon at one place is the radio map's business, not a
    direction effect of the scan - and the products of every pair of
    readings in a scan are regressed on the cosine; the intercept takes what
    removing the means leaves behind. The slope is the variance (corrected
    for the shrinkage of removing a mean of ``n`` readings). None with fewer
    than ``MIN_PAIRS_FOR_ORIENTATION`` pairs.
    """
    # The scan's gain took the mean of its readings, and with it the mean of their directions.
    per_scan = np.bincount(scan_of)
    mean_dir = np.column_stack([np.bincount(scan_of, bearing[:, c]) for c in (0, 1)]) / per_scan[:, None]
    bearing = bearing - mean_dir[scan_of]
    key = place_of.astype(np.int64) * (int(beacon_of.max()) + 1) + beacon_of
    _, group, counts = np.unique(key, return_inverse=True, return_counts=True)
    keep = counts[group] >= 3
    dev = resid - (np.bincount(group, resid) / counts)[group]
    rows = np.flatnonzero(keep)
    order = rows[np.argsort(scan_of[rows], kind="stable")]
    starts = np.flatnonzero(np.r_[True, np.diff(scan_of[order]) != 0])
    ends = np.r_[starts[1:], len(order)]
    products, cosines = [], []
    for a, b in zip(starts, ends):
        if b - a < 2:
            continue
        idx = order[a:b]
        j, k = np.triu_indices(len(idx), 1)
        products.append(dev[idx[j]] * dev[idx[k]])
        cosines.append(np.sum(bearing[idx[j]] * bearing[idx[k]], axis=1))
    if not products or sum(len(p) for p in products) < MIN_PAIRS_FOR_ORIENTATION:
        return None
    y, x = np.concatenate(products), np.concatenate(cosines)
    slope = float(np.polyfit(x, y, 1)[0])
    shrink = float(np.mean(1.0 - 1.0 / counts[group[keep]]))
    return float(min(math.sqrt(max(slope / shrink, 0.0)), ORIENTATION_MAX_DB))


def _fit_model(n_scans, scan_of, beacon_of, rssi, logd, n_beacons, *, per_beacon, fit_exponent,
               exponent0, noise_db, params, iterations: int = 12):
    """Robust linear fit of tx_power, exponent and per-beacon offsets, per-scan gains integrated out.

    Model ``rssi = P + delta_j + g_s - 10 n log10(d) + e``. The gains ``g_s``
    (prior sd ``gain_sd_db``) are eliminated in closed form (Schur
    complement), so the normal equations are only as large as the number of
    beacons - a city-wide survey with thousands of scans stays cheap.
    Huber weights (iteratively reweighted) limit the pull of outliers.

    Returns the parameter vector ``[P, n, delta_1..delta_B]``, the per-scan
    gains and the residuals in dB.
    """
    m = len(rssi)
    nb = n_beacons if per_beacon else 0
    cols = [sparse.csr_matrix(np.ones((m, 1)))]
    y = rssi.astype(float).copy()
    if fit_exponent:
        cols.append(sparse.csr_matrix((-10.0 * logd)[:, None]))
    else:
        y = y + 10.0 * exponent0 * logd
    if per_beacon:
        cols.append(sparse.csr_matrix((np.ones(m), (np.arange(m), beacon_of)), shape=(m, nb)))
    a = sparse.hstack(cols).tocsr()
    n_par = a.shape[1]
    agg = sparse.csr_matrix((np.ones(m), (scan_of, np.arange(m))), shape=(n_scans, m))
    prior = np.zeros(n_par)
    if per_beacon:
        prior[n_par - nb:] = 1.0 / PER_BEACON_SD_DB**2

    w = np.ones(m)
    sigma = noise_db
    theta = np.zeros(n_par)
    gains = np.zeros(n_scans)
    for _ in range(iterations):
        lam = sigma**2 / params.gain_sd_db**2
        wa = a.multiply(w[:, None]).tocsr()
        b = (agg @ wa).tocsr()                      # per scan: sum of w a
        c = agg @ (w * y)                           # per scan: sum of w y
        denom = np.asarray(agg @ w).ravel() + lam
        inv = sparse.diags(1.0 / denom)
        h = (a.T @ wa - b.T @ inv @ b).toarray() + np.diag(prior * sigma**2)
        rhs = a.T @ (w * y) - b.T @ (c / denom)
        theta = np.linalg.solve(h, np.asarray(rhs).ravel())
        gains = (c - b @ theta) / denom
        resid = y - a @ theta - gains[scan_of]
        mad = float(np.median(np.abs(resid - np.median(resid))))
        sigma = max(1.4826 * mad, 0.5)
        z = np.abs(resid) / sigma
        w = np.minimum(1.0, 2.0 / np.maximum(z, 1e-9))
    if not fit_exponent:
        theta = np.concatenate([theta[:1], [exponent0], theta[1:]])
    return theta, gains, resid


def calibrate(
    samples: Iterable[LabelledScan],
    beacons: BeaconIndex | Iterable[Beacon | Mapping[str, Any]] | Mapping[str, Any],
    *,
    per_beacon: bool = False,
    fit_exponent: bool = True,
    fit_accuracy: bool = True,
    combine: int = 3,
    params: PositioningParams | None = None,
    radio_map: bool = False,
) -> Calibration:
    """Fit the deployment's radio model from labelled scans.

    Parameters
    ----------
    samples
        Survey scans with their true positions (:class:`LabelledScan`).
    beacons
        The registry (as for :func:`beacons.positioning.locate`).
    per_beacon
        Also fit a ``tx_power`` per beacon (shrunk towards the shared value).
    fit_exponent
        Fit the path-loss exponent; otherwise keep the beacons' (median) value.
    fit_accuracy
        Replay the survey through :func:`locate` with the fitted model and
        scale each estimator's accuracy so that 2/3 of its fixes fall inside;
        with named spots also windows of ``combine`` consecutive scans
        through :func:`locate_many`.
    combine
        Window size for the multi-scan accuracy scale (the number of scans
        the app combines).
    params
        Base positioning settings.
    radio_map
        Also fit a :class:`~beacons.radiomap.RadioMap` of the model's
        residuals over the surveyed places. Its noise level replaces
        ``noise_db`` (the map explains the rest), and its accuracy scales
        are fitted by cross-validation grouped by place
        (``RADIO_MAP_FOLDS`` folds): replaying survey scans through a map
        that was fitted on them would flatter it.

    Raises
    ------
    CalibrationError
        With fewer than 5 usable scans or fewer than 20 readings, or with a
        radio map from fewer than ``MIN_PLACES_FOR_MAP`` places.
    """
    params = params or PositioningParams()
    index = beacons if isinstance(beacons, BeaconIndex) else BeaconIndex(beacons)
    samples = list(samples)
    ids, n_scans, scan_of, beacon_of, rssi, logd, spot_of, where, bearing, set_aside = _collect(samples, index,
                                                                                               params)
    if n_scans < 5 or len(rssi) < 20:
        aside = "; set aside: " + describe_set_aside(set_aside) if set_aside else ""
        raise CalibrationError(
            f"survey too small: {n_scans} usable scans and {len(rssi)} readings "
            f"(need at least 5 scans and 20 readings){aside}"
        )
    exponent0 = float(np.median([index[i].path_loss_exponent for i in ids]))
    x, _, resid = _fit_model(n_scans, scan_of, beacon_of, rssi, logd, len(ids),
                             per_beacon=per_beacon, fit_exponent=fit_exponent,
                             exponent0=exponent0, noise_db=params.noise_db, params=params)
    lo_tx, hi_tx = TX_POWER_RANGE
    lo_n, hi_n = PATH_LOSS_EXPONENT_RANGE
    tx_shared = float(np.clip(x[0], lo_tx, hi_tx))
    exponent = float(np.clip(x[1], lo_n, hi_n))
    by_beacon = {}
    if per_beacon:
        by_beacon = {bid: float(np.clip(x[0] + x[2 + j], lo_tx, hi_tx)) for j, bid in enumerate(ids)}
    # Robust sd; the per-scan gains absorb one degree of freedom per scan.
    mad = float(np.median(np.abs(resid - np.median(resid))))
    dof = max(len(rssi) - n_scans - 2, 1)
    noise = float(np.clip(1.4826 * mad * math.sqrt(len(rssi) / dof), 1.0, NOISE_RANGE_DB[1]))

    rmap = None
    rho = _scan_correlation(resid, spot_of, beacon_of)
    places, scan_place = _places(where)
    orientation = _orientation_sd(resid, scan_of, beacon_of, scan_place[scan_of], bearing)
    if radio_map:
        if len(places) < MIN_PLACES_FOR_MAP:
            raise CalibrationError(f"a radio map needs at least {MIN_PLACES_FOR_MAP} surveyed places, "
                                   f"the survey has {len(places)}")
        rmap = fit_radio_map(places[:, 0], places[:, 1], scan_place[scan_of], ids, beacon_of, resid,
                             beacons=[(index[i].lat, index[i].lon) for i in ids])
        noise = float(np.clip(rmap.noise_db, 1.0, NOISE_RANGE_DB[1]))
        rho = rmap.session_db**2 / rmap.noise_db**2

    cal = Calibration(
        tx_power=tx_shared, path_loss_exponent=exponent, tx_power_by_beacon=by_beacon,
        noise_db=noise, scan_correlation=rho, orientation_sd_db=orientation,
        surveyed=tuple(ids), n_scans=n_scans, n_readings=int(len(rssi)), set_aside=set_aside, radio_map=rmap,
    )
    if fit_accuracy:
        scales = _fit_accuracy_scales(cal, samples, index, params, combine)
        cal = replace(cal, accuracy_scales=scales)
    return cal


def _fit_accuracy_scales(cal: Calibration, samples: Sequence[LabelledScan], index: BeaconIndex,
                         params: PositioningParams, combine: int) -> dict[str, float]:
    """Scale factors that put 2/3 of the survey's true positions inside ``accuracy_m``.

    First per estimator on single scans; then, with those applied, one factor
    for fixes from ``combine`` consecutive scans at one spot.
    """
    fitted_index = BeaconIndex(cal.apply(index))
    base = replace(cal.params(params), accuracy_scale_likelihood=1.0, accuracy_scale_centroid=1.0,
                   accuracy_scale_proximity=1.0, accuracy_scale_combined=1.0)
    map_for = _held_out_maps(cal.radio_map, samples)
    ratios: dict[str, list[float]] = {}
    for k, sample in enumerate(samples):
        try:
            fix = locate(sample.readings, fitted_index, params=base, radio_map=map_for(k))
        except NoPositionError:
            continue
        err = float(haversine_m(fix.lat, fix.lon, sample.lat, sample.lon))
        ratios.setdefault(fix.method, []).append(err / fix.accuracy_m)
    scales = {m: _quantile_scale(r) for m, r in ratios.items() if len(r) >= MIN_FIXES_FOR_SCALE}

    by_spot: dict[str, list[LabelledScan]] = {}
    for sample in samples:
        if sample.spot is not None:
            by_spot.setdefault(str(sample.spot), []).append(sample)
    scaled = replace(base, accuracy_scale_likelihood=scales.get("likelihood", 1.0),
                     accuracy_scale_centroid=scales.get("centroid", 1.0),
                     accuracy_scale_proximity=scales.get("proximity", 1.0))
    combined: list[float] = []
    row_of = {id(s): k for k, s in enumerate(samples)}
    for group in by_spot.values():
        for k in range(0, len(group) - combine + 1, combine):
            window = group[k:k + combine]
            try:
                fix = locate_many([s.readings for s in window], fitted_index, params=scaled,
                                  radio_map=map_for(row_of[id(window[0])]))
            except NoPositionError:
                continue
            err = float(haversine_m(fix.lat, fix.lon, window[0].lat, window[0].lon))
            combined.append(err / fix.accuracy_m)
    if combine > 1 and len(combined) >= MIN_FIXES_FOR_SCALE:
        scales["combined"] = _quantile_scale(combined)
    return scales


def _held_out_maps(rmap: RadioMap | None, samples: Sequence[LabelledScan]):
    """Sample number -> the radio map refitted without that sample's fold of places (or None).

    Places go to folds round-robin in the order the survey reached them, so
    each fold's places have surveyed neighbours at the survey's spacing: the
    scales then hold between surveyed places, not only on them.
    """
    if rmap is None:
        return lambda k: None
    _, place_of = _places(np.array([(s.lat, s.lon) for s in samples], dtype=float).reshape(-1, 2))
    order = list(dict.fromkeys(place_of.tolist()))
    fold_of_place = {p: j % RADIO_MAP_FOLDS for j, p in enumerate(order)}
    maps = {}
    for fold in range(min(RADIO_MAP_FOLDS, len(order))):
        # Places of the map are those of the scans that had readings; match them by position.
        out = [p for p in order if fold_of_place[p] == fold]
        held = {tuple(np.round((samples[int(np.flatnonzero(place_of == p)[0])].lat,
                                samples[int(np.flatnonzero(place_of == p)[0])].lon), 6)) for p in out}
        drop = [i for i, ll in enumerate(zip(np.round(rmap.lat, 6), np.round(rmap.lon, 6))) if tuple(ll) in held]
        maps[fold] = rmap.without(np.array(drop, dtype=int))
    return lambda k: maps[fold_of_place[int(place_of[k])]]


def _quantile_scale(ratios: Sequence[float]) -> float:
    """The ``ACCURACY_QUANTILE`` of error/accuracy ratios, i.e. the factor giving that coverage."""
    return float(np.clip(np.quantile(ratios, ACCURACY_QUANTILE), *ACCURACY_SCALE_RANGE))


#: Rows of one scan farther apart than this (m) are a survey error, not one scan.
SAME_SCAN_M = 0.5
#: Columns of a survey CSV (one row per reading); ``spot`` is optional.
SURVEY_COLUMNS = ("scan", "lat", "lon", "id", "rssi")


def read_survey(source: str | Path | TextIO) -> list[LabelledScan]:
    """Labelled scans from a survey CSV: one row per reading, ``scan,lat,lon,id,rssi[,spot]``.

    Rows sharing ``scan`` are one scan (its position from its first row);
    ``spot`` names a stop of the walk (consecutive scans at one place). A
    scan that heard nothing can be given as a row with an empty ``id``.
    What a surveying app records naturally, and what :func:`calibrate` takes.

    Raises
    ------
    CalibrationError
        Naming the line of the first malformed row.
    """
    if isinstance(source, (str, Path)):
        try:  # utf-8-sig: spreadsheet programs start "CSV UTF-8" with a byte-order mark
            with open(source, newline="", encoding="utf-8-sig") as fh:
                return read_survey(io.StringIO(fh.read()))
        except UnicodeDecodeError as exc:
            raise CalibrationError(f"survey: not UTF-8 text (byte {exc.start}); save it as CSV UTF-8") from None
    reader = csv.DictReader(source)
    if reader.fieldnames is None:
        raise CalibrationError(f"survey: the file is empty (expected a header {','.join(SURVEY_COLUMNS)}[,spot])")
    missing = [c for c in SURVEY_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise CalibrationError(f"survey: missing column(s) {', '.join(missing)} "
                               f"(expected {','.join(SURVEY_COLUMNS)}[,spot])")
    scans: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(reader, start=2):
        key = (row.get("scan") or "").strip()
        if not key:
            raise CalibrationError(f"survey line {line}: empty scan")
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
            rssi = None if not (row.get("id") or "").strip() else float(row["rssi"])
        except (TypeError, ValueError):
            raise CalibrationError(f"survey line {line}: lat, lon and rssi must be numbers") from None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise CalibrationError(f"survey line {line}: ({row['lat']}, {row['lon']}) is not a position")
        scan = scans.setdefault(key, {"lat": lat, "lon": lon, "spot": (row.get("spot") or "").strip() or None,
                                      "readings": [], "line": line})
        if haversine_m(lat, lon, scan["lat"], scan["lon"]) > SAME_SCAN_M:
            raise CalibrationError(f"survey line {line}: scan {key} is at ({lat}, {lon}) here but at "
                                   f"({scan['lat']}, {scan['lon']}) on line {scan['line']}; one scan, one place")
        if rssi is not None:
            scan["readings"].append((row["id"].strip(), rssi))
    return [LabelledScan(v["readings"], v["lat"], v["lon"], v["spot"]) for v in scans.values()]
