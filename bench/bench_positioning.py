"""Replay the UJI BLE library zone through ``beacons.positioning.locate``.

Data: ``../shared/ble/uji_lib`` (Mendoza-Silva et al., UJI, 2018, CC BY 4.0),
read in place. The zone's x/y metres are placed at a lat/lon origin in
Kaiserslautern with :class:`routing.geo.LocalFrame`; beacons become registry
records (ids ``uji-23`` ...) passed as dicts and every scan as the
``[{"id", "rssi"}]`` list the HTTP endpoint receives - the very path
``POST /api/v1/locate`` takes. Ground truth is used only to score.

Printed per configuration: number of fixes, mean / median / 90th-percentile
error in metres, and the share of fixes whose error is within
``accuracy_m`` (the target is about 2/3), for single scans and for a few
consecutive scans at one point combined with ``locate_many``.
Calibration is evaluated by cross-validation only: leave one phone out, and
fit on one measurement campaign / test on the other.

Configurations: ``default`` (``PositioningParams()``, what the service runs)
and ``area prior`` (``area_prior=True``: fixes from 1-2 beacons from the grid
posterior with the area prior); ``--ablation`` adds both without the
negative evidence of silent beacons (``default`` without it is the method
before negative evidence was added). Runs spread over ``--jobs`` processes.

Usage: ``python bench/bench_positioning.py [--data DIR] [--combine 3] [--quick] [--ablation]
[--per-beacon] [--jobs N]``
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


def load_zone(data: Path) -> Zone:
    """Read dep/ and rss/ of a UJI zone into registry dicts and endpoint-shaped scans."""
    frame = LocalFrame(*ORIGIN)
    dep = np.loadtxt(data / "dep" / "lib.csv", delimiter=",", skiprows=1, ndmin=2)
    lat, lon = frame.to_latlon(dep[:, 1], dep[:, 2])
    beacons = [
        Beacon(id=f"uji-{int(b)}", lat=float(la), lon=float(lo), kind="waypoint",
               label=f"Bibliothek, Beacon {int(b)}", label_en=f"Library, beacon {int(b)}").to_dict()
        for b, la, lo in zip(dep[:, 0], lat, lon)
    ]
    rss = np.loadtxt(data / "rss" / "lib_rss.csv", delimiter=",", ndmin=2)
    crd = np.loadtxt(data / "rss" / "lib_crd.csv", delimiter=",", ndmin=2)
    ids = np.loadtxt(data / "rss" / "lib_ids.csv", dtype=np.int64, ndmin=1)
    if not (len(rss) == len(crd) == len(ids)) or rss.shape[1] != len(dep):
        raise SystemExit(f"inconsistent files in {data}")
    names = [b["id"] for b in beacons]
    scans = [
        [{"id": names[j], "rssi": float(v)} for j, v in enumerate(row) if v != NOT_HEARD]
        for row in rss
    ]
    tlat, tlon = frame.to_latlon(crd[:, 0], crd[:, 1])
    return Zone(
        beacons=beacons, scans=scans, truth=np.column_stack([tlat, tlon]),
        phone=ids // 10**7, campaign=(ids // 10**5) % 10, point=(ids // 100) % 1000,
        sample=ids % 100,
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


def run_single(zone: Zone, rows: np.ndarray, index: BeaconIndex, params: PositioningParams) -> Result:
    """Every scan alone through ``locate``."""
    res = Result.empty()
    t0 = time.perf_counter()
    for i in rows:
        try:
            fix = locate(zone.scans[i], index, params=params)
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
                 size: int) -> Result:
    """Windows of consecutive scans through ``locate_many``."""
    res = Result.empty()
    t0 = time.perf_counter()
    for win in windows(zone, rows, size):
        try:
            fix = locate_many([zone.scans[i] for i in win], index, params=params)
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
        per_beacon: bool, size: int) -> Calibration:
    """Calibrate on the given scans only; a spot is one phone's stop at one point, in scan order."""
    rows = sorted(rows, key=lambda i: (zone.phone[i], zone.campaign[i], zone.point[i], zone.sample[i]))
    samples = [LabelledScan(zone.scans[i], *zone.truth[i],
                            spot=f"{zone.phone[i]}-{zone.campaign[i]}-{zone.point[i]}") for i in rows]
    return calibrate(samples, index, per_beacon=per_beacon, combine=size, params=params)


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


def _init(data: Path) -> None:
    """Worker start: read the zone once and build the registry index once."""
    zone = load_zone(data)
    _STATE["zone"], _STATE["index"] = zone, BeaconIndex(zone.beacons)


def _uncalibrated(params: PositioningParams, size: int, combined: bool) -> tuple[Result, Result | None]:
    zone, index = _STATE["zone"], _STATE["index"]
    rows = np.arange(len(zone.scans))
    single = run_single(zone, rows, index, params)
    return single, (run_combined(zone, rows, index, params, size) if combined else None)


def _calibrated(params: PositioningParams, size: int, per_beacon: bool, name: str, train: np.ndarray,
                test: np.ndarray) -> tuple[Result, Result, str]:
    """Fit on ``train``, score single scans and windows of ``test``; also a line describing the fit."""
    zone, index = _STATE["zone"], _STATE["index"]
    cal = fit(zone, train, index, params, per_beacon, size)
    cal_index = BeaconIndex(cal.apply(index))
    cal_params = cal.params(params)
    scales = ", ".join(f"{k} {v:.2f}" for k, v in sorted(cal.accuracy_scales.items()))
    rho = "-" if cal.scan_correlation is None else f"{cal.scan_correlation:.2f}"
    about = (f"    {name}: tx_power {cal.tx_power:.1f} dBm, n {cal.path_loss_exponent:.2f}, "
             f"noise {cal.noise_db:.1f} dB, scan correlation {rho}, accuracy scales: {scales}")
    return (run_single(zone, test, cal_index, cal_params), run_combined(zone, test, cal_index, cal_params, size),
            about)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="UJI zone directory (dep/, rss/)")
    ap.add_argument("--combine", type=int, default=3, help="scans combined per point (default 3)")
    ap.add_argument("--quick", action="store_true", help="uncalibrated figures only")
    ap.add_argument("--ablation", action="store_true", help="also both configurations without negative evidence")
    ap.add_argument("--per-beacon", action="store_true", help="also calibrate tx_power per beacon")
    ap.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 8), help="worker processes")
    ap.add_argument("--quiet", action="store_true", help="do not print fitted parameters")
    args = ap.parse_args(argv)
    if not (args.data / "rss" / "lib_rss.csv").exists():
        raise SystemExit(f"no UJI data in {args.data}")
    t_start = time.perf_counter()

    zone = load_zone(args.data)
    all_rows = np.arange(len(zone.scans))
    n_heard = np.array([len(s) for s in zone.scans])
    configs = {"default": PositioningParams(), "area prior": PositioningParams(area_prior=True)}
    ablations = {f"{k}, no negative evidence": replace(v, negative_evidence=False) for k, v in configs.items()}
    print(f"UJI BLE zone {args.data}: {len(zone.beacons)} beacons, {len(zone.scans)} scans "
          f"({int(np.sum(n_heard == 0))} with no beacon heard -> no fix), phones "
          f"{sorted(set(zone.phone.tolist()))}, campaigns {sorted(set(zone.campaign.tolist()))}")
    print(f"errors in metres; in_acc = share of fixes with error <= accuracy_m (target ~0.67); "
          f"combined = {args.combine} consecutive scans of one phone at one point; ms = per locate call")
    print("configurations: default = PositioningParams(); area prior = PositioningParams(area_prior=True)\n")

    phones = sorted(set(zone.phone.tolist()))
    camps = sorted(set(zone.campaign.tolist()))
    schemes = {
        "leave-one-phone-out": [(f"test phone {p}", all_rows[zone.phone != p], all_rows[zone.phone == p])
                                for p in phones],
        "by campaign": [(f"test campaign {c}", all_rows[zone.campaign != c], all_rows[zone.campaign == c])
                        for c in camps] if len(camps) > 1 else [],
    }
    with ProcessPoolExecutor(max_workers=max(args.jobs, 1), initializer=_init, initargs=(args.data,)) as pool:
        plain = {name: pool.submit(_uncalibrated, params, args.combine, True) for name, params in configs.items()}
        ablated = ({name: pool.submit(_uncalibrated, params, args.combine, False)
                    for name, params in ablations.items()} if args.ablation else {})
        fitted: dict[tuple, list] = {}
        if not args.quick:
            for name, params in configs.items():
                for per_beacon in (False, True) if args.per_beacon else (False,):
                    for scheme, folds in schemes.items():
                        fitted[(name, per_beacon, scheme)] = [
                            pool.submit(_calibrated, params, args.combine, per_beacon, fold, train, test)
                            for fold, train, test in folds]

        print(HEADER)
        summary = []
        for name in configs:
            single, combined = plain[name].result()
            print(single.line(f"{name}, uncalibrated, single scan"))
            print_breakdown(zone, single, n_heard)
            print(combined.line(f"{name}, uncalibrated, {args.combine} scans combined"))
            print_breakdown(zone, combined, n_heard, by_heard=False)
            summary += [
                verdict(f"{name}, uncalibrated, single scan, all fixes", single),
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

        for (name, per_beacon, scheme), futures in fitted.items():
            if not futures:
                continue
            kind = "per-beacon tx_power" if per_beacon else "shared tx_power"
            print(f"\n{name}, calibrated ({kind}), {scheme}:")
            single, combined = Result.empty(), Result.empty()
            for future in futures:
                s_res, c_res, about = future.result()
                single.add(s_res)
                combined.add(c_res)
                if not args.quiet:
                    print(about)
            print(single.line(f"{name}, calibrated, single"))
            detailed = scheme == "leave-one-phone-out" and not per_beacon
            if detailed:
                print_breakdown(zone, single, n_heard)
            print(combined.line(f"{name}, calibrated, {args.combine} combined"))
            if detailed:
                print_breakdown(zone, combined, n_heard, by_heard=False)
                summary.append(verdict(f"{name}, calibrated (LOPO), single scan, all fixes", single))
                summary.append(verdict(f"{name}, calibrated (LOPO), {args.combine} scans combined", combined))

    print(f"\ntargets: mean <= {TARGET_MEAN_M} m, p90 <= {TARGET_P90_M} m, in_acc "
          f"{TARGET_IN_ACC[0]:.2f}..{TARGET_IN_ACC[1]:.2f} (scans with no beacon heard give no fix)")
    print("\n".join(summary))
    print(f"\n({time.perf_counter() - t_start:.0f} s with {max(args.jobs, 1)} worker processes; "
          "ms per call are measured inside the workers, so they include any contention between them)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
