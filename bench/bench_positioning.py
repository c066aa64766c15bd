"""Replay UJI-format BLE zones through ``beacons.positioning.locate``.

Data: by default ``../shared/ble/uji_lib`` (the library zone of the UJI BLE
RSS database, Mendoza-Silva et al., UJI, 2018, CC BY 4.0), read in place.
Any directory in the same format works (``--data``): every zone with
``dep/<zone>.csv`` (beacons ``id,x,y``) and ``rss/<zone>_rss.csv``,
``_crd.csv``, ``_ids.csv`` is benchmarked (``--zone`` picks some). The
zone's x/y metres are placed at a lat/lon origin with
:class:`routing.geo.LocalFrame`; beacons become registry records passed as
dicts and every scan the ``[{"id", "rssi"}]`` list the HTTP endpoint
receives - the very path ``POST /api/v1/locate`` takes. Ground truth is used
only to score and, in the calibrated runs, to fit on the training scans.

Printed per configuration: number of fixes, mean / median / 90th-percentile
error in metres, and the share of fixes whose error is within
``accuracy_m`` (the target is about 2/3), for single scans and for a few
consecutive scans at one point combined with ``locate_many``.

Configurations: ``default`` (``PositioningParams()``, what the service runs
without calibration: fixes from 1-2 beacons from the grid posterior with the
area prior) and ``no area prior`` (``area_prior=False``: a weighted centroid
of two beacons, one beacon's position); ``--ablation`` adds both without the
negative evidence of silent beacons.

Calibrations (``beacons.calibration.calibrate``), each scored only on scans
it was not fitted on:

- ``model``: tx power, path-loss exponent, noise, the size of the direction
  effect of a scan (:mod:`beacons.scan_offsets`) and accuracy scales;
- ``radio map``: the same plus a :class:`beacons.radiomap.RadioMap` (where
  the model is wrong, per beacon, learnt over the surveyed places).

Cross-validation schemes, all grouped so that nothing leaks:

- ``by campaign`` - fit on one survey walk, test on another. **This is the
  headline figure**: it is what a deployment gets (staff survey once, people
  walk later, with other phones in their hands on other days). Note: in UJI's
  library zone the two campaigns were measured at *different* places (24 and
  34 places, every test place 2.2-2.4 m from the nearest training place), so
  this is also a test between surveyed places - the bench prints how many
  places the campaigns share.
- ``leave places out`` - 5 folds of places; a test place is never in
  training, its neighbours are (at the survey's spacing).
- ``leave one phone out`` - a phone the fit never saw, but at the very
  places and in the same walks it was fitted on: for a radio map this is
  optimistic (it knows the test places), reported for the phone effect only.

Usage: ``python bench/bench_positioning.py [--data DIR] [--zone NAME] [--combine 3] [--quick]
[--calibration all|model|radio map] [--ablation] [--per-beacon] [--jobs N]``
"""

from __future__ import annotations

import argparse
import os

# One BLAS thread per process: the matrices are small, and the runs are spread over processes anyway.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beacons.calibration import Calibration, LabelledScan, calibrate  # noqa: E402
from beacons.model import Beacon  # noqa: E402
from beacons.params import PositioningParams  # noqa: E402
from beacons.positioning import BeaconIndex, NoPositionError, locate, locate_many  # noqa: E402
from beacons.radiomap import RadioMap  # noqa: E402
from routing.geo import LocalFrame, haversine_m  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "ble" / "uji_lib"
ORIGIN = (49.4440, 7.7690)
NOT_HEARD = 100


@dataclass
class Zone:
    """The zone as the service would see it, plus ground truth and scan metadata."""

    beacons: list[dict]            # registry records as dicts
    scans: list[list[dict]]        # each [{"id", "rssi"}]
    truth: np.ndarray              # (N, 2) lat, lon
    phone: np.ndarray
    campaign: np.ndarray
    point: np.ndarray
    sample: np.ndarray
    place: np.ndarray              # distinct ground-truth position


def find_zones(data: Path) -> list[str]:
    """Names of the UJI-format zones in ``data``: ``rss/<zone>_rss.csv`` with ``dep/<zone>.csv`` beside it."""
    out = []
    for path in sorted((data / "rss").glob("*_rss.csv")):
        zone = path.name[: -len("_rss.csv")]
        if all(p.exists() for p in (data / "dep" / f"{zone}.csv", data / "rss" / f"{zone}_crd.csv",
                                    data / "rss" / f"{zone}_ids.csv")):
            out.append(zone)
    return out


def _read_table(path: Path) -> np.ndarray:
    """A numeric CSV, with or without a header line."""
    with open(path) as fh:
        first = fh.readline()
    try:
        [float(v) for v in first.strip().split(",") if v.strip()]
        skip = 0
    except ValueError:
        skip = 1
    return np.loadtxt(path, delimiter=",", skiprows=skip, ndmin=2)


def load_zone(data: Path, zone: str) -> Zone:
    """Read dep/ and rss/ of a UJI zone into registry dicts and endpoint-shaped scans."""
    frame = LocalFrame(*ORIGIN)
    dep = _read_table(data / "dep" / f"{zone}.csv")
    lat, lon = frame.to_latlon(dep[:, 1], dep[:, 2])
    beacons = [
        Beacon(id=f"uji-{zone}-{int(b)}", lat=float(la), lon=float(lo), kind="waypoint",
               label=f"{zone}, Beacon {int(b)}", label_en=f"{zone}, beacon {int(b)}").to_dict()
        for b, la, lo in zip(dep[:, 0], lat, lon)
    ]
    rss = _read_table(data / "rss" / f"{zone}_rss.csv")
    crd = _read_table(data / "rss" / f"{zone}_crd.csv")
    ids = _read_table(data / "rss" / f"{zone}_ids.csv")[:, 0].astype(np.int64)
    if not (len(rss) == len(crd) == len(ids)) or rss.shape[1] != len(dep):
        raise SystemExit(f"inconsistent files in {data}")
    names = [b["id"] for b in beacons]
    scans = [
        [{"id": names[j], "rssi": float(v)} for j, v in enumerate(row) if v != NOT_HEARD]
        for row in rss
    ]
    tlat, tlon = frame.to_latlon(crd[:, 0], crd[:, 1])
    # Point numbers restart in every campaign (in UJI's library zone the two campaigns share no
    # place at all): a place is a ground-truth position.
    _, place = np.unique(np.round(crd[:, :2], 2), axis=0, return_inverse=True)
    return Zone(
        beacons=beacons, scans=scans, truth=np.column_stack([tlat, tlon]),
        phone=ids // 10**7, campaign=(ids // 10**5) % 10, point=(ids // 100) % 1000,
        sample=ids % 100, place=place.ravel(),
    )


@dataclass
class Result:
    """Outcome per scan (or window): row, error, covered, method; plus failures and time."""

    rows: list[int]
    errors: list[float]
    covered: list[bool]
    method: list[str]
    no_fix: list[int]
    seconds: float

    @classmethod
    def empty(cls) -> "Result":
        return cls([], [], [], [], [], 0.0)

    def add(self, other: "Result") -> None:
        self.rows += other.rows
        self.errors += other.errors
        self.covered += other.covered
        self.method += other.method
        self.no_fix += other.no_fix
        self.seconds += other.seconds

    def subset(self, keep) -> "Result":
        """The entries whose row satisfies ``keep(row)``."""
        idx = [k for k, r in enumerate(self.rows) if keep(r)]
        n_total = len(self.rows) + len(self.no_fix)
        nofix = [r for r in self.no_fix if keep(r)]
        share = (len(idx) + len(nofix)) / max(n_total, 1)
        return Result([self.rows[k] for k in idx], [self.errors[k] for k in idx],
                      [self.covered[k] for k in idx], [self.method[k] for k in idx],
                      nofix, self.seconds * share)

    @property
    def methods(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for m in self.method:
            out[m] += 1
        return out

    def line(self, label: str) -> str:
        e = np.array(self.errors)
        if not len(e):
            return f"{label:50s} no fixes"
        ms = 1000 * self.seconds / max(len(e) + len(self.no_fix), 1)
        methods = ", ".join(f"{k} {v}" for k, v in sorted(self.methods.items()))
        return (f"{label:50s} {len(e):5d} {e.mean():6.2f} {np.median(e):6.2f} "
                f"{np.percentile(e, 90):6.2f} {np.mean(self.covered):6.2f}   "
                f"{len(self.no_fix):5d} {ms:5.1f}  {methods}")


HEADER = (f"{'':50s} {'fixes':>5s} {'mean':>6s} {'median':>6s} {'p90':>6s} {'in_acc':>6s}  "
          f"{'nofix':>5s} {'ms':>5s}  methods")


def run_single(zone: Zone, rows: np.ndarray, index: BeaconIndex, params: PositioningParams,
               radio_map: RadioMap | None = None) -> Result:
    """Every scan alone through ``locate``."""
    res = Result.empty()
    t0 = time.perf_counter()
    for i in rows:
        try:
            fix = locate(zone.scans[i], index, params=params, radio_map=radio_map)
        except NoPositionError:
            res.no_fix.append(int(i))
            continue
        err = float(haversine_m(fix.lat, fix.lon, *zone.truth[i]))
        res.rows.append(int(i))
        res.errors.append(err)
        res.covered.append(err <= fix.accuracy_m)
        res.method.append(fix.method)
    res.seconds = time.perf_counter() - t0
    return res


def windows(zone: Zone, rows: np.ndarray, size: int) -> list[list[int]]:
    """Consecutive, non-overlapping windows of ``size`` scans of one phone at one point."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i in rows:
        groups[(zone.phone[i], zone.campaign[i], zone.point[i])].append(int(i))
    out = []
    for members in groups.values():
        members.sort(key=lambda i: zone.sample[i])
        out += [members[k:k + size] for k in range(0, len(members) - size + 1, size)]
    return out


def run_combined(zone: Zone, rows: np.ndarray, index: BeaconIndex, params: PositioningParams,
                 size: int, radio_map: RadioMap | None = None) -> Result:
    """Windows of consecutive scans through ``locate_many``."""
    res = Result.empty()
    t0 = time.perf_counter()
    for win in windows(zone, rows, size):
        try:
            fix = locate_many([zone.scans[i] for i in win], index, params=params, radio_map=radio_map)
        except NoPositionError:
            res.no_fix.append(win[0])
            continue
        err = float(haversine_m(fix.lat, fix.lon, *zone.truth[win[0]]))
        res.rows.append(win[0])
        res.errors.append(err)
        res.covered.append(err <= fix.accuracy_m)
        res.method.append(fix.method)
    res.seconds = time.perf_counter() - t0
    return res


def fit(zone: Zone, rows: np.ndarray, index: BeaconIndex, params: PositioningParams,
        per_beacon: bool, size: int, radio_map: bool) -> Calibration:
    """Calibrate on the given scans only; a spot is one phone's stop at one point, in scan order.

    A spot is a visit (campaign, point number), not a place: UJI visits some places twice in a
    campaign, and mixing two visits' scans in one window would make them look less correlated
    than consecutive scans are.
    """
    rows = sorted(rows, key=lambda i: (zone.phone[i], zone.campaign[i], zone.point[i], zone.sample[i]))
    samples = [LabelledScan(zone.scans[i], *zone.truth[i],
                            spot=f"{zone.phone[i]}-{zone.campaign[i]}-{zone.point[i]}") for i in rows]
    return calibrate(samples, index, per_beacon=per_beacon, combine=size, params=params, radio_map=radio_map)


def schemes(zone: Zone, folds: int = 5) -> dict[str, list[tuple[str, np.ndarray, np.ndarray]]]:
    """Grouped cross-validation splits: (fold name, training rows, test rows) per scheme.

    ``by campaign`` trains on one survey walk and tests on another;
    ``leave places out`` never tests at a place it trained at (places go to
    ``folds`` folds round-robin in the order of their coordinates, so test
    places have surveyed neighbours at the survey's spacing);
    ``leave one phone out`` tests a phone the calibration never saw - at the
    very places (and in the same walks) it was fitted at.
    """
    rows = np.arange(len(zone.scans))
    phones = sorted(set(zone.phone.tolist()))
    camps = sorted(set(zone.campaign.tolist()))
    fold_of = zone.place % folds
    out = {
        "by campaign": [(f"test campaign {c}", rows[zone.campaign != c], rows[zone.campaign == c])
                        for c in camps] if len(camps) > 1 else [],
        "leave places out": [(f"test place fold {k}", rows[fold_of != k], rows[fold_of == k])
                             for k in range(folds) if np.any(fold_of == k)],
        "leave one phone out": [(f"test phone {p}", rows[zone.phone != p], rows[zone.phone == p])
                                for p in phones] if len(phones) > 1 else [],
    }
    return {k: v for k, v in out.items() if v}


def print_breakdown(zone: Zone, res: Result, n_heard: np.ndarray, by_heard: bool = True,
                    by_phone: bool = True) -> None:
    """The same figures by number of beacons heard (single scans) and by phone."""
    for lo, hi in ((1, 1), (2, 2), (1, 2), (3, 99)) if by_heard else ():
        label = (f"  {lo} beacon(s) heard" if lo == hi else
                 f"  >= {lo} beacons heard" if hi == 99 else f"  {lo}..{hi} beacons heard")
        print(res.subset(lambda r: lo <= n_heard[r] <= hi).line(label))
    for p in sorted(set(zone.phone.tolist())) if by_phone else ():
        print(res.subset(lambda r: zone.phone[r] == p).line(f"  phone {p}"))


TARGET_MEAN_M, TARGET_P90_M, TARGET_IN_ACC = 1.8, 3.5, (0.60, 0.75)


def verdict(label: str, res: Result) -> str:
    """One line: does ``res`` meet the single-scan targets?"""
    e = np.array(res.errors)
    share = float(np.mean(res.covered))
    checks = [
        f"mean {e.mean():.2f} {'<=' if e.mean() <= TARGET_MEAN_M else '>'} {TARGET_MEAN_M}",
        f"p90 {np.percentile(e, 90):.2f} {'<=' if np.percentile(e, 90) <= TARGET_P90_M else '>'} {TARGET_P90_M}",
        f"in_acc {share:.2f} {'in' if TARGET_IN_ACC[0] <= share <= TARGET_IN_ACC[1] else 'outside'} "
        f"{TARGET_IN_ACC[0]:.2f}..{TARGET_IN_ACC[1]:.2f}",
    ]
    return f"  {label:52s} " + "; ".join(checks)


# -- runs, spread over processes ------------------------------------------------------

_STATE: dict = {}


def _init(data: Path, zone_name: str) -> None:
    """Worker start: read the zone once and build the registry index once."""
    zone = load_zone(data, zone_name)
    _STATE["zone"], _STATE["index"] = zone, BeaconIndex(zone.beacons)


def _uncalibrated(params: PositioningParams, size: int, combined: bool) -> tuple[Result, Result | None]:
    zone, index = _STATE["zone"], _STATE["index"]
    rows = np.arange(len(zone.scans))
    single = run_single(zone, rows, index, params)
    return single, (run_combined(zone, rows, index, params, size) if combined else None)


def _calibrated(params: PositioningParams, size: int, per_beacon: bool, radio_map: bool, name: str,
                train: np.ndarray, test: np.ndarray) -> tuple[Result, Result, str]:
    """Fit on ``train``, score single scans and windows of ``test``; also a line describing the fit."""
    zone, index = _STATE["zone"], _STATE["index"]
    cal = fit(zone, train, index, params, per_beacon, size, radio_map)
    cal_index = BeaconIndex(cal.apply(index))
    cal_params = cal.params(params)
    scales = ", ".join(f"{k} {v:.2f}" for k, v in sorted(cal.accuracy_scales.items()))
    rho = "-" if cal.scan_correlation is None else f"{cal.scan_correlation:.2f}"
    turn = "-" if cal.orientation_sd_db is None else f"{cal.orientation_sd_db:.1f} dB"
    about = (f"    {name}: tx_power {cal.tx_power:.1f} dBm, n {cal.path_loss_exponent:.2f}, "
             f"noise {cal.noise_db:.1f} dB, direction effect {turn}, scan correlation {rho}, "
             f"accuracy scales: {scales}")
    rmap = cal.radio_map
    if rmap is not None:
        about += (f"; map: length {rmap.length_m:.1f} m, size {rmap.signal_db:.1f} dB, "
                  f"rays {rmap.ray_db:.1f} dB over {rmap.ray_width:.2f} wide and {rmap.ray_length_m:.0f} m long, "
                  f"visit {rmap.session_db:.1f} dB, reading {rmap.reading_db:.1f} dB, {len(rmap.lat)} places")
    return (run_single(zone, test, cal_index, cal_params, rmap),
            run_combined(zone, test, cal_index, cal_params, size, rmap), about)


CALIBRATIONS = {"model": False, "radio map": True}


def bench_zone(args: argparse.Namespace, zone_name: str) -> list[str]:
    """Print the figures of one zone; return its summary lines."""
    t_start = time.perf_counter()
    zone = load_zone(args.data, zone_name)
    n_heard = np.array([len(s) for s in zone.scans])
    configs = {"default": PositioningParams(), "no area prior": PositioningParams(area_prior=False)}
    ablations = {f"{k}, no negative evidence": replace(v, negative_evidence=False) for k, v in configs.items()}
    print(f"UJI BLE zone {zone_name!r} in {args.data}: {len(zone.beacons)} beacons, {len(zone.scans)} scans "
          f"({int(np.sum(n_heard == 0))} with no beacon heard -> no fix) at {len(set(zone.place.tolist()))} "
          f"places, phones {sorted(set(zone.phone.tolist()))}, campaigns {sorted(set(zone.campaign.tolist()))}")
    camps = sorted(set(zone.campaign.tolist()))
    shared = set.intersection(*[set(zone.place[zone.campaign == c].tolist()) for c in camps]) if camps else set()
    print(f"places surveyed in more than one campaign: {len(shared)} (0: 'by campaign' tests only at "
          "places the calibration never saw)")
    print(f"errors in metres; in_acc = share of fixes with error <= accuracy_m (target ~0.67); "
          f"combined = {args.combine} consecutive scans of one phone at one point; ms = per locate call")
    print("configurations: default = PositioningParams() (area prior on); "
          "no area prior = PositioningParams(area_prior=False)\n")

    splits = schemes(zone)
    calibrations = {k: v for k, v in CALIBRATIONS.items() if args.calibration in ("all", k)}
    summary = [f"zone {zone_name}:"]
    with ProcessPoolExecutor(max_workers=max(args.jobs, 1), initializer=_init,
                             initargs=(args.data, zone_name)) as pool:
        plain = {name: pool.submit(_uncalibrated, params, args.combine, True) for name, params in configs.items()}
        ablated = ({name: pool.submit(_uncalibrated, params, args.combine, False)
                    for name, params in ablations.items()} if args.ablation else {})
        fitted: dict[tuple, list] = {}
        if not args.quick:
            for name, params in configs.items():
                for cal_name, with_map in calibrations.items():
                    for per_beacon in (False, True) if args.per_beacon and not with_map else (False,):
                        for scheme, folds in splits.items():
                            fitted[(name, cal_name, per_beacon, scheme)] = [
                                pool.submit(_calibrated, params, args.combine, per_beacon, with_map, fold,
                                            train, test)
                                for fold, train, test in folds]

        print(HEADER)
        for name in configs:
            single, combined = plain[name].result()
            print(single.line(f"{name}, uncalibrated, single scan"))
            print_breakdown(zone, single, n_heard)
            print(combined.line(f"{name}, uncalibrated, {args.combine} scans combined"))
            print_breakdown(zone, combined, n_heard, by_heard=False)
            summary += [
                verdict(f"{name}, uncalibrated, single scan", single),
                verdict(f"{name}, uncalibrated, single scan, >= 3 beacons",
                        single.subset(lambda r: n_heard[r] >= 3)),
                verdict(f"{name}, uncalibrated, {args.combine} scans combined", combined),
            ]
        if ablated:
            print("\nablation (single scans, uncalibrated):")
            for name, future in ablated.items():
                single, _ = future.result()
                print(single.line(name))
                print_breakdown(zone, single, n_heard, by_phone=False)

        for (name, cal_name, per_beacon, scheme), futures in fitted.items():
            kind = cal_name + (", per-beacon tx_power" if per_beacon else "")
            print(f"\n{name}, calibrated ({kind}), {scheme}:")
            single, combined = Result.empty(), Result.empty()
            for future in futures:
                s_res, c_res, about = future.result()
                single.add(s_res)
                combined.add(c_res)
                if not args.quiet:
                    print(about)
            print(single.line(f"{name}, {cal_name}, single"))
            print_breakdown(zone, single, n_heard, by_phone=scheme == "leave one phone out")
            print(combined.line(f"{name}, {cal_name}, {args.combine} combined"))
            if not per_beacon:
                tag = "HEADLINE " if scheme == "by campaign" else ""
                summary.append(verdict(f"{tag}{name}, {cal_name}, {scheme}, single scan", single))
                summary.append(verdict(f"{name}, {cal_name}, {scheme}, {args.combine} combined", combined))
    summary.append(f"  ({time.perf_counter() - t_start:.0f} s with {max(args.jobs, 1)} worker processes)")
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="UJI-format directory (dep/, rss/)")
    ap.add_argument("--zone", action="append", help="zone name (rss/<zone>_rss.csv); default: every zone found")
    ap.add_argument("--combine", type=int, default=3, help="scans combined per point (default 3)")
    ap.add_argument("--quick", action="store_true", help="uncalibrated figures only")
    ap.add_argument("--calibration", choices=("all", *CALIBRATIONS), default="all",
                    help="which calibrations to cross-validate (default all)")
    ap.add_argument("--ablation", action="store_true", help="also both configurations without negative evidence")
    ap.add_argument("--per-beacon", action="store_true", help="also calibrate tx_power per beacon (model only)")
    ap.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 8), help="worker processes")
    ap.add_argument("--quiet", action="store_true", help="do not print fitted parameters")
    args = ap.parse_args(argv)
    zones = args.zone or find_zones(args.data)
    missing = [z for z in zones if z not in find_zones(args.data)]
    if not zones or missing:
        raise SystemExit(f"no UJI zone {', '.join(missing) if missing else ''} in {args.data} "
                         "(expected dep/<zone>.csv and rss/<zone>_rss.csv, _crd.csv, _ids.csv)")
    summary = []
    for zone_name in zones:
        summary += bench_zone(args, zone_name)
        print()
    print(f"targets: mean <= {TARGET_MEAN_M} m, p90 <= {TARGET_P90_M} m, in_acc "
          f"{TARGET_IN_ACC[0]:.2f}..{TARGET_IN_ACC[1]:.2f} (scans with no beacon heard give no fix)")
    print("\n".join(summary))
    print("ms per call are measured inside the workers, so they include any contention between them")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
