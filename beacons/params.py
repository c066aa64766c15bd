"""Settings of the positioning estimators, in one validated object.

Defaults are physical or generic choices, not fitted to one site: they must
work in a city we have never measured. A calibration survey
(:func:`beacons.calibration.calibrate`) replaces the noise level and the
accuracy scales with values measured in the deployment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["PositioningParams", "ACCURACY_QUANTILE"]

#: ``accuracy_m`` is the radius that should contain the true position in this
#: share of fixes (the convention of Android's ``Location.getAccuracy``).
ACCURACY_QUANTILE = 2.0 / 3.0


@dataclass(frozen=True)
class PositioningParams:
    """Tunable parts of :func:`beacons.positioning.locate`.

    Attributes
    ----------
    rssi_min_dbm, rssi_max_dbm
        Plausible RSSI range; readings outside are rejected (a BLE radio
        cannot report above 0 dBm, and below -110 dBm is below any
        receiver's sensitivity).
    noise_db
        Standard deviation of one RSSI reading around the path-loss model
        (multipath, body shadowing). 4-8 dB is typical for BLE.
    noise_scales
        The noise level is uncertain per scan, so the likelihood is a mixture
        over ``noise_db * s`` for each ``s`` (a heavy-tailed scale mixture):
        a scan that fits the model badly gets a wider posterior.
    gain_sd_db
        Phones differ in receiver gain by up to ~20 dB. A per-scan offset with
        this prior standard deviation is integrated out, so positions rest on
        RSSI *differences* and need no per-phone calibration.
    orientation_sd_db
        How the phone is carried makes beacons on one side louder and those
        on the other quieter (the body shadows what is behind it, the antenna
        favours some directions). Per scan, a shift ``a cos b + c sin b`` in
        the bearing ``b`` of each beacon, with unknown ``a, c`` of this
        standard deviation, is integrated out (:mod:`beacons.scan_offsets`);
        0 disables. A calibration survey measures it (UJI library zone:
        2.8-3.1 dB). The default is smaller than such measurements on
        purpose: a shift of the position changes the readings in much the
        same pattern, so without a calibrated model a large direction term
        also explains away position information (uncalibrated on the UJI
        scans, 3+ beacons: 1.67 m without, 1.65 m at 1.5-2 dB, 1.75 m at
        3.5 dB).
    antenna_height_m
        Vertical distance between beacon and phone; it keeps the model finite
        when standing under a beacon.
    prior_edge_m
        Prior on the position: uniform over the bounding box of the heard
        beacons, falling off as a Gaussian of this width outside it (you hear
        beacons around you).
    grid_step_m, max_grid_cells
        Resolution of the likelihood grid; the step grows for large boxes so
        that a scan never costs more than ``max_grid_cells`` cells.
    max_spread_m
        Beacons heard in one scan lie within radio range of one phone: a
        reading of a beacon farther than this from the group the others form
        is ignored as "too far from the other beacons heard" (a beacon
        registered at the wrong place must not pull the fix towards it).
    max_beacons
        Only the strongest readings are used (weak ones add little and cost time).
    min_beacons_likelihood
        Fewest beacons whose bounding box is the prior of the likelihood
        estimate (you hear beacons around you). Scans with fewer readings use
        the area prior instead (``area_edge_m``); with one beacon the fix is
        "near X" (method ``proximity``), with more ``likelihood``.
    neighbour_radius_m, max_silent
        Registered, active beacons on the fix's level within this distance of
        a heard one could have been heard: the silent ones among them give
        the negative evidence (the ``max_silent`` nearest to the heard ones:
        farther ones would be missed almost anywhere near the heard beacons,
        so they say little and cost time), and all of them bound the area
        prior. A radius of 0 disables both.
    area_edge_m, area_grid_step_m
        Area prior of fixes from fewer than ``min_beacons_likelihood``
        beacons: uniform over the convex hull of the heard and neighbouring
        registered beacons, falling off as a Gaussian of ``area_edge_m``
        outside it (beacons are installed where people walk, so a phone that
        hears one is among them); its grid step (such posteriors are metres
        wide, a coarser grid loses nothing).
    negative_evidence
        Let silent neighbours count in the grid posterior (see
        :mod:`beacons.estimators`).
    area_prior
        Scans with fewer than ``min_beacons_likelihood`` readings are located
        by the grid posterior with the area prior and the negative evidence
        (two beacons: ``likelihood``; one: ``proximity`` placed at the
        posterior mean) instead of the weighted centroid / the beacon's
        position. On by default: on the UJI library scans it brings the
        single-scan error from 1.98 / 3.88 m (mean / p90) to 1.88 / 3.58 m
        with accuracy still honest; ``bench/bench_positioning.py`` measures
        both.
    sensitivity_dbm
        Receiver sensitivity: readings below it are not reported. Phones
        report down to about -95..-105 dBm.
    detection_rates
        Values of the scan's detection rate (chance that the scan caught an
        advertisement of a beacon whose reading would clear the
        sensitivity), integrated out with equal weight: short scans catch a
        random few beacons, long ones nearly all.
    centroid_k, centroid_exponent_db
        Weighted centroid over the ``k`` strongest beacons with weights
        ``10 ** (rssi / exponent_db)`` (20 dB: weight proportional to field
        amplitude, i.e. to ``d ** (-n / 2)``); independent of the model and of
        the phone's gain.
    centroid_blend
        Share of the weighted centroid in the likelihood fix. The path-loss
        model is wrong in detail (shelves, bodies, walls); averaging the
        model-based posterior mean with the model-free centroid was more
        accurate than either alone on real data. 0 disables it.
    proximity_margin_m
        Added to the estimated distance of a proximity fix (beacon placement,
        antenna pattern).
    scan_correlation
        Share of the reading noise that is common to consecutive scans at one
        spot: standing still, multipath and body shadowing hardly change, so
        averaging scans removes only the remaining share. Used by
        ``locate_many``; a calibration survey that names its spots measures it.
    gps_gate
        A GPS fix farther from the beacon fix than ``gps_gate`` times their
        combined accuracy is inconsistent; the fused accuracy is then inflated.
    min_accuracy_m
        No fix claims to be better than this.
    accuracy_scale_likelihood, accuracy_scale_centroid, accuracy_scale_proximity
        Multipliers of the model-derived accuracy per method, 1 by default;
        :func:`beacons.calibration.calibrate` fits them from a survey.
    accuracy_scale_combined
        Extra multiplier for fixes from several scans (``locate_many``):
        averaging shrinks the residuals, and with them the posterior, faster
        than it shrinks the error, which is dominated by what consecutive
        scans share. Fitted by a survey that names its spots.
    """

    rssi_min_dbm: float = -110.0
    rssi_max_dbm: float = 0.0
    noise_db: float = 6.0
    noise_scales: tuple[float, ...] = (2.0 / 3.0, 1.0, 1.5)
    gain_sd_db: float = 10.0
    orientation_sd_db: float = 2.0
    antenna_height_m: float = 1.0
    prior_edge_m: float = 1.0
    grid_step_m: float = 0.25
    max_grid_cells: int = 40_000
    max_beacons: int = 16
    max_spread_m: float = 200.0
    min_beacons_likelihood: int = 3
    centroid_k: int = 6
    centroid_exponent_db: float = 20.0
    centroid_blend: float = 0.5
    proximity_margin_m: float = 1.0
    scan_correlation: float = 0.7
    gps_gate: float = 2.0
    min_accuracy_m: float = 0.5
    accuracy_scale_likelihood: float = 1.0
    accuracy_scale_centroid: float = 1.0
    accuracy_scale_proximity: float = 1.0
    accuracy_scale_combined: float = 1.0
    neighbour_radius_m: float = 30.0
    area_edge_m: float = 2.0
    area_grid_step_m: float = 0.5
    negative_evidence: bool = True
    max_silent: int = 32
    area_prior: bool = True
    sensitivity_dbm: float = -95.0
    detection_rates: tuple[float, ...] = (0.1, 0.3, 0.6, 0.9)

    def __post_init__(self) -> None:
        problems = []
        for name in (
            "noise_db", "gain_sd_db", "grid_step_m", "centroid_exponent_db", "gps_gate",
            "accuracy_scale_likelihood", "accuracy_scale_centroid", "accuracy_scale_proximity",
            "accuracy_scale_combined", "area_edge_m", "area_grid_step_m", "max_spread_m",
        ):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                problems.append(f"{name} must be > 0")
        for name in ("antenna_height_m", "orientation_sd_db", "prior_edge_m", "proximity_margin_m", "min_accuracy_m",
                     "neighbour_radius_m"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                problems.append(f"{name} must be >= 0")
        if not self.rssi_min_dbm < self.rssi_max_dbm:
            problems.append("rssi_min_dbm must be below rssi_max_dbm")
        if not self.noise_scales or any(not (math.isfinite(s) and s > 0) for s in self.noise_scales):
            problems.append("noise_scales must be positive numbers")
        sens = self.sensitivity_dbm
        if not (math.isfinite(sens) and self.rssi_min_dbm <= sens <= self.rssi_max_dbm):
            problems.append("sensitivity_dbm must be within rssi_min_dbm..rssi_max_dbm")
        rates = self.detection_rates
        if not rates or any(not (isinstance(q, (int, float)) and 0.0 < q < 1.0) for q in rates):
            problems.append("detection_rates must be numbers in (0, 1)")
        if not 0.0 <= self.centroid_blend <= 1.0:
            problems.append("centroid_blend must be in 0..1")
        if not 0.0 <= self.scan_correlation <= 1.0:
            problems.append("scan_correlation must be in 0..1")
        if self.max_grid_cells < 100:
            problems.append("max_grid_cells must be >= 100")
        if self.max_beacons < 1 or self.centroid_k < 1 or self.max_silent < 0:
            problems.append("max_beacons and centroid_k must be >= 1, max_silent >= 0")
        if self.min_beacons_likelihood < 2:
            problems.append("min_beacons_likelihood must be >= 2")
        if problems:
            raise ValueError("invalid positioning parameters: " + "; ".join(problems))

    def accuracy_scale(self, method: str) -> float:
        """The accuracy multiplier for an estimator (``likelihood``, ``centroid``, ``proximity``)."""
        return {
            "likelihood": self.accuracy_scale_likelihood,
            "centroid": self.accuracy_scale_centroid,
            "proximity": self.accuracy_scale_proximity,
        }.get(method, 1.0)
