"""From a BLE scan (and maybe a GPS fix) to a position with an honest accuracy.

This is what ``POST /api/v1/locate`` calls::

    fix = locate(body["beacons"], registry, gps=body.get("gps"))

The scan is checked reading by reading: readings with a malformed id or an
implausible RSSI are *rejected*, readings of unknown or inactive beacons are
*ignored*; both are reported in the :class:`Fix`, and only when nothing usable
is left does :func:`locate` raise :class:`NoPositionError`.

Estimators (see :mod:`beacons.estimators`), chosen by what was heard:

- ``min_beacons_likelihood`` (3) or more beacons: ``likelihood`` - Bayesian
  grid posterior of the log-distance model with the phone's gain integrated
  out, blended with the weighted centroid; ``centroid`` when the posterior is
  degenerate;
- with ``area_prior`` (the default), fewer beacons than
  ``min_beacons_likelihood`` also give a grid posterior, its prior the area
  the registered beacons around span: two beacons ``likelihood``, one
  ``proximity`` ("near X", ``nearest_beacon_id``; the position is the
  posterior mean unless no other registered beacon is around);
- without it: two beacons ``centroid`` (weighted centroid), one beacon
  ``proximity`` at the beacon, distance from the RSSI;
- a GPS fix is fused by inverse-variance weighting (``likelihood+gps``, ...)
  or used alone (``gps``) when no beacon is usable.

The registry takes part beyond the beacons heard: active beacons on the same
level within ``neighbour_radius_m`` of a heard one that stayed *silent* make
positions near them less likely in every grid posterior (negative evidence,
``negative_evidence``).

``accuracy_m`` is the radius that should contain the true position in about
two thirds of fixes (like Android's ``Location.getAccuracy``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

import numpy as np

from routing.geo import LocalFrame

from .estimators import (
    Estimate,
    Silent,
    estimate_centroid,
    estimate_likelihood,
    estimate_proximity,
    range_from_rssi,
)
from .ids import BeaconIdError, normalize_beacon_id
from .model import Beacon
from .params import PositioningParams
from .radiomap import RadioMap

__all__ = [
    "Fix",
    "GpsFix",
    "Skipped",
    "BeaconIndex",
    "PositioningError",
    "NoPositionError",
    "locate",
    "locate_many",
    "parse_gps",
]

_DEFAULT_PARAMS = PositioningParams()

AT_BEACON_M = 0.05  # a proximity fix this close to its beacon was placed at it



class PositioningError(ValueError):
    """Base class of positioning errors (bad input the caller can fix)."""


class NoPositionError(PositioningError):
    """Nothing usable in the request: no valid known beacon reading and no valid GPS.

    ``ignored`` and ``rejected`` say why each input was not used, so an API
    can answer 422 with a useful detail.
    """

    def __init__(self, message: str, ignored: Sequence["Skipped"] = (), rejected: Sequence["Skipped"] = ()):
        self.ignored = tuple(ignored)
        self.rejected = tuple(rejected)
        super().__init__(message)


class Skipped(NamedTuple):
    """An input that was not used and why (``unknown``, ``inactive``, ``rssi ...``)."""

    id: str
    reason: str


class GpsFix(NamedTuple):
    """A GPS position with its accuracy radius in metres (68 % on Android)."""

    lat: float
    lon: float
    accuracy_m: float


@dataclass(frozen=True)
class Fix:
    """A position estimate.

    Attributes
    ----------
    lat, lon : float
        Estimated position, WGS84 degrees.
    accuracy_m : float
        Radius around (lat, lon) containing the true position in about 2/3 of fixes.
    method : str
        ``likelihood``, ``centroid``, ``proximity`` or ``gps``; ``+gps`` when fused.
    used : tuple of str
        Canonical ids of the beacons that entered the estimate.
    ignored : tuple of Skipped
        Well-formed readings of unknown, inactive or other-level beacons, and of
        beacons too far from the others heard (``max_spread_m``).
    rejected : tuple of Skipped
        Malformed readings (bad id, implausible or non-numeric RSSI) and a bad GPS fix.
    nearest_beacon_id : str or None
        The used beacon nearest to the estimate.
    nearest_distance_m : float or None
        Distance from the estimate to that beacon; for a fix placed at the
        beacon itself (``proximity`` among sparse beacons) the distance
        estimated from the RSSI instead.
    level : float or None
        Level of the beacons used (that of the strongest reading).
    n_scans : int
        Number of scans combined.
    """

    lat: float
    lon: float
    accuracy_m: float
    method: str
    used: tuple[str, ...] = ()
    ignored: tuple[Skipped, ...] = ()
    rejected: tuple[Skipped, ...] = ()
    nearest_beacon_id: str | None = None
    nearest_distance_m: float | None = None
    level: float | None = None
    n_scans: int = 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (skipped inputs as ``{"id", "reason"}`` objects)."""
        out = asdict(self)
        out["used"] = list(self.used)
        out["ignored"] = [s._asdict() for s in self.ignored]
        out["rejected"] = [s._asdict() for s in self.rejected]
        return out


class BeaconIndex(Mapping[str, Beacon]):
    """Beacons by canonical id, built once and reused for every scan.

    Accepts :class:`Beacon` objects or dicts (as stored or sent by the API),
    as an iterable or a mapping whose values are beacons.
    """

    def __init__(self, beacons: Iterable[Beacon | Mapping[str, Any]] | Mapping[str, Any]):
        items = beacons.values() if isinstance(beacons, Mapping) else beacons
        self._by_id: dict[str, Beacon] = {}
        for item in items:
            beacon = item if isinstance(item, Beacon) else Beacon.from_dict(item)
            self._by_id[normalize_beacon_id(beacon.id)] = beacon
        # Active beacons as arrays, for the neighbours of a scan (negative evidence, area prior).
        active = [(k, b) for k, b in self._by_id.items() if b.active]
        self._active_ids = [k for k, _ in active]
        self._lat = np.array([b.lat for _, b in active], dtype=float)
        self._lon = np.array([b.lon for _, b in active], dtype=float)
        self._level = np.array([np.nan if b.level is None else float(b.level) for _, b in active], dtype=float)
        self._tx = np.array([b.tx_power for _, b in active], dtype=float)
        self._n = np.array([b.path_loss_exponent for _, b in active], dtype=float)

    def neighbours(self, frame: LocalFrame, xy: np.ndarray, radius_m: float, level: float | None,
                   exclude: Iterable[str] = ()) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """Active beacons within ``radius_m`` of any point of ``xy`` (metres in ``frame``).

        Only beacons that could share the fix's level: on ``level`` or
        without a level; with ``level`` None, only those without a level.
        Returns ids, positions (k, 2) in ``frame``, ``tx_power`` and
        ``path_loss_exponent`` arrays; ``exclude`` ids are left out.
        """
        if radius_m <= 0 or not self._active_ids:
            return [], np.zeros((0, 2)), np.zeros(0), np.zeros(0)
        x, y = frame.to_xy(self._lat, self._lon)
        pos = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
        lo, hi = xy.min(axis=0) - radius_m, xy.max(axis=0) + radius_m
        ok = np.all((pos >= lo) & (pos <= hi), axis=1)
        ok &= np.isnan(self._level) if level is None else (np.isnan(self._level) | (self._level == level))
        idx = np.flatnonzero(ok)
        if len(idx):
            d2 = np.min(np.sum((pos[idx, None, :] - xy[None, :, :]) ** 2, axis=2), axis=1)
            idx = idx[d2 <= radius_m**2]
        skip = set(exclude)
        idx = np.array([i for i in idx if self._active_ids[i] not in skip], dtype=int)
        return [self._active_ids[i] for i in idx], pos[idx], self._tx[idx], self._n[idx]

    def __getitem__(self, key: str) -> Beacon:
        return self._by_id[key]

    def __iter__(self):
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)


# -- input checking -----------------------------------------------------------


def _is_real(value: Any) -> bool:
    """A finite-sized number (a 400-digit integer is not a signal strength)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return False
    try:
        float(value)
    except OverflowError:
        return False
    return True


def parse_gps(gps: Any) -> GpsFix:
    """Check a GPS fix given as ``GpsFix``, ``(lat, lon, accuracy_m)`` or a dict.

    Raises
    ------
    PositioningError
        With a message naming the bad field.
    """
    if isinstance(gps, Mapping):
        missing = [k for k in ("lat", "lon", "accuracy_m") if k not in gps]
        if missing:
            raise PositioningError(f"gps: missing {', '.join(missing)}")
        values = (gps["lat"], gps["lon"], gps["accuracy_m"])
    elif isinstance(gps, (tuple, list)) and len(gps) == 3:
        values = tuple(gps)
    else:
        raise PositioningError("gps must be {lat, lon, accuracy_m}")
    lat, lon, acc = values
    if not all(_is_real(v) and math.isfinite(v) for v in values):
        raise PositioningError("gps: lat, lon and accuracy_m must be finite numbers")
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise PositioningError(f"gps: ({lat}, {lon}) is not a valid latitude/longitude")
    if acc <= 0:
        raise PositioningError(f"gps: accuracy_m must be > 0, got {acc}")
    return GpsFix(float(lat), float(lon), float(acc))


def _split_reading(item: Any) -> tuple[Any, Any]:
    if isinstance(item, Mapping):
        if "id" not in item or "rssi" not in item:
            raise PositioningError("a reading needs 'id' and 'rssi'")
        return item["id"], item["rssi"]
    if isinstance(item, (tuple, list)) and len(item) == 2:
        return item[0], item[1]
    raise PositioningError("a reading must be (id, rssi) or {id, rssi}")


@dataclass
class _Pool:
    """Accepted readings of one or more scans, grouped by beacon."""

    rssi: dict[str, list[float]] = field(default_factory=dict)
    ignored: dict[Skipped, None] = field(default_factory=dict)  # ordered set
    rejected: dict[Skipped, None] = field(default_factory=dict)

    def add_scan(self, readings: Iterable[Any], index: BeaconIndex, params: PositioningParams) -> None:
        if isinstance(readings, (str, bytes, Mapping)) or not isinstance(readings, Iterable):
            raise PositioningError("a scan must be a list of readings")
        for item in readings:
            try:
                raw_id, rssi = _split_reading(item)
            except PositioningError as exc:
                self.rejected[Skipped(repr(item)[:80], str(exc))] = None
                continue
            try:
                bid = normalize_beacon_id(raw_id)
            except BeaconIdError as exc:
                self.rejected[Skipped(str(raw_id)[:80], f"invalid id: {exc}")] = None
                continue
            if not _is_real(rssi) or not math.isfinite(rssi):
                self.rejected[Skipped(bid, f"rssi {rssi!r} is not a number")] = None
                continue
            if not params.rssi_min_dbm <= rssi <= params.rssi_max_dbm:
                self.rejected[Skipped(
                    bid, f"rssi {rssi} dBm outside plausible {params.rssi_min_dbm:g}..{params.rssi_max_dbm:g}"
                )] = None
                continue
            beacon = index.get(bid)
            if beacon is None:
                self.ignored[Skipped(bid, "unknown")] = None
            elif not beacon.active:
                self.ignored[Skipped(bid, "inactive")] = None
            else:
                self.rssi.setdefault(bid, []).append(float(rssi))


# -- estimation ----------------------------------------------------------------


class _BeaconFix(NamedTuple):
    """What the beacons alone say, in the local ``frame`` around them."""

    est: Estimate
    frame: LocalFrame
    used: list[str]
    level: float | None
    set_aside: list[Skipped]
    nearest: str
    nearest_m: float


class _Correction(NamedTuple):
    """The radio map's residuals of the heard, then the silent beacons at cells of ``frame``."""

    radio_map: RadioMap
    frame: LocalFrame
    columns: list[str]

    def __call__(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.radio_map.predict(self.frame, cells, self.columns)


def _heard_together(ids: list[str], index: BeaconIndex, spread_m: float) -> np.ndarray:
    """Which of ``ids`` (strongest first) belong to the group the phone is in: a mask.

    One scan cannot hear beacons kilometres apart; when it seems to, a
    beacon is registered at the wrong place (or its id was reused), and
    averaging its position in would put the fix between the two. The group
    kept is the beacon with the most others within ``spread_m`` (ties: the
    strongest) and those others.
    """
    if len(ids) < 2:
        return np.ones(len(ids), dtype=bool)
    frame = LocalFrame(index[ids[0]].lat, index[ids[0]].lon)
    x, y = frame.to_xy(np.array([index[i].lat for i in ids]), np.array([index[i].lon for i in ids]))
    xy = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    near = np.sum((xy[:, None, :] - xy[None, :, :]) ** 2, axis=2) <= spread_m**2
    centre = int(np.argmax(near.sum(axis=1)))      # argmax takes the first, i.e. the strongest, of ties
    return near[centre]


def _beacon_fix(pool: _Pool, index: BeaconIndex, params: PositioningParams, n_scans: int = 1,
                radio_map: RadioMap | None = None) -> _BeaconFix:
    """Pick the estimator by what was heard and run it on the pooled readings."""
    ids = list(pool.rssi)
    mean_rssi = np.array([np.mean(pool.rssi[i]) for i in ids])
    counts = np.array([len(pool.rssi[i]) for i in ids])
    order = np.argsort(-mean_rssi, kind="stable")
    ids = [ids[k] for k in order]
    mean_rssi, counts = mean_rssi[order], counts[order]

    # One level per fix: that of the strongest reading; beacons without level go anywhere.
    level = index[ids[0]].level
    set_aside: list[Skipped] = []
    if level is not None:
        keep = [index[i].level is None or index[i].level == level for i in ids]
        set_aside = [Skipped(i, "other level") for i, k in zip(ids, keep) if not k]
        ids = [i for i, k in zip(ids, keep) if k]
        mean_rssi, counts = mean_rssi[keep], counts[keep]

    keep = _heard_together(ids, index, params.max_spread_m)
    set_aside += [Skipped(i, f"too far from the other beacons heard (over {params.max_spread_m:g} m)")
                    for i, k in zip(ids, keep) if not k]
    ids = [i for i, k in zip(ids, keep) if k]
    mean_rssi, counts = mean_rssi[keep], counts[keep]

    ids = ids[: params.max_beacons]
    mean_rssi, counts = mean_rssi[: params.max_beacons], counts[: params.max_beacons]
    beacons = [index[i] for i in ids]
    lat = np.array([b.lat for b in beacons])
    lon = np.array([b.lon for b in beacons])
    frame = LocalFrame(float(lat.mean()), float(lon.mean()))
    x, y = frame.to_xy(lat, lon)
    xy = np.column_stack([x, y]).astype(float)
    tx = np.array([b.tx_power for b in beacons], dtype=float)
    n = np.array([b.path_loss_exponent for b in beacons], dtype=float)
    # Averaging c readings shrinks only the independent share of the noise.
    rho = params.scan_correlation
    sd = params.noise_db * np.sqrt(rho + (1.0 - rho) / counts)

    # Registered beacons around: the silent ones (heard in no scan, on no level) and the area they span.
    around_ids, around, around_tx, around_n = index.neighbours(frame, xy, params.neighbour_radius_m, level,
                                                              exclude=pool.rssi)
    silent = None
    silent_ids: list[str] = []
    if params.negative_evidence and len(around) and params.max_silent > 0:
        near = np.argsort(np.min(np.sum((around[:, None, :] - xy[None, :, :]) ** 2, axis=2), axis=1),
                          kind="stable")[: params.max_silent]
        silent = Silent(around[near], around_tx[near], around_n[near])
        silent_ids = [around_ids[k] for k in near]
    few = len(ids) < params.min_beacons_likelihood
    area = around if (few and params.area_prior) else None
    correction = None if radio_map is None else _Correction(radio_map, frame, ids + silent_ids)

    est: Estimate | None = None
    if len(ids) >= 2 and (not few or area is not None):
        est = estimate_likelihood(xy, mean_rssi, tx, n, sd, params, area=area, silent=silent, n_scans=n_scans,
                                  correction=correction)
    if est is None and len(ids) >= 2:
        est = estimate_centroid(xy, mean_rssi, tx, n, params)
    if est is None:
        est = estimate_proximity(xy[0], float(mean_rssi[0]), float(tx[0]), float(n[0]), float(sd[0]), params,
                                 area=area, silent=silent if area is not None else None, n_scans=n_scans,
                                 correction=correction)

    if est.method == "proximity":
        nearest, dist = ids[0], float(range_from_rssi(mean_rssi[0], tx[0], n[0], params.antenna_height_m))
    else:
        dists = np.hypot(xy[:, 0] - est.x, xy[:, 1] - est.y)
        k = int(np.argmin(dists))
        nearest, dist = ids[k], float(dists[k])
    return _BeaconFix(est, frame, ids, level, set_aside, nearest, dist)


def _fuse(est: Estimate, frame: LocalFrame, gps: GpsFix, params: PositioningParams) -> tuple[float, float, float]:
    """Inverse-variance fusion of the beacon fix with GPS, in the local frame.

    Both accuracies are radii of the same quantile, so their squares are
    proportional to variances. When the two disagree by more than
    ``gps_gate`` times their combined accuracy (GPS multipath near buildings,
    a moved beacon), the fused accuracy is inflated by the excess instead of
    claiming a precision neither source has.
    """
    gx, gy = frame.to_xy(gps.lat, gps.lon)
    wb, wg = 1.0 / est.accuracy_m**2, 1.0 / gps.accuracy_m**2
    x = (wb * est.x + wg * float(gx)) / (wb + wg)
    y = (wb * est.y + wg * float(gy)) / (wb + wg)
    acc = 1.0 / math.sqrt(wb + wg)
    gap = math.hypot(est.x - float(gx), est.y - float(gy))
    allowed = params.gps_gate * math.hypot(est.accuracy_m, gps.accuracy_m)
    if gap > allowed:
        acc *= gap / allowed
    return x, y, acc


def locate_many(
    scans: Iterable[Iterable[Any]],
    beacons: BeaconIndex | Iterable[Beacon | Mapping[str, Any]] | Mapping[str, Any],
    gps: GpsFix | Mapping[str, Any] | Sequence[float] | None = None,
    *,
    params: PositioningParams | None = None,
    radio_map: RadioMap | None = None,
) -> Fix:
    """Position from several consecutive scans taken at one spot.

    RSSI is averaged per beacon over the scans that heard it; the model noise
    of each beacon shrinks with its number of readings, but only by the
    independent share (``scan_correlation``).

    Parameters
    ----------
    scans
        Each scan an iterable of ``(beacon_id, rssi)`` pairs or
        ``{"id": ..., "rssi": ...}`` dicts; empty scans are allowed.
    beacons
        The registry: a :class:`BeaconIndex` (build it once) or beacons/dicts.
    gps
        Optional GPS fix ``{lat, lon, accuracy_m}``.
    params
        Estimator settings; defaults to :class:`PositioningParams`.
    radio_map
        The deployment's radio map from a calibration survey
        (:class:`beacons.radiomap.RadioMap`); None uses the path-loss model alone.

    Raises
    ------
    NoPositionError
        If no reading is usable and there is no valid GPS fix.
    PositioningError
        If the input is not a list of scans.
    """
    params = params or _DEFAULT_PARAMS
    index = beacons if isinstance(beacons, BeaconIndex) else BeaconIndex(beacons)
    pool = _Pool()
    n_scans = 0
    for scan in scans:
        pool.add_scan(scan, index, params)
        n_scans += 1

    gps_fix: GpsFix | None = None
    if gps is not None:
        try:
            gps_fix = parse_gps(gps)
        except PositioningError as exc:
            pool.rejected[Skipped("gps", str(exc))] = None
    ignored, rejected = list(pool.ignored), list(pool.rejected)

    if not pool.rssi:
        if gps_fix is None:
            raise NoPositionError(
                "no usable beacon reading and no valid GPS fix "
                f"({len(ignored)} ignored, {len(rejected)} rejected)",
                ignored, rejected,
            )
        return Fix(gps_fix.lat, gps_fix.lon, gps_fix.accuracy_m, "gps",
                   ignored=tuple(ignored), rejected=tuple(rejected), n_scans=n_scans)

    est, frame, used, level, set_aside, nearest, dist = _beacon_fix(pool, index, params, n_scans, radio_map)
    ignored.extend(set_aside)
    # Averaging shrinks the posterior faster than the error (see accuracy_scale_combined).
    if n_scans > 1:
        est = replace(est, accuracy_m=est.accuracy_m * params.accuracy_scale_combined)
    x, y, acc, method = est.x, est.y, est.accuracy_m, est.method
    if gps_fix is not None:
        x, y, acc = _fuse(est, frame, gps_fix, params)
        method += "+gps"
    if est.method == "proximity":
        # the estimate's own distance to the beacon, as for every other method; only a fix placed at
        # the beacon itself keeps the distance the RSSI suggests (0 would say nothing)
        b = index[nearest]
        bx, by = frame.to_xy(b.lat, b.lon)
        away = math.hypot(x - float(bx), y - float(by))
        if away > AT_BEACON_M:
            dist = away
    lat, lon = frame.to_latlon(x, y)
    return Fix(
        lat=float(lat), lon=float(lon), accuracy_m=float(acc), method=method,
        used=tuple(used), ignored=tuple(ignored), rejected=tuple(rejected),
        nearest_beacon_id=nearest, nearest_distance_m=float(dist),
        level=None if level is None else float(level), n_scans=n_scans,
    )


def locate(
    readings: Iterable[Any],
    beacons: BeaconIndex | Iterable[Beacon | Mapping[str, Any]] | Mapping[str, Any],
    gps: GpsFix | Mapping[str, Any] | Sequence[float] | None = None,
    *,
    params: PositioningParams | None = None,
    radio_map: RadioMap | None = None,
) -> Fix:
    """Position from one scan: ``readings`` as in a ``POST /api/v1/locate`` body.

    Repeated readings of one beacon within the scan are averaged. See
    :func:`locate_many` for the parameters and errors.
    """
    return locate_many([readings], beacons, gps, params=params, radio_map=radio_map)

