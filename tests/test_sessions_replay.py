"""Replays of walks through the live guidance API on Kaiserslautern (real OSM data, ../shared/osm).

A simulated walker follows each route with 5 m GPS noise (per axis, seeded),
one fix a second at 1.3 m/s; what was said, and where, is checked: every
maneuver's instruction once, in order, near its point; pre-announcements
before; no false off-route; arrival once; a wrong turn noticed within 30 m
and answered with a new route.
"""

from __future__ import annotations

import pytest

from routing.geo import haversine_m
from lotse import create_app
from lotse.simulator import FlaskClient, SimConfig, SimResult, format_timeline, simulate

pytestmark = [pytest.mark.realdata, pytest.mark.slow]

#: name -> (from, to, profile); 600-1500 m through the centre, with turns, crossings, steps and squares.
ROUTES = {
    "hbf_rathaus": ((49.43598, 7.76893), (49.44566, 7.76869), "blind_cane"),
    "kennedyplatz_stiftskirche": ((49.44328, 7.77934), (49.44450, 7.77127), "walk"),
    "mainzer_tor_pfalztheater": ((49.44808, 7.77697), (49.44686, 7.76974), "walk"),
    "stadtpark_marienkirche": ((49.43799, 7.76190), (49.44198, 7.76217), "blind_cane"),
}
SEEDS = (1, 2, 3)
MAIN_WITHIN_M = 15.0
WRONG_TURN_WITHIN_M = 30.0


@pytest.fixture(scope="module")
def app(kl_graph_file, tmp_path_factory):
    return create_app({"GRAPH_PATH": str(kl_graph_file), "DATA_DIR": str(tmp_path_factory.mktemp("replay"))})


def _replay(app, name: str, **kwargs) -> SimResult:
    origin, destination, profile = ROUTES[name]
    graph = app.extensions["lotse.graphs"].graph
    return simulate(FlaskClient(app), origin, destination, SimConfig(profile=profile, **kwargs), graph)


def _dist(said, location) -> float:
    lon, lat = location
    return float(haversine_m(said.lat, said.lon, lat, lon))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_replay_says_every_instruction_once_in_order_near_its_point(app, name, seed):
    result = _replay(app, name, seed=seed, noise_m=5.0, interval_s=1.0)
    timeline = format_timeline(result)
    steps = result.routes[0]["steps"]
    assert len(steps) >= 5, timeline

    # no false off-route on the correct path, and one route throughout
    assert result.off_route_at == [], timeline
    assert len(result.routes) == 1, timeline

    # every maneuver's main instruction exactly once, in order, within 15 m of its point
    mains = result.mains()
    assert [s.step for s in mains] == list(range(len(steps))), timeline
    for s in mains:
        assert _dist(s, steps[s.step]["location"]) <= MAIN_WITHIN_M, (s, timeline)
        assert not s.late, (s, timeline)

    # a pre-announcement comes after the previous maneuver's instruction and before its own
    order = {(s.kind, s.step): i for i, s in enumerate(result.said)}
    pres = [s for s in result.said if s.kind == "pre"]
    assert len(pres) >= len(steps) // 2, timeline
    for s in pres:
        assert order[("main", s.step - 1)] <= order[("pre", s.step)] < order[("main", s.step)], timeline

    # arrival once, at the end
    assert result.arrived, timeline
    assert result.said[-1].kind == "main" and result.said[-1].step == len(steps) - 1 and result.said[-1].arrived
    assert [s.text for s in result.said].count(steps[-1]["text"]["main"]) == 1, timeline


#: name -> the step where the walker goes another way
WRONG_TURNS = {
    "hbf_rathaus": 7,
    "kennedyplatz_stiftskirche": 7,
    "mainzer_tor_pfalztheater": 8,
    "stadtpark_marienkirche": 3,
}


@pytest.mark.parametrize("name", sorted(WRONG_TURNS))
def test_a_wrong_turn_is_noticed_within_30_m_and_a_new_route_leads_to_the_goal(app, name):
    result = _replay(app, name, seed=7, noise_m=5.0, interval_s=1.0, wrong_turn_at=WRONG_TURNS[name])
    timeline = format_timeline(result)
    wrong = result.wrong_turn
    assert wrong is not None and wrong.detected_after_m is not None, timeline
    assert wrong.detected_after_m <= WRONG_TURN_WITHIN_M, timeline
    # not before the wrong turn: the walk up to it was on the route
    assert all(at >= wrong.walked_at_m for at in result.off_route_at), timeline
    assert len(result.routes) >= 2, timeline
    off = [s for s in result.said if s.kind == "off_route"]
    assert off and off[0].route_version == 1, timeline
    # with the off-route notice comes the way to go: relative to the walker's heading (the replay
    # sends headings), and no instruction of the new route that counts from another direction
    at_notice = [s for s in result.said if s.t == off[0].t and s.route_version == 1]
    assert [s.kind for s in at_notice][:2] == ["off_route", "direction"], timeline
    assert not any(s.kind == "main" for s in at_notice), timeline
    # instructions of the old route up to the wrong turn were said, in order
    mains = [s.step for s in result.mains(0)]
    assert mains == list(range(len(mains))) and mains[-1] >= WRONG_TURNS[name], timeline
    last = result.routes[-1]["steps"][-1]["text"]["main"]
    assert result.arrived and [s.text for s in result.said].count(last) == 1, timeline


def test_sparse_fixes_say_what_lies_ahead_not_what_was_passed(app):
    """One fix every 15 s (a phone in a pocket): a maneuver passed between two fixes is not announced
    afterwards ("Überqueren Sie jetzt ..." for a street already crossed would be false); the walker hears
    how the way goes on, the instructions that are said come in order, and the arrival always comes."""
    result = _replay(app, "hbf_rathaus", seed=4, noise_m=5.0, interval_s=15.0)
    timeline = format_timeline(result)
    steps = result.routes[0]["steps"]
    assert result.off_route_at == [], timeline
    mains = [s.step for s in result.mains()]
    assert mains == sorted(set(mains)) and mains[-1] == len(steps) - 1, timeline
    assert not any(s.late for s in result.mains() if s.step < len(steps) - 1), timeline
    assert len(mains) < len(steps), timeline  # some were passed between fixes ...
    assert any(s.kind == "reassure" for s in result.said), timeline  # ... and the way on was said instead
    assert result.arrived, timeline
