"""The route tracker (routing.tracking) on hand-made geometry: what is said when, from fixes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from routing.geo import LocalFrame
from routing.polyline import Polyline
from routing.tracking import Fix, RouteTracker, Target, TrackerSettings, TrackState, maneuver_positions

FRAME = LocalFrame(49.44, 7.76)


def line_xy(*points: tuple[float, float]) -> Polyline:
    """A line through points given in metres east (x) and north (y)."""
    xs, ys = zip(*points)
    lat, lon = FRAME.to_latlon(np.array(xs, float), np.array(ys, float))
    return Polyline(np.column_stack((lat, lon)))


def at_xy(x: float, y: float) -> tuple[float, float]:
    lat, lon = FRAME.to_latlon(x, y)
    return float(lat), float(lon)


def zigzag(legs: int = 6, leg_m: float = 100.0) -> tuple[Polyline, list[Target]]:
    """North, east, north, east ...: a turn every ``leg_m``."""
    pts, x, y = [(0.0, 0.0)], 0.0, 0.0
    for i in range(legs):
        if i % 2 == 0:
            y += leg_m
        else:
            x += leg_m
        pts.append((x, y))
    line = line_xy(*pts)
    targets = [Target(0.0, "depart", 0)] + [Target(leg_m * i, "turn", i) for i in range(1, legs)]
    targets.append(Target(line.length, "arrive", legs))
    return line, targets


def tracker(line, targets, hazards=(), **settings) -> RouteTracker:
    t = RouteTracker(line, targets, hazards, TrackerSettings(**settings))
    t.start()
    return t


def walk(t: RouteTracker, line: Polyline, positions, *, dt: float = 1.0, noise: float = 0.0, seed: int = 0,
         speed: float | None = 1.3, heading: bool = False, t0: float = 0.0):
    """Feed fixes at these distances along ``line``; returns (distance, update) pairs."""
    rng = np.random.default_rng(seed)
    out = []
    for k, s in enumerate(positions):
        lat, lon = line.point_at(s)
        if noise:
            x, y = FRAME.to_xy(lat, lon)
            nx, ny = rng.normal(0.0, noise, 2)
            lat, lon = (float(v) for v in FRAME.to_latlon(float(x) + nx, float(y) + ny))
        fix = Fix(lat, lon, t0 + k * dt, max(1.5 * noise, 5.0), line.bearing_at(s) if heading else None, speed)
        out.append((s, t.update(fix)))
    return out


def events(updates, kind: str | None = None):
    return [e for _, u in updates for e in u.events if kind is None or e.kind == kind]


# --- the line ---------------------------------------------------------------------

def test_polyline_projects_within_a_window():
    line = line_xy((0, 0), (0, 100), (100, 100))
    assert line.length == pytest.approx(200.0, abs=0.01)
    p = line.project(*at_xy(3, 40))
    assert p.along_m == pytest.approx(40.0, abs=0.01) and p.distance_m == pytest.approx(3.0, abs=0.01)
    assert p.bearing == pytest.approx(0.0, abs=0.5)
    # a point near the corner, but the window says the walker is still before it
    p = line.project(*at_xy(20, 95), 0.0, 90.0)
    assert p.along_m == pytest.approx(90.0, abs=0.01)
    lat, lon = line.point_at(150.0)
    assert FRAME.to_xy(lat, lon)[0] == pytest.approx(50.0, abs=0.01)
    assert line.bearing_at(150.0) == pytest.approx(90.0, abs=0.5)


def test_maneuver_positions_follow_the_line():
    line = line_xy((0, 0), (0, 100), (100, 100))
    locations = [tuple(reversed(at_xy(*p))) for p in ((0, 0), (0, 100), (100, 100))]
    along = maneuver_positions(line, locations, [101.0, 99.0, 0.0])  # graph metres differ a little
    assert along == pytest.approx([0.0, 100.0, 200.0], abs=0.05)


# --- instructions in order ------------------------------------------------------------

def test_clean_walk_says_each_instruction_once_in_order_with_pre_announcements_first():
    line, targets = zigzag()
    t = tracker(line, targets)
    ups = walk(t, line, np.arange(0.0, line.length + 2, 1.3))
    said = [(e.kind, e.step) for e in events(ups) if e.kind in ("pre", "main")]
    mains = [s for k, s in said if k == "main"]
    assert mains == list(range(1, len(targets)))
    for step in range(1, len(targets)):
        assert said.index(("pre", step)) < said.index(("main", step))
    for s, u in ups:
        for e in u.events:
            if e.kind == "main":
                reach = 8.0 if targets[e.step].kind == "arrive" else 6.0  # arrive_m, reach_m
                assert -1.0 <= targets[e.step].along_m - s <= reach + 1.0  # said when reached
            if e.kind == "pre":
                assert 25.0 <= targets[e.step].along_m - s <= 31.0
    assert ups[-1][1].arrived


def test_sparse_fixes_jumping_past_maneuvers_say_them_late_in_order_without_obsolete_pre():
    line, targets = zigzag(legs=6, leg_m=50.0)
    t = tracker(line, targets)
    # fixes every 40 s: from 10 m straight to 140 m (passing the turns at 50 and 100 m), then to 260 m
    ups = walk(t, line, [10.0, 140.0, 260.0, line.length], dt=40.0)
    second = ups[1][1].events
    assert [(e.kind, e.step) for e in second if e.kind == "main"] == [("main", 1), ("main", 2)]
    assert all(e.late for e in second if e.kind == "main")
    assert not any(e.kind == "pre" and e.step in (1, 2) for e in second)  # obsolete: dropped
    third = [(e.kind, e.step) for e in ups[2][1].events if e.kind == "main"]
    assert third == [("main", 3), ("main", 4), ("main", 5)]
    mains = [e.step for e in events(ups, "main")]
    assert mains == list(range(1, len(targets)))
    assert ups[-1][1].arrived


def test_noise_around_a_maneuver_never_repeats_it():
    line, targets = zigzag(legs=2, leg_m=100.0)
    t = tracker(line, targets)
    # the walker waits at the corner (a traffic light) for two minutes in 8 m noise, then walks on
    positions = list(np.arange(60.0, 100.0, 1.3)) + [100.0] * 120 + list(np.arange(100.0, 200.0, 1.3))
    ups = walk(t, line, positions, noise=8.0, seed=3, speed=None)
    assert [e.step for e in events(ups, "main")] == [1, 2]
    assert [e.step for e in events(ups, "pre")] == [1, 2]
    progress = [u.progress_m for _, u in ups]
    assert progress == sorted(progress)  # never backwards
    assert not any(u.off_route for _, u in ups)


@pytest.mark.parametrize("seed", range(5))
def test_gps_noise_keeps_order_and_says_instructions_near_their_point(seed):
    line, targets = zigzag(legs=8, leg_m=60.0)
    t = tracker(line, targets)
    ups = walk(t, line, np.arange(0.0, line.length + 5, 1.3), noise=5.0, seed=seed)
    assert [e.step for e in events(ups, "main")] == list(range(1, len(targets)))
    for s, u in ups:
        for e in u.events:
            if e.kind == "main":
                assert abs(targets[e.step].along_m - s) <= 15.0
    assert not any(u.off_route for _, u in ups)


# --- reassurance, pre-announcement distance, hazards ----------------------------------------

def test_reassurance_on_a_long_stretch_every_120_m_and_not_close_to_the_next_maneuver():
    line = line_xy((0, 0), (0, 600), (100, 600))
    targets = [Target(0.0, "depart", 0), Target(600.0, "turn", 1), Target(line.length, "arrive", 2)]
    t = tracker(line, targets)
    ups = walk(t, line, np.arange(0.0, 620.0, 1.3))
    where = [s for s, u in ups for e in u.events if e.kind == "reassure"]
    assert len(where) >= 3
    assert all(b - a >= 119.0 for a, b in zip([0.0] + where, where))
    assert all(600.0 - s > 30.0 + 20.0 for s in where)  # the pre-announcement is near: no reassurance
    said = [e for e in events(ups, "reassure")]
    assert said[0].distance_m == pytest.approx(600.0 - where[0], abs=2.0)


def test_reassurance_spacing_is_a_session_setting():
    line = line_xy((0, 0), (0, 600), (100, 600))
    targets = [Target(0.0, "depart", 0), Target(600.0, "turn", 1), Target(line.length, "arrive", 2)]
    t = tracker(line, targets, reassure_m=250.0)
    ups = walk(t, line, np.arange(0.0, 620.0, 1.3))
    assert len(events(ups, "reassure")) == 2


def test_pre_announcement_distance_grows_with_speed():
    line = line_xy((0, 0), (0, 300), (100, 300))
    targets = [Target(0.0, "depart", 0), Target(300.0, "turn", 1), Target(line.length, "arrive", 2)]
    fast = tracker(line, targets)
    ups = walk(fast, line, np.arange(0.0, 310.0, 5.0), speed=5.0)  # cycling pace: 5 m/s × 8 s = 40 m
    pre = events(ups, "pre")[0]
    assert 35.0 <= pre.distance_m <= 40.0
    slow = tracker(line, targets, announce_m=50.0)
    pre = events(walk(slow, line, np.arange(0.0, 310.0, 1.3)), "pre")[0]
    assert 48.0 <= pre.distance_m <= 50.0


def test_hazard_ahead_is_warned_once_and_not_after_it_was_passed():
    line = line_xy((0, 0), (0, 400))
    targets = [Target(0.0, "depart", 0), Target(line.length, "arrive", 1)]
    hazards = [Target(150.0, "hazard", 0, "0:0"), Target(300.0, "hazard", 0, "0:1")]
    t = tracker(line, targets, hazards)
    ups = walk(t, line, list(np.arange(0.0, 140.0, 1.3)) + [320.0, 330.0], dt=1.0)
    warnings = events(ups, "warning")
    assert [w.key for w in warnings] == ["0:0"]
    assert 20.0 <= warnings[0].distance_m <= 25.0


def _said(line, targets, hazards=()):
    return [(s, e.kind, e.step) for s, u in walk(tracker(line, targets, hazards), line, np.arange(0.0, 160.0, 1.0))
            for e in u.events]


def test_nothing_but_warnings_is_said_on_the_roadway_of_a_crossing():
    """A turn 45 m after a crossing is pre-announced past the crossing's quiet span, not while crossing."""
    line = line_xy((0, 0), (0, 100), (0, 145), (100, 145))
    targets = [Target(0.0, "depart", 0), Target(100.0, "cross", 1), Target(145.0, "turn", 2),
               Target(line.length, "arrive", 3)]
    hazards = [Target(125.0, "hazard", 1, "1:0")]  # warned 25 m ahead: on the roadway
    said = _said(line, targets, hazards)
    assert [s for s, kind, step in said if kind == "pre" and step == 2] == [115.0]  # 30 m before the turn
    assert [kind for s, kind, _ in said if 90.0 <= s < 115.0] == ["main", "warning"]  # cross, then the hazard


def test_a_turn_right_after_a_crossing_is_pre_announced_at_the_kerb():
    line = line_xy((0, 0), (0, 100), (0, 125), (100, 125))
    targets = [Target(0.0, "depart", 0), Target(100.0, "cross", 1), Target(125.0, "turn", 2),
               Target(line.length, "arrive", 3)]
    said = _said(line, targets)
    main = next(s for s, kind, step in said if kind == "main" and step == 1)
    assert [(s, kind, step) for s, kind, step in said if main <= s < 119.0] == [(main, "main", 1), (main, "pre", 2)]
    # a plain turn in its place: the next turn's pre-announcement comes 30 m ahead, as always
    targets[1] = Target(100.0, "turn", 1)
    pre = [s for s, kind, step in _said(line, targets) if kind == "pre" and step == 2]
    assert len(pre) == 1 and 94.0 <= pre[0] <= 97.0


# --- off route ---------------------------------------------------------------------------

def _fix_xy(x: float, y: float, t: float, acc: float = 5.0, heading: float | None = None) -> Fix:
    lat, lon = at_xy(x, y)
    return Fix(lat, lon, t, acc, heading, 1.3)


def test_off_route_needs_three_fixes_beyond_the_threshold_and_one_clear_fix_resets_the_count():
    line = line_xy((0, 0), (0, 300))
    t = tracker(line, [Target(0.0, "depart", 0), Target(line.length, "arrive", 1)])
    for k in range(10):
        assert not t.update(_fix_xy(0.0, k * 1.3, k)).off_route
    # two fixes 25 m off, then clearly back: no decision
    assert not t.update(_fix_xy(25.0, 15.0, 10)).off_route
    assert not t.update(_fix_xy(25.0, 16.0, 11)).off_route
    assert not t.update(_fix_xy(2.0, 17.0, 12)).off_route
    assert not t.update(_fix_xy(25.0, 18.0, 13)).off_route
    assert not t.update(_fix_xy(25.0, 19.0, 14)).off_route
    # a fix in between (12 m: not beyond 15 m, not clearly on the route) holds the count
    assert not t.update(_fix_xy(12.0, 20.0, 15)).off_route
    assert t.update(_fix_xy(25.0, 21.0, 16)).off_route


def test_off_route_threshold_grows_with_reported_accuracy():
    line = line_xy((0, 0), (0, 300))
    t = tracker(line, [Target(0.0, "depart", 0), Target(line.length, "arrive", 1)])
    t.update(_fix_xy(0.0, 0.0, 0, acc=30.0))
    assert not any(t.update(_fix_xy(25.0, k, k, acc=30.0)).off_route for k in range(1, 8))


def test_walking_away_along_another_street_is_off_route_by_heading_before_the_distance_says_so():
    line = line_xy((0, 0), (0, 100), (100, 100))
    t = tracker(line, [Target(0.0, "depart", 0), Target(100.0, "turn", 1), Target(line.length, "arrive", 2)])
    k = 0
    for y in np.arange(0.0, 100.0, 1.3):
        assert not t.update(_fix_xy(0.0, y, k, heading=0.0)).off_route
        k += 1
    # instead of turning right, straight on to the north, 11..13 m beyond the corner
    results = [t.update(_fix_xy(0.0, 100.0 + d, k + i, heading=0.0)).off_route for i, d in enumerate((11, 12, 13))]
    assert results == [False, False, True]


def test_off_route_fixes_do_not_move_progress():
    line = line_xy((0, 0), (0, 300))
    t = tracker(line, [Target(0.0, "depart", 0), Target(line.length, "arrive", 1)])
    for k in range(20):
        t.update(_fix_xy(0.0, k * 1.3, k))
    before = t.state.progress_m
    u = t.update(_fix_xy(40.0, 80.0, 20))
    assert not u.on_route and t.state.progress_m == before


# --- arrival, state, odd input --------------------------------------------------------------

def test_arrival_is_said_once():
    line = line_xy((0, 0), (0, 100))
    t = tracker(line, [Target(0.0, "depart", 0), Target(line.length, "arrive", 1)])
    ups = walk(t, line, list(np.arange(0.0, 100.0, 1.3)) + [100.0] * 20)
    arrivals = [e for e in events(ups, "main") if e.step == 1]
    assert len(arrivals) == 1
    first = next(i for i, (_, u) in enumerate(ups) if u.arrived)
    assert all(u.arrived and not u.events for _, u in ups[first + 1:])


def test_state_survives_a_json_round_trip_mid_route():
    line, targets = zigzag()
    a = tracker(line, targets)
    walk(a, line, np.arange(0.0, 150.0, 1.3), noise=3.0)
    b = RouteTracker(line, targets, state=TrackState.from_dict(json.loads(json.dumps(a.state.to_dict()))))
    rest = np.arange(150.0, line.length + 2, 1.3)
    ua = walk(a, line, rest, noise=3.0, seed=9, t0=200.0)
    ub = walk(b, line, rest, noise=3.0, seed=9, t0=200.0)
    assert [(e.kind, e.step) for e in events(ua)] == [(e.kind, e.step) for e in events(ub)]


def test_a_fix_older_than_the_last_is_ignored():
    line = line_xy((0, 0), (0, 300))
    t = tracker(line, [Target(0.0, "depart", 0), Target(line.length, "arrive", 1)])
    t.update(_fix_xy(0.0, 50.0, 10.0))
    u = t.update(_fix_xy(0.0, 120.0, 5.0))
    assert u.stale and not u.events and u.on_route
    assert not t.update(_fix_xy(500.0, 120.0, 6.0)).on_route  # a stale answer still says where that fix lay


@pytest.mark.parametrize("wrong_t", [4_102_444_800.0, -1e9])
def test_one_fix_with_a_wrong_clock_does_not_silence_the_rest_of_the_walk(wrong_t):
    """A fix far in the future (or the past) is taken without a time step; the next right ones are not stale."""
    line, targets = zigzag(legs=3)
    t = tracker(line, targets)
    t.update(Fix(*line.point_at(10.0), 1000.0, 5.0))
    t.update(Fix(*line.point_at(12.0), wrong_t, 5.0))
    ups = walk(t, line, np.arange(13.0, line.length + 1.0, 1.3), t0=1001.0)
    assert not any(u.stale for _, u in ups)
    assert [e.step for e in events(ups, "main")] == [1, 2, 3]


def test_first_fix_far_along_the_route_says_what_was_passed_late():
    line, targets = zigzag(legs=4, leg_m=50.0)
    t = tracker(line, targets)
    u = t.update(Fix(*line.point_at(120.0), t=0.0, accuracy_m=5.0))
    assert [(e.step, e.late) for e in u.events if e.kind == "main"] == [(1, True), (2, True)]


def test_a_clock_that_went_back_is_believed_after_two_fixes_in_a_row():
    """One fix older than the last came late over the network; two in a row mean the phone's clock moved."""
    line, targets = zigzag(legs=3)
    t = tracker(line, targets)
    t.update(Fix(*line.point_at(10.0), 1000.0, 5.0))
    first = t.update(Fix(*line.point_at(12.0), 980.0, 5.0))
    second = t.update(Fix(*line.point_at(14.0), 981.0, 5.0))
    assert first.stale and not second.stale and second.progress_m >= 12.0
    ups = walk(t, line, np.arange(15.0, line.length + 1.0, 1.3), t0=982.0)
    assert [e.step for e in events(ups, "main")] == [1, 2, 3]


def test_a_maneuver_too_close_for_its_own_pre_announcement_is_pre_announced_with_the_one_before():
    """Turn at 100 m, a crossing 4 m after it: 'Jetzt rechts' comes with 'In 9 Metern überqueren Sie ...'."""
    line = line_xy((0, 0), (0, 100), (100, 100))
    targets = [Target(0.0, "depart", 0), Target(100.0, "turn", 1), Target(104.0, "cross", 2),
               Target(line.length, "arrive", 3)]
    said = [(s, e.kind, e.step, e.distance_m) for s, u in walk(tracker(line, targets), line,
                                                                 np.arange(0.0, 130.0, 1.0)) for e in u.events]
    turn = next(s for s, kind, step, _ in said if kind == "main" and step == 1)
    pre = [(s, d) for s, kind, step, d in said if kind == "pre" and step == 2]
    assert len(pre) == 1 and pre[0][0] == turn and 6.0 < pre[0][1] <= 11.0


def test_landmarks_are_said_as_they_are_passed_never_behind_the_walker():
    line = line_xy((0, 0), (0, 300))
    targets = [Target(0.0, "depart", 0), Target(150.0, "cross", 1), Target(line.length, "arrive", 2)]
    landmarks = [Target(60.0, "landmark", 0, "L0:0"), Target(158.0, "landmark", 1, "L1:0"),
                 Target(250.0, "landmark", 1, "L1:1")]
    t = RouteTracker(line, targets, (), TrackerSettings(), None, landmarks)
    t.start()
    ups = walk(t, line, list(np.arange(0.0, 200.0, 1.3)) + [280.0, 290.0])  # a jump past the third
    said = [(s, e.key) for s, u in ups for e in u.events if e.kind == "landmark"]
    # the second, a beacon at the far kerb, confirms the crossing; the third was passed by 30 m
    assert [key for _, key in said] == ["L0:0", "L1:0"]
    assert 57.0 <= said[0][0] <= 60.0 and 155.0 <= said[1][0] <= 158.0


def test_a_landmark_before_a_maneuver_already_said_is_not_said_after_it():
    line = line_xy((0, 0), (0, 100), (100, 100))
    targets = [Target(0.0, "depart", 0), Target(100.0, "turn", 1), Target(line.length, "arrive", 2)]
    t = RouteTracker(line, targets, (), TrackerSettings(), None, [Target(97.0, "landmark", 0, "L0:0")])
    t.start()
    ups = walk(t, line, [0.0, 20.0, 40.0, 60.0, 80.0, 96.5, 101.0, 120.0], dt=15.0)
    kinds = [(e.kind, e.step) for _, u in ups for e in u.events]
    assert ("landmark", 0) not in kinds[kinds.index(("main", 1)):]


def test_a_first_fix_just_outside_the_main_distance_still_pre_announces():
    """Fixes every 20 s: one 9 m before a flight of steps, the next past it - the steps must be mentioned."""
    line = line_xy((0, 0), (0, 200))
    targets = [Target(0.0, "depart", 0), Target(100.0, "steps", 1), Target(line.length, "arrive", 2)]
    ups = walk(tracker(line, targets), line, [0.0, 40.0, 65.0, 91.0, 118.0], dt=20.0)
    said = [(s, e.kind, e.step) for s, u in ups for e in u.events]
    assert (91.0, "pre", 1) in said
