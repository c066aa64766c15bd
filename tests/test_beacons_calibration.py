"""Calibration recovers known radio parameters from synthetic survey scans."""

from __future__ import annotations

import copy
import json
import math
import re

import numpy as np
import pytest

from beacons.calibration import CalibrationError, LabelledScan, calibrate
from beacons.estimators import expected_rssi
from beacons.model import Beacon
from beacons.params import PositioningParams
from beacons.positioning import BeaconIndex
from routing.geo import LocalFrame

FRAME = LocalFrame(49.4440, 7.7690)
H = PositioningParams().antenna_height_m
GRID = [(x, y) for x in (0.0, 8.0, 16.0) for y in (0.0, 8.0, 16.0)]


def registry() -> BeaconIndex:
    beacons = []
    for k, (x, y) in enumerate(GRID):
        lat, lon = FRAME.to_latlon(x, y)
        beacons.append(Beacon(id=f"b{k}", lat=float(lat), lon=float(lon), label=f"Beacon {k}"))
    return BeaconIndex(beacons)


def survey(tx, n, noise_db, n_spots=60, per_spot=3, gain_sd=6.0, seed=0, orientation_sd=0.0):
    """Labelled scans at random spots; tx may be a list (per beacon); each scan has a phone gain.

    ``orientation_sd``: each scan also gets the direction effect of
    :mod:`beacons.scan_offsets` (``a cos b + c sin b``, a and c of this sd).
    """
    rng = np.random.default_rng(seed)
    tx = np.broadcast_to(np.asarray(tx, dtype=float), (len(GRID),))
    bxy = np.array(GRID)
    out = []
    for s in range(n_spots):
        x, y = rng.uniform(-2, 18, 2)
        lat, lon = FRAME.to_latlon(x, y)
        shared = rng.normal(0, noise_db * math.sqrt(0.5), len(GRID))  # what consecutive scans share
        for _ in range(per_spot):
            d = np.hypot(bxy[:, 0] - x, bxy[:, 1] - y)
            rssi = expected_rssi(d, tx, n, H) + rng.normal(0, gain_sd) + shared \
                + rng.normal(0, noise_db * math.sqrt(0.5), len(GRID))
            if orientation_sd > 0:
                reach = np.sqrt(d**2 + H**2)
                a, c = rng.normal(0, orientation_sd, 2)
                rssi = rssi + (a * (bxy[:, 0] - x) + c * (bxy[:, 1] - y)) / reach
            # No sensitivity cut: censoring of weak readings would bias the fit (see calibrate's notes).
            readings = [(f"b{k}", float(r)) for k, r in enumerate(rssi)]
            out.append(LabelledScan(readings, float(lat), float(lon), spot=f"s{s}"))
    return out


def test_recovers_shared_tx_power_and_exponent():
    cal = calibrate(survey(-68.0, 2.7, 4.0), registry(), fit_accuracy=False)
    assert cal.tx_power == pytest.approx(-68.0, abs=1.5)
    assert cal.path_loss_exponent == pytest.approx(2.7, abs=0.15)
    assert cal.noise_db == pytest.approx(4.0, abs=0.8)
    assert cal.scan_correlation == pytest.approx(0.5, abs=0.15)
    assert set(cal.surveyed) == {f"b{k}" for k in range(len(GRID))}


def test_measures_the_direction_effect_of_each_scan():
    # Readings of one scan that share a direction move together: the survey measures how much.
    with_effect = calibrate(survey(-62.0, 2.2, 3.0, n_spots=80, orientation_sd=3.0), registry(), fit_accuracy=False)
    assert with_effect.orientation_sd_db == pytest.approx(3.0, abs=0.6)
    without = calibrate(survey(-62.0, 2.2, 3.0, n_spots=80), registry(), fit_accuracy=False)
    assert without.orientation_sd_db < 1.0
    assert with_effect.params().orientation_sd_db == with_effect.orientation_sd_db


def test_a_small_survey_keeps_the_default_direction_effect():
    cal = calibrate(survey(-62.0, 2.2, 3.0, n_spots=4, per_spot=3), registry(), fit_accuracy=False)
    assert cal.orientation_sd_db is None
    assert cal.params().orientation_sd_db == PositioningParams().orientation_sd_db


def test_recovers_per_beacon_tx_power():
    tx = np.full(len(GRID), -62.0)
    tx[4] = -70.0  # one weaker beacon (older battery, mounted behind glass)
    cal = calibrate(survey(list(tx), 2.2, 2.0, n_spots=80), registry(), per_beacon=True, fit_accuracy=False)
    assert cal.tx_power_by_beacon["b4"] == pytest.approx(-70.0, abs=1.5)
    assert cal.tx_power_by_beacon["b0"] == pytest.approx(-62.0, abs=1.0)
    assert cal.path_loss_exponent == pytest.approx(2.2, abs=0.1)


def test_fixed_exponent_is_kept():
    cal = calibrate(survey(-60.0, 2.0, 3.0), registry(), fit_exponent=False, fit_accuracy=False)
    assert cal.path_loss_exponent == 2.0
    assert cal.tx_power == pytest.approx(-60.0, abs=1.0)


def test_apply_and_params_carry_the_fit_into_positioning():
    reg = registry()
    cal = calibrate(survey(-66.0, 2.5, 4.0, n_spots=40), reg)
    fitted = BeaconIndex(cal.apply(reg))
    assert all(b.tx_power == cal.tx_power and b.path_loss_exponent == cal.path_loss_exponent
               for b in fitted.values())
    assert all(b.validate() for b in fitted.values())
    params = cal.params()
    assert params.noise_db == cal.noise_db
    assert params.accuracy_scale_likelihood == cal.accuracy_scales["likelihood"]
    assert 0.3 < cal.accuracy_scales["likelihood"] < 3.0
    assert "combined" in cal.accuracy_scales
    assert cal.to_dict()["tx_power"] == cal.tx_power


def test_too_small_survey_is_an_error():
    with pytest.raises(CalibrationError, match="survey too small"):
        calibrate(survey(-60.0, 2.0, 3.0, n_spots=1, per_spot=2), registry())


def test_accuracy_scales_with_area_prior_and_silent_beacons():
    # A survey where weak readings go unreported (sensitivity -85 dBm): some scans hear only one or two beacons.
    scans = []
    for s in survey(-66.0, 2.5, 4.0, n_spots=60, per_spot=3, seed=3):
        heard = [(b, r) for b, r in s.readings if r > -85.0]
        if heard:
            scans.append(s._replace(readings=heard))
    assert any(len(s.readings) <= 2 for s in scans) and any(len(s.readings) >= 3 for s in scans)
    params = PositioningParams(area_prior=True)
    cal = calibrate(scans, registry(), params=params)
    assert "likelihood" in cal.accuracy_scales
    assert all(0.2 < v < 5.0 for v in cal.accuracy_scales.values())
    fitted = cal.params(params)
    assert fitted.area_prior and fitted.negative_evidence  # the base settings are kept


@pytest.fixture(scope="module")
def calibration_file() -> dict:
    """A calibration with a radio map, as ``lotse beacons calibrate`` writes it (JSON-ready)."""
    from beacons.calibration import Calibration

    cal = calibrate(survey(-59.0, 2.0, 4.0, n_spots=30, per_spot=2), registry(), radio_map=True)
    return json.loads(json.dumps(Calibration.from_dict(cal.to_dict()).to_dict()))


@pytest.mark.parametrize("change, words", [
    ({"noise_db": 0}, "'noise_db' must be from"),
    ({"noise_db": float("inf")}, "'noise_db' must be a number"),
    ({"path_loss_exponent": float("nan")}, "'path_loss_exponent' must be a number"),
    ({"path_loss_exponent": 100}, "'path_loss_exponent' must be from 1 to 6"),
    ({"tx_power": True}, "'tx_power' must be a number, not true"),
    ({"tx_power": "-55"}, "'tx_power' must be a number"),
    ({"tx_power": 50}, "'tx_power' must be from -100 to 0"),
    ({"accuracy_scales": {"likelihood": -1}}, "'accuracy_scales' of likelihood must be from"),
    ({"accuracy_scales": []}, "'accuracy_scales' must be an object"),
    ({"accuracy_scales": {"guess": 1.0}}, "unknown entries ['guess']"),
    ({"scan_correlation": 5}, "'scan_correlation' must be from 0 to 1"),
    ({"tx_power_by_beacon": [1, 2]}, "'tx_power_by_beacon' must be an object"),
    ({"surveyed": "abc"}, "'surveyed' must be a list"),
    ({"tx_power": None}, "'tx_power' is missing"),
])
def test_a_damaged_calibration_file_names_the_bad_value(calibration_file, change, words):
    from beacons.calibration import Calibration

    with pytest.raises(CalibrationError) as err:
        Calibration.from_dict({**calibration_file, **change})
    assert str(err.value).startswith("not a calibration: ") and words in str(err.value)


@pytest.mark.parametrize("damage, words", [
    (lambda m: m.update(fields=[1]), "'fields' must be an object"),
    (lambda m: m["fields"]["b0"].update(beacon=[float("nan"), 7.75]), "beacon b0: lat must be from"),
    (lambda m: m["fields"]["b0"].update(beacon=[95.0, 7.75]), "beacon b0: lat must be from -90 to 90"),
    (lambda m: m.update(ray_db=3.0) or m["fields"]["b0"].pop("beacon"), "the ray term needs it"),
    (lambda m: m["fields"]["b0"].update(noise_var=[-1.0] * len(m["fields"]["b0"]["noise_var"])), "noise_var"),
    (lambda m: m["fields"]["b0"].update(residual_db=[0.0]), "differ in length"),
    (lambda m: m.update(lat="49.4"), "lat must be a list of numbers"),
])
def test_a_damaged_radio_map_names_the_bad_value(calibration_file, damage, words):
    from beacons.calibration import Calibration

    data = copy.deepcopy(calibration_file)
    damage(data["radio_map"])
    with pytest.raises(CalibrationError, match=re.escape(words)):
        Calibration.from_dict(data)


def test_a_calibration_file_must_be_an_object():
    from beacons.calibration import Calibration

    for junk in ([], "x", 3):
        with pytest.raises(CalibrationError, match="expected a JSON object"):
            Calibration.from_dict(junk)


def test_a_survey_of_another_deployment_says_why_nothing_was_usable():
    foreign = [LabelledScan([(f"x{k}", -70.0) for k in range(6)], 49.444, 7.769) for _ in range(10)]
    with pytest.raises(CalibrationError, match=r"0 usable scans .* set aside: 60 \(unknown beacon\)"):
        calibrate(foreign, registry())
