"""Maneuvers on the demo map: every kind, with what the map says and nothing more."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from routing.maneuvers import find_maneuvers, modifier
from routing.pipeline import build_from_osm
from routing.router import Router

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo.osm"


@pytest.fixture(scope="module")
def demo():
    graph = build_from_osm(DEMO)
    nodes = {
        int(n.get("id")): (float(n.get("lat")), float(n.get("lon")))
        for n in ET.parse(DEMO).getroot().iter("node")
    }
    return graph, Router(graph), nodes


def plan(demo, a, b, profile="walk"):
    graph, router, nodes = demo
    a = nodes[a] if isinstance(a, int) else a
    b = nodes[b] if isinstance(b, int) else b
    route = router.plan(a, b, profile)
    return find_maneuvers(graph, route)


def kinds(ms):
    return [m.kind for m in ms]


def test_route_starts_with_depart_and_ends_with_arrive(demo):
    ms = plan(demo, 130, 131)
    assert ms[0].kind == "depart" and ms[-1].kind == "arrive"
    assert ms[0].cardinal == "s"  # the shortcut runs straight south
    assert sum(m.distance_m for m in ms) == pytest.approx(100.0, abs=1.0)


def test_unmarked_crossing_is_said_as_unmapped(demo):
    ms = plan(demo, 130, 131)
    cross = [m for m in ms if m.kind == "cross"]
    assert len(cross) == 1
    c = cross[0].crossing
    assert c.street == "Mainzer Straße"
    assert c.mapped is False and c.control == "none"
    assert c.sound == "unknown" and c.tactile_paving == "unknown"


def test_signalised_crossing_with_every_aid(demo):
    ms = plan(demo, 132, 133)
    cross = [m for m in ms if m.kind == "cross"]
    assert len(cross) == 1
    c = cross[0].crossing
    assert (c.control, c.sound, c.vibration, c.tactile_paving, c.island, c.kerb, c.button) == (
        "signals", "yes", "yes", "yes", "no", "lowered", "yes")
    assert c.street == "Mainzer Straße"


def test_zebra_crossing(demo):
    graph, router, nodes = demo
    lat, lon = nodes[104]
    ms = plan(demo, (lat, lon - 0.00012), (lat, lon + 0.00012))
    c = [m for m in ms if m.kind == "cross"][0].crossing
    assert c.control == "zebra" and c.island == "yes" and c.tactile_paving == "no"
    assert c.street == "Pariser Straße"


def test_steps_maneuver_carries_count_direction_and_handrail(demo):
    graph, router, nodes = demo
    lat, lon = nodes[110]
    before = (lat, lon - 0.0002)  # on the park path west of the steps' foot
    ms = plan(demo, before, nodes[111])
    steps = [m for m in ms if m.kind == "steps"]
    assert len(steps) == 1
    s = steps[0].steps
    assert (s.count, s.direction, s.handrail) == (12, "up", "right")
    ms = plan(demo, (nodes[111][0], nodes[111][1] + 0.0002), before)
    s = [m for m in ms if m.kind == "steps"][0].steps
    assert (s.count, s.direction, s.handrail) == (12, "down", "left")


def test_unknown_steps_stay_unknown(demo):
    graph, router, nodes = demo
    lat, lon = nodes[114]
    ms = plan(demo, (lat + 0.0001, lon), nodes[115])
    steps = [m for m in ms if m.kind == "steps"]
    assert steps, kinds(ms)
    s = steps[0].steps
    assert s.count is None and s.handrail == "unknown" and s.direction == "unknown"


def test_bus_stop_passed_is_a_landmark_with_its_side(demo):
    ms = plan(demo, (49.44301, 7.7570), (49.4430, 7.7605))
    marks = [(lm.label, lm.side) for m in ms for lm in m.landmarks]
    assert ("Rathaus", "left") in marks
    ms = plan(demo, (49.4430, 7.7605), (49.44301, 7.7570))
    marks = [(lm.label, lm.side) for m in ms for lm in m.landmarks]
    assert ("Rathaus", "right") in marks


def test_arrival_at_a_bus_stop_names_it(demo):
    ms = plan(demo, (49.44301, 7.7570), 120)
    assert [lm.label for lm in ms[-1].landmarks] == ["Rathaus"]


def test_arrival_side(demo):
    graph, router, nodes = demo
    # Walking east on Mainzer Straße; a goal 12 m north of the road lies on the left.
    ms = plan(demo, (49.4430, 7.7608), (49.4430 + 12 / 111195, 7.7616))
    assert ms[-1].side == "left"
    ms = plan(demo, (49.4430, 7.7608), (49.4430 - 12 / 111195, 7.7616))
    assert ms[-1].side == "right"


def test_open_area_is_entered_and_left(demo):
    graph, router, nodes = demo
    ms = plan(demo, (49.4437, 7.7575), 130)
    assert "enter_area" in kinds(ms) or ms[0].way_kind == "pedestrian_area"


@pytest.mark.parametrize("angle, expected", [
    (0, "straight"), (20, "straight"), (-30, "slight_left"), (40, "slight_right"), (90, "right"),
    (-100, "left"), (150, "sharp_right"), (-140, "sharp_left"), (175, "uturn"),
])
def test_modifier_thresholds(angle, expected):
    assert modifier(angle) == expected


def test_turn_direction_matches_geometry(demo):
    """Left is left: the sign of every turn agrees with the route's own shape."""
    from routing.geo import bearing_deg, turn_angle_deg

    graph, router, nodes = demo
    ids = sorted(nodes)
    checked = 0
    for a, b in zip(ids[::3], ids[5::3]):
        try:
            route = router.plan(nodes[a], nodes[b])
        except Exception:
            continue
        for m in find_maneuvers(graph, route):
            if m.kind != "turn" or abs(m.turn_angle) < 45:
                continue
            lon, lat = m.location
            c = route.coords
            i = int(((c[:, 0] - lat) ** 2 + (c[:, 1] - lon) ** 2).argmin())
            if i == 0 or i == len(c) - 1:
                continue
            before = bearing_deg(*c[max(i - 1, 0)], *c[i])
            after = bearing_deg(*c[i], *c[min(i + 1, len(c) - 1)])
            geometric = turn_angle_deg(before, after)
            if abs(geometric) > 30:
                assert (geometric > 0) == (m.turn_angle > 0), (a, b, m)
                checked += 1
    assert checked >= 5


def test_a_crossing_way_is_said_at_its_kerb_once(demo):
    """The light of crossing 101 is announced at node 132 (kerb), not at 101 in the road, and only once."""
    graph, router, nodes = demo
    ms = plan(demo, 130, 131, "blind_cane")
    cross = [m for m in ms if m.kind == "cross"]
    assert len(cross) == 1
    lon, lat = cross[0].location
    assert (lat, lon) == pytest.approx(nodes[132], abs=1e-6)
    assert cross[0].crossing.control == "signals"


def test_kerb_nodes_on_a_crossing_way_give_the_kerb(demo):
    ms = plan(demo, (49.4424604, 7.7593084), (49.4420107, 7.7588), "blind_cane")
    cross = [m for m in ms if m.kind == "cross"]
    assert len(cross) == 1
    assert cross[0].crossing.kerb == "raised" and cross[0].crossing.kerb_height_m == pytest.approx(0.12)


def test_a_crossing_that_depends_on_the_side_of_the_street_is_said_as_possible(demo):
    """Turning from Pariser Straße into Mainzer Straße at the lights crosses Pariser Straße from one side only."""
    from voice.text import render

    ms = plan(demo, (49.4440972, 7.7590318), (49.4430899, 7.7608299), "blind_cane")
    turn = next(m for m in ms if m.kind == "turn" and m.street == "Mainzer Straße")
    assert turn.side_crossing is not None and turn.crossing is None
    assert turn.side_crossing.street == "Pariser Straße" and turn.side_crossing.control == "signals"
    said = render(ms, lang="de", directions="relative")[ms.index(turn)].main
    assert "Je nach Straßenseite überqueren Sie dabei die Pariser Straße an der Ampel" in said


# --- distances, places said once, nothing to walk (hand-made maps) ------------------

def test_distances_add_up_and_each_runs_from_the_previous_maneuver_point(demo):
    """A compound turn's parts included: the maneuvers' distances are the route, point to point."""
    import shapely

    from routing.geo import LocalFrame
    from voice import render

    graph, router, nodes = demo
    route = router.plan((49.4430719, 7.7586169), (49.4438094, 7.7606916), "walk")  # stop Rathaus -> the steps
    ms = find_maneuvers(graph, route)
    assert any(m.compound for m in ms), "the route has a compound turn"
    assert sum(m.to_next_m for m in ms) == pytest.approx(route.distance_m, abs=0.5)
    frame = LocalFrame(float(route.coords[0, 0]), float(route.coords[0, 1]))
    line = shapely.LineString(np.column_stack(frame.to_xy(route.coords[:, 0], route.coords[:, 1])))
    along = 0.0
    for m in ms:
        points = [(m, along)] + [(part, along + m.distance_m + sum(p.distance_m for p in m.compound[:k]))
                                 for k, part in enumerate(m.compound)]
        for x, expected in points:
            lon, lat = x.location
            assert line.project(shapely.Point(*frame.to_xy(lat, lon))) == pytest.approx(expected, abs=1.0)
        along += m.to_next_m
    spoken = render(ms, "de", announce_m=500)
    for prev, m, g in zip(ms, ms[1:], spoken[1:]):
        assert g.pre_distance_m == pytest.approx(prev.to_next_m)


def _stops_map(osm_doc, compile_xml, stops):
    """A 400 m footway running east from (0, 0), with bus stops at the given (x, y, name)."""
    nodes = {1: (0, 0), 2: (200, 0), 3: (400, 0)}
    for k, (x, y, name) in enumerate(stops):
        nodes[100 + k] = (x, y, {"highway": "bus_stop", "name": name})
    xml = osm_doc(nodes, {10: ([1, 2, 3], {"highway": "footway"})})
    graph = compile_xml(xml)
    return graph, Router(graph), osm_doc.latlon


def _said(ms, name):
    return [(i, lm.side, lm.distance_m) for i, m in enumerate(ms) for lm in m.landmarks if lm.label == name]


def test_a_stop_with_several_platforms_is_said_once_where_the_route_meets_it(osm_doc, compile_xml):
    graph, router, ll = _stops_map(osm_doc, compile_xml, [
        (100, 8, "Altenzentrum"), (110, -8, "Altenzentrum"), (230, 8, "Altenzentrum"), (330, 8, "Parkstraße")])
    ms = find_maneuvers(graph, router.plan(ll(0, 0), ll(400, 0), "walk"))
    assert _said(ms, "Altenzentrum") == [(0, "left", pytest.approx(100, abs=1))]
    assert len(_said(ms, "Parkstraße")) == 1


def test_a_stop_at_the_goal_is_said_there_and_not_before(osm_doc, compile_xml):
    graph, router, ll = _stops_map(osm_doc, compile_xml, [(100, 8, "Rathaus"), (232, 6, "Rathaus")])
    ms = find_maneuvers(graph, router.plan(ll(0, 0), ll(240, 0), "walk"))
    assert [i for i, _, _ in _said(ms, "Rathaus")] == [len(ms) - 1]


def test_the_place_one_stands_at_is_no_direction_reference(osm_doc, compile_xml):
    graph, router, ll = _stops_map(osm_doc, compile_xml, [(2, 6, "ZOB"), (-22, -6, "ZOB")])
    depart = find_maneuvers(graph, router.plan(ll(0, 0), ll(400, 0), "walk"))[0]
    assert [(lm.label, lm.side) for lm in depart.landmarks] == [("ZOB", "left")]
    assert depart.reference is None


def test_the_reference_and_the_landmark_agree_on_the_side(osm_doc, compile_xml):
    """A stop on the left, 15 m on: facing it, the way lies to the right."""
    graph, router, ll = _stops_map(osm_doc, compile_xml, [(12, 10, "Marktplatz")])
    depart = find_maneuvers(graph, router.plan(ll(0, 0), ll(400, 0), "walk"))[0]
    assert [(lm.side, lm.distance_m) for lm in depart.landmarks] == [("left", pytest.approx(12, abs=1))]
    assert (depart.reference, depart.reference_kind) == ("Marktplatz", "bus_stop")
    assert 0 < depart.turn_angle < 90 and depart.modifier in ("slight_right", "right")


def test_nothing_to_walk_is_one_arrival(osm_doc, compile_xml):
    graph, router, ll = _stops_map(osm_doc, compile_xml, [])
    ms = find_maneuvers(graph, router.plan(ll(50, 1), ll(50, 1), "walk"))
    assert [(m.kind, m.distance_m, m.side) for m in ms] == [("arrive", 0.0, "ahead")]
    ms = find_maneuvers(graph, router.plan(ll(50, 0), ll(51.5, 0), "walk"))
    assert [m.kind for m in ms] == ["arrive"]
    ms = find_maneuvers(graph, router.plan(ll(50, 0), ll(53, 0), "walk"))
    assert [m.kind for m in ms] == ["depart", "arrive"]


# --- half a crossing way: stepping onto a street walked along is no crossing (hand-made map) ----

def _half_crossing_map(osm_doc, compile_xml, sidewalk):
    """A street running north at x = 0 with a crossing way E (6, 0) -> C (0, 0) -> W (-6, 0) over it.

    Footways lead east from E and west from W; C is an uncontrolled crossing node on the street.
    """
    nodes = {1: (0, -100), 2: (0, 100), 5: (0, 0, {"highway": "crossing", "crossing": "uncontrolled"}),
             6: (6, 0), 7: (-6, 0), 8: (60, 0), 9: (-60, 0)}
    ways = {
        10: ([1, 5, 2], {"highway": "residential", "name": "Lindenring", "sidewalk": sidewalk}),
        11: ([6, 5, 7], {"highway": "footway", "footway": "crossing", "crossing": "uncontrolled"}),
        12: ([8, 6], {"highway": "footway"}),
        13: ([7, 9], {"highway": "footway"}),
    }
    graph = compile_xml(osm_doc(nodes, ways))
    return graph, Router(graph), osm_doc.latlon


@pytest.mark.parametrize("sidewalk", ["no", "both"])
def test_half_a_crossing_way_onto_the_street_walked_along_is_no_crossing(osm_doc, compile_xml, sidewalk):
    """From the east kerb onto the street at its crossing node and along it: the street is not crossed.

    Said once, at the kerb, as the turn onto the street; never 'Überqueren Sie den Lindenring'.
    """
    from voice.text import render

    graph, router, ll = _half_crossing_map(osm_doc, compile_xml, sidewalk)
    ms = find_maneuvers(graph, router.plan(ll(60, 0), ll(0, 50), "walk"))
    assert kinds(ms) == ["depart", "turn", "arrive"]
    turn = ms[1]
    assert (turn.street, turn.way_kind, turn.modifier) == (
        "Lindenring", "street_without_sidewalk" if sidewalk == "no" else "street_with_sidewalk", "right")
    assert turn.side_crossing is None
    lon, lat = turn.location
    assert (lat, lon) == pytest.approx(ll(6, 0), abs=2e-6)  # at the kerb, not in the road
    assert [m.to_next_m for m in ms] == [pytest.approx(54, abs=1), pytest.approx(56, abs=1), 0.0]
    said = " ".join(g.pre + " " + g.main for g in render(ms, lang="de", directions="relative"))
    assert "berquer" not in said and "Überweg" not in said, said


def test_leaving_the_street_walked_along_by_half_a_crossing_way_is_said_once(osm_doc, compile_xml):
    """Along the street, then off it to the east kerb: crossed from the west side only (side unknown).

    Known limit (see routing.maneuvers._crossing_ways): that stays one crossing, at the crossing node.
    """
    graph, router, ll = _half_crossing_map(osm_doc, compile_xml, "no")
    ms = find_maneuvers(graph, router.plan(ll(0, 50), ll(60, 0), "walk"))
    assert kinds(ms) == ["depart", "cross", "continue", "arrive"]
    assert ms[1].crossing.street == "Lindenring"


def test_a_whole_crossing_way_is_still_one_crossing(osm_doc, compile_xml):
    graph, router, ll = _half_crossing_map(osm_doc, compile_xml, "no")
    ms = find_maneuvers(graph, router.plan(ll(60, 0), ll(-60, 0), "walk"))
    cross = [m for m in ms if m.kind == "cross"]
    assert len(cross) == 1, kinds(ms)
    assert cross[0].crossing.street == "Lindenring" and cross[0].crossing.control == "uncontrolled"
    lon, lat = cross[0].location
    assert (lat, lon) == pytest.approx(ll(6, 0), abs=2e-6)
