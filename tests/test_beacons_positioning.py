"""Positioning from hand-made scans: each estimator, GPS fusion, what is ignored or rejected."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from beacons.estimators import expected_rssi, range_from_rssi
from beacons.model import Beacon
from beacons.params import PositioningParams
from beacons.positioning import (
    BeaconIndex,
    Fix,
    NoPositionError,
    PositioningError,
    locate,
    locate_many,
)
from routing.geo import LocalFrame, haversine_m

FRAME = LocalFrame(49.4440, 7.7690)
#: A 12 m x 12 m square of beacons plus one in the middle, like a small plaza.
LAYOUT = {"nw": (0.0, 12.0), "ne": (12.0, 12.0), "sw": (0.0, 0.0), "se": (12.0, 0.0), "mid": (6.0, 6.0)}
TX, N = -59.0, 2.0
H = PositioningParams().antenna_height_m



NO_AREA = PositioningParams(area_prior=False)  # centroid with two beacons, at the beacon with one

def beacon(bid: str, x: float, y: float, **kw) -> Beacon:
    lat, lon = FRAME.to_latlon(x, y)
    return Beacon(id=bid, lat=float(lat), lon=float(lon), label=f"Platz {bid}", **kw)


@pytest.fixture
def registry() -> BeaconIndex:
    beacons = [beacon(b, *xy) for b, xy in LAYOUT.items()]
    beacons.append(beacon("off", 6.0, 0.0, active=False))
    return BeaconIndex(beacons)


def scan_at(x: float, y: float, ids=LAYOUT, noise=None, gain=0.0) -> list[tuple[str, float]]:
    """Model RSSI of ``ids`` heard at (x, y), optionally with noise and a phone gain offset."""
    out = []
    for k, bid in enumerate(ids):
        bx, by = LAYOUT[bid]
        r = float(expected_rssi(math.hypot(x - bx, y - by), TX, N, H)) + gain
        if noise is not None:
            r += float(noise[k])
        out.append((bid, r))
    return out


def err_m(fix: Fix, x: float, y: float) -> float:
    lat, lon = FRAME.to_latlon(x, y)
    return float(haversine_m(fix.lat, fix.lon, lat, lon))


def xy_of(fix: Fix) -> np.ndarray:
    return np.array([float(v) for v in FRAME.to_xy(fix.lat, fix.lon)])


# -- estimators ------------------------------------------------------------------


def test_model_range_inverts_expected_rssi():
    for d in (0.0, 1.0, 4.0, 25.0):
        assert range_from_rssi(expected_rssi(d, -62.0, 2.5, 1.0), -62.0, 2.5, 1.0) == pytest.approx(d, abs=1e-6)


def test_likelihood_recovers_position_from_clean_scan(registry):
    # With little assumed noise the posterior is tight around the true position.
    pure = PositioningParams(centroid_blend=0.0, noise_db=1.0, orientation_sd_db=0.0)
    for x, y in [(3.0, 4.0), (9.0, 2.0), (6.5, 10.0)]:
        fix = locate(scan_at(x, y), registry, params=pure)
        assert fix.method == "likelihood"
        assert err_m(fix, x, y) < 0.3
        assert 0.5 <= fix.accuracy_m < 1.5
    fix = locate(scan_at(3.0, 4.0), registry)  # default blends in the centroid
    assert fix.method == "likelihood" and err_m(fix, 3.0, 4.0) < 2.5


def test_likelihood_ignores_phone_gain(registry):
    a = locate(scan_at(3.0, 4.0), registry)
    b = locate(scan_at(3.0, 4.0, gain=-15.0), registry)
    assert haversine_m(a.lat, a.lon, b.lat, b.lon) < 0.3


def test_accuracy_is_honest_on_noisy_synthetic_scans(registry):
    rng = np.random.default_rng(7)
    covered = []
    for _ in range(150):
        x, y = rng.uniform(0, 12, 2)
        fix = locate(scan_at(x, y, noise=rng.normal(0, 6.0, len(LAYOUT)), gain=rng.normal(0, 8)), registry)
        covered.append(err_m(fix, x, y) <= fix.accuracy_m)
    assert 0.5 <= np.mean(covered) <= 0.9


def test_weighted_centroid_with_two_beacons(registry):
    fix = locate([("sw", -60.0), ("se", -70.0)], registry, params=NO_AREA)
    assert fix.method == "centroid"
    x, y = xy_of(fix)
    assert 0.0 <= x < 6.0 and abs(y) < 0.5  # between them, nearer the stronger
    assert fix.nearest_beacon_id == "sw"
    assert fix.accuracy_m >= 1.0


def test_centroid_is_the_fallback_when_the_likelihood_fails(registry, monkeypatch):
    import beacons.positioning as positioning

    monkeypatch.setattr(positioning, "estimate_likelihood", lambda *a, **k: None)
    fix = locate(scan_at(3.0, 4.0), registry)
    assert fix.method == "centroid"


def test_proximity_with_one_beacon(registry):
    fix = locate([("mid", -69.0)], registry)
    assert fix.method == "proximity"
    assert err_m(fix, *LAYOUT["mid"]) < 0.01  # "near X": at the beacon
    d = float(range_from_rssi(-69.0, TX, N, H))
    assert fix.nearest_beacon_id == "mid"
    assert fix.nearest_distance_m == pytest.approx(d)
    assert fix.accuracy_m > d  # estimated distance plus a margin
    assert locate([("mid", -50.0)], registry).accuracy_m < fix.accuracy_m


# -- GPS ---------------------------------------------------------------------------


def test_gps_fusion_lies_between_and_nearer_the_more_accurate(registry):
    beacon_fix = locate(scan_at(3.0, 4.0), registry)
    glat, glon = FRAME.to_latlon(6.0, 6.0)
    gps_acc = beacon_fix.accuracy_m * 2.0
    fused = locate(scan_at(3.0, 4.0), registry, gps={"lat": float(glat), "lon": float(glon), "accuracy_m": gps_acc})
    assert fused.method == "likelihood+gps"
    b, g, f = xy_of(beacon_fix), np.array([6.0, 6.0]), xy_of(fused)
    seg = g - b
    t = float(np.dot(f - b, seg) / np.dot(seg, seg))
    assert 0.0 < t < 0.5  # between, nearer the (more accurate) beacon fix
    assert np.linalg.norm(f - (b + t * seg)) < 0.05  # on the segment
    assert fused.accuracy_m < min(beacon_fix.accuracy_m, gps_acc)
    assert fused.accuracy_m == pytest.approx(1 / math.sqrt(beacon_fix.accuracy_m**-2 + gps_acc**-2))


def test_inconsistent_gps_inflates_the_accuracy(registry):
    beacon_fix = locate(scan_at(3.0, 4.0), registry)
    glat, glon = FRAME.to_latlon(300.0, 300.0)
    fused = locate(scan_at(3.0, 4.0), registry, gps=(float(glat), float(glon), 5.0))
    assert fused.accuracy_m > 1 / math.sqrt(beacon_fix.accuracy_m**-2 + 5.0**-2)


def test_gps_alone_when_no_beacon_is_usable(registry):
    fix = locate([("nobody", -60.0), ("off", -55.0)], registry, gps={"lat": 49.44, "lon": 7.77, "accuracy_m": 8.0})
    assert (fix.lat, fix.lon, fix.accuracy_m, fix.method) == (49.44, 7.77, 8.0, "gps")
    assert fix.used == () and fix.nearest_beacon_id is None
    assert {s.id: s.reason for s in fix.ignored} == {"nobody": "unknown", "off": "inactive"}


def test_invalid_gps_is_rejected_not_fatal(registry):
    fix = locate(scan_at(3.0, 4.0), registry, gps={"lat": 95.0, "lon": 7.77, "accuracy_m": 8.0})
    assert fix.method == "likelihood"
    assert [s.id for s in fix.rejected] == ["gps"]
    with pytest.raises(NoPositionError):
        locate([], registry, gps={"lat": 49.44, "lon": 7.77, "accuracy_m": 0})


# -- what is used, ignored, rejected -------------------------------------------------


def test_unknown_and_inactive_ids_are_ignored_and_reported(registry):
    fix = locate(scan_at(3.0, 4.0) + [("ghost", -60.0), ("off", -40.0)], registry)
    assert set(fix.used) == set(LAYOUT)
    assert {s.id: s.reason for s in fix.ignored} == {"ghost": "unknown", "off": "inactive"}
    assert fix.rejected == ()


@pytest.mark.parametrize("rssi", [5.0, -120.0, "strong", None, float("nan"), True])
def test_implausible_rssi_is_rejected_and_reported(registry, rssi):
    fix = locate(scan_at(3.0, 4.0, ids=["sw", "se", "mid"]) + [("nw", rssi)], registry)
    assert "nw" not in fix.used
    assert [s.id for s in fix.rejected] == ["nw"]
    assert "rssi" in fix.rejected[0].reason


def test_malformed_readings_and_ids_are_rejected(registry):
    fix = locate([("sw", -60.0), ("ibeacon:nope:1:2", -60.0), ("only-id",), {"rssi": -50}], registry)
    assert fix.used == ("sw",)
    reasons = [s.reason for s in fix.rejected]
    assert len(reasons) == 3 and reasons[0].startswith("invalid id")


def test_nothing_usable_is_a_clear_error(registry):
    with pytest.raises(NoPositionError) as info:
        locate([("ghost", -60.0), ("sw", 12.0)], registry)
    assert isinstance(info.value, ValueError)
    assert [s.id for s in info.value.ignored] == ["ghost"]
    assert [s.id for s in info.value.rejected] == ["sw"]
    with pytest.raises(NoPositionError):
        locate([], registry)
    with pytest.raises(PositioningError):
        locate("sw,-60", registry)


def test_endpoint_shapes_dict_readings_and_dict_beacons(registry):
    beacons = [b.to_dict() for b in registry.values()]
    readings = [{"id": b, "rssi": r} for b, r in scan_at(3.0, 4.0)]
    a = locate(readings, beacons, gps={"lat": 49.444, "lon": 7.769, "accuracy_m": 30.0})
    b = locate(scan_at(3.0, 4.0), registry, gps=(49.444, 7.769, 30.0))
    assert (a.lat, a.lon, a.accuracy_m) == pytest.approx((b.lat, b.lon, b.accuracy_m))
    d = a.to_dict()
    assert set(d) >= {"lat", "lon", "accuracy_m", "method", "nearest_beacon_id", "used", "ignored", "rejected"}


def test_ids_are_matched_after_normalisation():
    uuid = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"
    reg = BeaconIndex([beacon(f"ibeacon:{uuid}:1:1", 0.0, 0.0)])
    fix = locate([(f"IBEACON:{uuid.replace('-', '').upper()}:1:1", -65.0)], reg)
    assert fix.used == (f"ibeacon:{uuid}:1:1",)


def test_beacons_on_other_levels_are_ignored():
    reg = BeaconIndex([beacon("a", 0, 0, level=0), beacon("b", 10, 0, level=0),
                       beacon("c", 5, 8, level=0), beacon("up", 5, 2, level=1)])
    fix = locate([("a", -60.0), ("b", -62.0), ("c", -64.0), ("up", -75.0)], reg)
    assert fix.level == 0 and "up" not in fix.used
    assert ("up", "other level") in [tuple(s) for s in fix.ignored]


# -- several scans -------------------------------------------------------------------


def test_locate_many_averages_scans(registry):
    rng = np.random.default_rng(3)
    scans = [scan_at(3.0, 4.0, noise=rng.normal(0, 4.0, len(LAYOUT))) for _ in range(4)]
    scans.append([])  # an empty scan is fine
    fix = locate_many(scans, registry)
    assert fix.n_scans == 5 and fix.method == "likelihood"
    assert err_m(fix, 3.0, 4.0) < 3.0


def test_combining_identical_scans_keeps_the_position(registry):
    one = locate(scan_at(3.0, 4.0), registry)
    many = locate_many([scan_at(3.0, 4.0)] * 3, registry, params=replace(PositioningParams(), scan_correlation=1.0))
    assert haversine_m(one.lat, one.lon, many.lat, many.lon) < 0.05
    assert many.accuracy_m == pytest.approx(one.accuracy_m)


def test_params_are_validated():
    with pytest.raises(ValueError, match="noise_db"):
        PositioningParams(noise_db=0)
    with pytest.raises(ValueError, match="centroid_blend"):
        PositioningParams(centroid_blend=1.5)


# -- registry around the scan: negative evidence, area prior ---------------------------

from beacons.estimators import convex_hull, distance_outside  # noqa: E402

#: Low-power beacons (-75 dBm at 1 m, n 2.5): inaudible beyond about 10 m, so silence says "far".
WEAK = {"tx_power": -75.0, "path_loss_exponent": 2.5}
AREA = PositioningParams(area_prior=True)


def test_convex_hull_and_distance_outside():
    square = convex_hull(np.array([[0, 0], [4, 0], [4, 4], [0, 4], [2, 2], [2, 0]]))
    assert len(square) == 4
    cells = np.array([[2.0, 2.0], [6.0, 2.0], [7.0, 7.0], [4.0, 4.0]])
    assert distance_outside(cells, square) == pytest.approx([0.0, 2.0, math.hypot(3, 3), 0.0])
    line = convex_hull(np.array([[0, 0], [1, 1], [3, 3]]))
    assert len(line) == 2
    assert distance_outside(np.array([[3.0, 0.0], [-1.0, -1.0]]), line) == pytest.approx([math.sqrt(4.5), math.sqrt(2)])
    point = convex_hull(np.array([[1.0, 1.0], [1.0, 1.0]]))
    assert distance_outside(np.array([[4.0, 5.0]]), point) == pytest.approx([5.0])


def test_neighbours_are_active_beacons_on_the_level_within_the_radius():
    reg = BeaconIndex([beacon("a", 0, 0, level=0), beacon("b", 10, 0, level=0), beacon("far", 80, 0, level=0),
                       beacon("up", 5, 0, level=1), beacon("any", 0, 10), beacon("off", 3, 0, level=0, active=False)])
    xy = np.array([[0.0, 0.0]])
    ids, pos, tx, n = reg.neighbours(FRAME, xy, 30.0, 0.0, exclude=["a"])
    assert sorted(ids) == ["any", "b"]
    assert pos.shape == (2, 2) and len(tx) == len(n) == 2
    ids, *_ = reg.neighbours(FRAME, xy, 30.0, None)
    assert ids == ["any"]  # a fix without level: only beacons without level
    assert reg.neighbours(FRAME, xy, 0.0, 0.0)[0] == []


def test_negative_evidence_moves_a_one_beacon_fix_away_from_a_silent_beacon():
    # "a" heard weakly, "b" 8 m east registered but silent: the phone is likely farther from "b".
    reg = BeaconIndex([beacon("a", 0, 0, **WEAK), beacon("b", 8, 0, **WEAK)])
    with_silence = locate([("a", -85.0)], reg, params=AREA)
    without = locate([("a", -85.0)], reg, params=replace(AREA, negative_evidence=False))
    assert with_silence.method == without.method == "proximity"
    assert with_silence.nearest_beacon_id == "a"
    x_with, x_without = xy_of(with_silence)[0], xy_of(without)[0]
    assert x_with < x_without - 1.0
    # A long scan that heard "b" instead says the opposite.
    heard_b = locate([("a", -85.0), ("b", -85.0)], reg, params=AREA)
    assert xy_of(heard_b)[0] > x_with + 2.0


def test_negative_evidence_in_the_likelihood_with_three_beacons():
    heard = {"a": (0.0, 0.0), "b": (10.0, 0.0), "c": (5.0, 8.0)}
    reg = BeaconIndex([beacon(k, *xy, **WEAK) for k, xy in heard.items()] + [beacon("d", 5.0, -4.0, **WEAK)])
    scan = [(k, float(expected_rssi(math.hypot(5.0 - x, 1.5 - y), WEAK["tx_power"], WEAK["path_loss_exponent"], H)))
            for k, (x, y) in heard.items()]
    fix = locate(scan, reg)
    plain = locate(scan, reg, params=PositioningParams(negative_evidence=False))
    assert fix.method == plain.method == "likelihood"
    assert xy_of(fix)[1] > xy_of(plain)[1] + 0.2  # silent "d" in the south pushes the fix north


def test_silent_beacons_on_another_level_or_inactive_do_not_count():
    base = [beacon("a", 0, 0, level=0, **WEAK)]
    alone = locate([("a", -85.0)], BeaconIndex(base), params=AREA)
    for other in (beacon("b", 8, 0, level=1, **WEAK), beacon("b", 8, 0, level=0, active=False, **WEAK)):
        fix = locate([("a", -85.0)], BeaconIndex(base + [other]), params=AREA)
        assert (fix.lat, fix.lon, fix.accuracy_m) == pytest.approx((alone.lat, alone.lon, alone.accuracy_m))
    assert err_m(alone, 0.0, 0.0) < 0.01  # no beacon around: "near X" at the beacon, as by default


def test_area_prior_for_two_and_one_beacons(registry):
    two = locate([("sw", -60.0), ("se", -70.0)], registry, params=AREA)
    assert two.method == "likelihood"
    x, y = xy_of(two)
    assert -1.0 < x < 12.0 and -1.0 < y < 12.0  # within the area the registered beacons span
    one = locate([("mid", -75.0)], registry, params=AREA)
    assert one.method == "proximity" and one.nearest_beacon_id == "mid"
    assert one.nearest_distance_m == pytest.approx(float(range_from_rssi(-75.0, TX, N, H)))
    assert -1.0 < xy_of(one)[0] < 13.0
    # Without the area prior: centroid with two, at the beacon with one.
    assert locate([("sw", -60.0), ("se", -70.0)], registry, params=NO_AREA).method == "centroid"
    assert err_m(locate([("mid", -75.0)], registry, params=NO_AREA), *LAYOUT["mid"]) < 0.01


def test_a_beacon_heard_in_one_of_several_scans_is_not_silent():
    reg = BeaconIndex([beacon("a", 0, 0, **WEAK), beacon("b", 8, 0, **WEAK)])
    once = locate_many([[("a", -85.0)], [("a", -85.0), ("b", -93.0)], [("a", -86.0)]], reg, params=AREA)
    never = locate_many([[("a", -85.0)], [("a", -85.0)], [("a", -86.0)]], reg, params=AREA)
    assert set(once.used) == {"a", "b"} and never.used == ("a",)
    assert xy_of(once)[0] > xy_of(never)[0]


def test_new_params_are_validated():
    for bad in ({"sensitivity_dbm": -200.0}, {"detection_rates": (0.0, 0.5)}, {"detection_rates": ()},
                {"area_edge_m": 0.0}, {"neighbour_radius_m": -1.0}, {"max_silent": -1}):
        with pytest.raises(ValueError):
            PositioningParams(**bad)


@pytest.mark.parametrize("spacing_m, at_beacon", [(16.0, False), (60.0, True), (150.0, True)])
def test_one_beacon_heard_is_placed_at_it_unless_registered_neighbours_are_close(spacing_m, at_beacon):
    """Dense indoor beacons: the silent neighbours say where the walker is not (the area prior); beacons
    far apart (bus stops, crossings) say nothing of the kind, and one heard means 'at it'."""
    import math

    from beacons.model import Beacon
    from beacons.params import PositioningParams
    from beacons.positioning import BeaconIndex, locate
    from routing.geo import LocalFrame, haversine_m

    frame = LocalFrame(49.444, 7.769)
    spots = [(0, 0), (spacing_m, 0), (0, spacing_m), (spacing_m, spacing_m)]
    registry = []
    for i, (x, y) in enumerate(spots):
        lat, lon = frame.to_latlon(x, y)
        registry.append(Beacon(id=f"b{i}", lat=float(lat), lon=float(lon), kind="waypoint", label=f"B{i}").to_dict())
    assert PositioningParams().area_prior  # the default
    fix = locate([{"id": "b0", "rssi": -59.0 - 20 * math.log10(2.0)}], BeaconIndex(registry))
    assert fix.method == "proximity"
    lat, lon = frame.to_latlon(0.0, 0.0)
    from_beacon = float(haversine_m(fix.lat, fix.lon, float(lat), float(lon)))
    assert (from_beacon < 0.01) == at_beacon


def test_a_beacon_far_from_the_others_heard_is_set_aside():
    # A beacon registered in another town (or an id reused) cannot be heard with the plaza's:
    # the fix stays at the plaza and the reading is reported, not averaged in.
    far = beacon("far", 2000.0, 0.0)
    reg = BeaconIndex([beacon(b, *xy) for b, xy in LAYOUT.items()] + [far])
    scan = scan_at(4.0, 5.0) + [("far", -50.0)]          # heard loudest of all
    fix = locate(scan, reg)
    assert err_m(fix, 4.0, 5.0) < 3.0
    assert "far" not in fix.used
    assert [s.id for s in fix.ignored] == ["far"]
    assert "too far from the other beacons heard" in fix.ignored[0].reason


def test_of_two_lone_beacons_far_apart_the_strongest_is_kept():
    reg = BeaconIndex([beacon("a", 0.0, 0.0), beacon("b", 5000.0, 0.0)])
    fix = locate([("a", -80.0), ("b", -60.0)], reg)
    assert fix.used == ("b",)
    assert fix.nearest_beacon_id == "b"
    assert [s.id for s in fix.ignored] == ["a"]
