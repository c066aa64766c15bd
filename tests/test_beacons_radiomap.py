"""The radio map learns where the path-loss model is wrong, and positioning uses it honestly."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from beacons.calibration import Calibration, CalibrationError, LabelledScan, calibrate
from beacons.estimators import expected_rssi, likelihood_posterior
from beacons.model import Beacon
from beacons.params import PositioningParams
from beacons.positioning import BeaconIndex, locate
from beacons.radiomap import RadioMap, fit_radio_map
from routing.geo import LocalFrame, haversine_m

FRAME = LocalFrame(49.4440, 7.7690)
H = PositioningParams().antenna_height_m
BEACONS = [(x, y) for x in (0.0, 10.0, 20.0) for y in (0.0, 10.0)]


def shadow(x: float, y: float, k: int) -> float:
    """A shelf between y = 4 and y = 6 along the whole zone: beacons on the other side are 12 dB quieter."""
    by = BEACONS[k][1]
    return -12.0 if (y < 5.0) != (by < 5.0) else 0.0


def registry() -> BeaconIndex:
    out = []
    for k, (x, y) in enumerate(BEACONS):
        lat, lon = FRAME.to_latlon(x, y)
        out.append(Beacon(id=f"b{k}", lat=float(lat), lon=float(lon), tx_power=-60.0, path_loss_exponent=2.0))
    return BeaconIndex(out)


def scan_at(x: float, y: float, rng: np.random.Generator, noise: float = 2.0) -> list[tuple[str, float]]:
    gain = rng.normal(0.0, 4.0)
    out = []
    for k, (bx, by) in enumerate(BEACONS):
        r = expected_rssi(math.hypot(bx - x, by - y), -60.0, 2.0, H) + shadow(x, y, k) + gain
        out.append((f"b{k}", float(r + rng.normal(0.0, noise))))
    return out


def survey(rng: np.random.Generator, spacing: float = 1.5, per_place: int = 4) -> list[LabelledScan]:
    out = []
    for x in np.arange(0.0, 20.01, spacing):
        for y in np.arange(0.0, 10.01, spacing):
            lat, lon = FRAME.to_latlon(x, y)
            for _ in range(per_place):
                out.append(LabelledScan(scan_at(x, y, rng), float(lat), float(lon), spot=f"{x:.1f},{y:.1f}"))
    return out


def toy_map(values: dict[str, list[float]], places: list[tuple[float, float]],
            beacons: list[tuple[float, float]] | None = None) -> RadioMap:
    """A map fitted to exact residuals given per place (every beacon heard everywhere, 5 readings each).

    ``beacons``: their x, y (m); given, the map may use the ray term.
    """
    lat, lon = FRAME.to_latlon(np.array([p[0] for p in places]), np.array([p[1] for p in places]))
    ids = list(values)
    place_of, beacon_of, resid = [], [], []
    for j, bid in enumerate(ids):
        for p, v in enumerate(values[bid]):
            for e in (-0.5, 0.5, 0.0, -0.2, 0.2):
                place_of.append(p)
                beacon_of.append(j)
                resid.append(v + e)
    origins = None if beacons is None else [tuple(float(v) for v in FRAME.to_latlon(x, y)) for x, y in beacons]
    return fit_radio_map(np.asarray(lat), np.asarray(lon), np.array(place_of), ids, np.array(beacon_of),
                         np.array(resid), beacons=origins)


PLACES = [(x, y) for x in (0.0, 2.0, 4.0, 6.0) for y in (0.0, 2.0, 4.0)]


def test_map_reproduces_a_smooth_field_and_falls_back_far_away():
    field = [6.0 * math.exp(-((x - 3.0) ** 2 + (y - 2.0) ** 2) / 8.0) for x, y in PLACES]
    rmap = toy_map({"b0": field}, PLACES)
    mean, var = rmap.predict(FRAME, np.array([[3.0, 2.0], [1.0, 1.0], [60.0, 60.0]]), ["b0", "zz"])
    assert mean[0, 0] == pytest.approx(6.0, abs=1.0)
    assert mean[1, 0] == pytest.approx(6.0 * math.exp(-5.0 / 8.0), abs=1.0)
    assert var[0, 0] < 0.5 * rmap.prior_var
    # Far from every place only the beacon's constant offset remains, with nearly the prior variance.
    assert abs(mean[2, 0]) < 3.0
    # (the constant offset may be learnt; none of the spatial structure is)
    assert var[2, 0] > var[0, 0] and var[2, 0] >= rmap.signal_db**2 + rmap.ray_db**2 - 1e-9
    # A beacon the survey never heard: the model alone, with the prior variance.
    assert mean[0, 1] == 0.0 and var[0, 1] == pytest.approx(rmap.prior_var)


def test_hyperparameters_follow_the_data():
    dense = [(float(x), float(y)) for x in range(9) for y in range(5)]
    rough = [4.0 * math.sin(1.3 * x) * math.cos(1.3 * y) for x, y in dense]   # changes within 2-3 m
    smooth = [0.5 * x for x, _ in dense]                                      # a gentle slope
    fitted_rough, fitted_smooth = toy_map({"b0": rough}, dense), toy_map({"b0": smooth}, dense)
    assert fitted_rough.length_m < fitted_smooth.length_m
    assert fitted_rough.signal_db > fitted_rough.session_db  # structure, not noise


def test_leaving_places_out_widens_the_map_there():
    field = [5.0 if x <= 2.0 else -5.0 for x, _ in PLACES]
    rmap = toy_map({"b0": field}, PLACES)
    at = np.array([[0.0, 0.0]])
    held = rmap.without(np.array([0]))
    _, var_all = rmap.predict(FRAME, at, ["b0"])
    _, var_held = held.predict(FRAME, at, ["b0"])
    assert var_held[0, 0] > var_all[0, 0]
    assert held.length_m == rmap.length_m  # same hyperparameters, only the data changes


def pillar_shadow(x: float, y: float) -> float:
    """A pillar 3 m east of a beacon at the origin: 10 dB quieter in a 20-degree wedge behind it."""
    return -10.0 if x > 3.0 and abs(math.degrees(math.atan2(y, x))) < 10.0 else 0.0


WIDE = [(float(x), float(y)) for x in range(-8, 11, 2) for y in range(-8, 9, 2)]


def test_a_shadow_continues_along_its_ray_beyond_the_survey():
    field = [pillar_shadow(x, y) for x, y in WIDE]
    with_rays = toy_map({"b0": field}, WIDE, beacons=[(0.0, 0.0)])
    plain = toy_map({"b0": field}, WIDE)
    assert with_rays.ray_db > 0.5 and plain.ray_db == 0.0
    # Behind the pillar beyond the surveyed area, and as far off to the side of the wedge.
    far = np.array([[16.0, 0.0], [15.0, 7.0]])
    ray_mean, _ = with_rays.predict(FRAME, far, ["b0"])
    plain_mean, _ = plain.predict(FRAME, far, ["b0"])
    assert ray_mean[0, 0] < -5.0 < plain_mean[0, 0]
    assert abs(ray_mean[1, 0]) < 2.5


def test_no_ray_term_where_the_field_does_not_follow_rays():
    field = [0.4 * x - 0.3 * y for x, y in WIDE]       # a gentle slope across the zone
    rmap = toy_map({"b0": field}, WIDE, beacons=[(0.0, 0.0)])
    assert rmap.ray_db < 1.0 < rmap.signal_db


def test_maps_written_before_the_ray_term_still_load():
    data = toy_map({"b0": [pillar_shadow(x, y) for x, y in WIDE]}, WIDE, beacons=[(0.0, 0.0)]).to_dict()
    for key in ("ray_db", "ray_width", "ray_length_m"):
        del data[key]
    del data["fields"]["b0"]["beacon"]
    old = RadioMap.from_dict(data)
    assert old.ray_db == 0.0 and old.fields["b0"].origin is None
    mean, var = old.predict(FRAME, np.array([[4.0, 0.0]]), ["b0"])
    assert np.isfinite(mean).all() and np.isfinite(var).all()


def test_from_dict_rejects_a_bad_ray_term():
    data = toy_map({"b0": [0.0] * len(PLACES)}, PLACES).to_dict()
    for key, bad in (("ray_width", 0.0), ("ray_db", float("nan")), ("ray_length_m", float("inf")),
                     ("ray_db", "3"), ("reading_db", -1.0)):
        with pytest.raises(ValueError, match=key):
            RadioMap.from_dict({**data, key: bad})
    data["fields"]["b0"]["beacon"] = [49.4]
    with pytest.raises(ValueError, match=r"\[lat, lon\]"):
        RadioMap.from_dict(data)


def test_round_trip_through_json():
    field = [pillar_shadow(x, y) + 0.2 * x for x, y in WIDE]
    rmap = toy_map({"b0": field, "b1": [-v for v in field]}, WIDE, beacons=[(0.0, 0.0), (10.0, 8.0)])
    assert rmap.ray_db > 0
    again = RadioMap.from_dict(json.loads(json.dumps(rmap.to_dict())))
    cells = np.array([[1.0, 1.0], [5.0, 3.0], [14.0, 0.5]])
    for a, b in zip(rmap.predict(FRAME, cells, ["b0", "b1"]), again.predict(FRAME, cells, ["b0", "b1"])):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_from_dict_rejects_places_outside_the_map():
    data = toy_map({"b0": [0.0] * len(PLACES)}, PLACES).to_dict()
    data["fields"]["b0"]["points"][0] = len(PLACES) + 3
    with pytest.raises(ValueError, match="not in the map"):
        RadioMap.from_dict(data)


#: Three beacons and one scan for the posterior tests: positions, readings, tx power, exponent.
SCAN = (np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]), np.array([-65.0, -75.0, -78.0]),
        np.full(3, -60.0), np.full(3, 2.0))


def test_zero_correction_changes_nothing():
    xy, rssi, tx, n = SCAN
    sd = np.full(3, 5.0)
    params = PositioningParams()

    def zero(cells):
        return np.zeros((len(cells), 3)), np.zeros((len(cells), 3))

    a = likelihood_posterior(xy, rssi, tx, n, sd, params)
    b = likelihood_posterior(xy, rssi, tx, n, sd, params, correction=zero)
    np.testing.assert_allclose(a.mean, b.mean, atol=1e-9)
    np.testing.assert_allclose(a.cov, b.cov, atol=1e-9)


def test_map_variance_widens_the_posterior():
    xy, rssi, tx, n = SCAN
    sd = np.full(3, 3.0)
    params = PositioningParams()

    def unsure(cells):
        return np.zeros((len(cells), 3)), np.full((len(cells), 3), 25.0)

    a = likelihood_posterior(xy, rssi, tx, n, sd, params)
    b = likelihood_posterior(xy, rssi, tx, n, sd, params, correction=unsure)
    assert np.trace(b.cov) > np.trace(a.cov)


def errors(scans, index, params, rmap=None):
    out, inside = [], []
    for s in scans:
        fix = locate(s.readings, index, params=params, radio_map=rmap)
        e = float(haversine_m(fix.lat, fix.lon, s.lat, s.lon))
        out.append(e)
        inside.append(e <= fix.accuracy_m)
    return np.array(out), float(np.mean(inside))


def test_calibrated_map_removes_a_shadow_the_model_cannot_explain():
    rng = np.random.default_rng(4)
    reg = registry()
    params = PositioningParams(centroid_blend=0.0)
    plain = calibrate(survey(rng, spacing=2.0, per_place=3), reg, params=params)
    mapped = calibrate(survey(rng, spacing=2.0, per_place=3), reg, params=params, radio_map=True)
    assert mapped.radio_map is not None and len(mapped.radio_map.fields) == len(BEACONS)
    # Test scans between the surveyed places, from other phones (gains), never seen by the fit.
    test = []
    for _ in range(80):
        x, y = rng.uniform(1.0, 19.0), rng.uniform(1.0, 9.0)
        lat, lon = FRAME.to_latlon(x, y)
        test.append(LabelledScan(scan_at(x, y, rng), float(lat), float(lon)))
    e_plain, _ = errors(test, BeaconIndex(plain.apply(reg)), plain.params(params))
    e_map, honest = errors(test, BeaconIndex(mapped.apply(reg)), mapped.params(params), mapped.radio_map)
    assert e_map.mean() < 0.75 * e_plain.mean()
    assert 0.5 <= honest <= 0.9   # accuracy scales from cross-validation hold on unseen places


def test_calibration_file_round_trip_keeps_the_map():
    rng = np.random.default_rng(5)
    reg = registry()
    cal = calibrate(survey(rng, spacing=2.5, per_place=2), reg, radio_map=True)
    again = Calibration.from_dict(json.loads(json.dumps(cal.to_dict())))
    assert again.tx_power == cal.tx_power and again.accuracy_scales == cal.accuracy_scales
    scan = scan_at(7.0, 3.0, rng)
    a = locate(scan, BeaconIndex(cal.apply(reg)), params=cal.params(), radio_map=cal.radio_map)
    b = locate(scan, BeaconIndex(again.apply(reg)), params=again.params(), radio_map=again.radio_map)
    assert (a.lat, a.lon, a.accuracy_m) == pytest.approx((b.lat, b.lon, b.accuracy_m), rel=1e-9, abs=1e-9)


def test_calibration_from_dict_rejects_junk():
    with pytest.raises(CalibrationError):
        Calibration.from_dict({"tx_power": "loud"})


def test_radio_map_needs_several_places():
    rng = np.random.default_rng(6)
    lat, lon = FRAME.to_latlon(5.0, 5.0)
    scans = [LabelledScan(scan_at(5.0, 5.0, rng), float(lat), float(lon)) for _ in range(10)]
    with pytest.raises(CalibrationError, match="places"):
        calibrate(scans, registry(), radio_map=True)
