"""Cost rules of the profiles, each pinned on a small hand-made map, and the search that uses them.

Maps are drawn on a metre grid (``osm_doc``: x east, y north) and built with
``routing.pipeline.build_from_osm``. Routes are checked by the OSM nodes they
pass through.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.costs import CostCache, compute_costs, crossing_costs, penalised, route_cost
from routing.graph import NO_CROSSING, code
from routing.profiles import resolve
from routing.router import NoRouteError, Router
from routing.search import Endpoint, search_towards, shortest_path

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo.osm"

SIGNALS_WITH_SOUND = {"highway": "crossing", "crossing": "traffic_signals", "traffic_signals:sound": "yes",
                      "tactile_paving": "yes"}


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def index(g, osm_id: int) -> int:
    hits = np.flatnonzero(g.node_osm == osm_id)
    assert len(hits) == 1, f"node {osm_id} is not a graph node"
    return int(hits[0])


def at(g, osm_id: int) -> tuple[float, float]:
    i = index(g, osm_id)
    return float(g.node_lat[i]), float(g.node_lon[i])


def passes(g, route) -> set[int]:
    """OSM ids of the graph nodes a route passes through (including where legs start and end)."""
    out = set()
    for leg in route.legs:
        out.add(int(g.node_osm[g.state_from[leg.state]]))
        out.add(int(g.node_osm[g.state_to[leg.state]]))
    return out


def plan(router: Router, a: int, b: int, profile: str = "walk", **options):
    g = router.graph
    return router.plan(at(g, a), at(g, b), resolve(profile, options or None))


def uses_steps(g, route) -> bool:
    steps = code("way_kind", "steps")
    return any(g.edge_kind[g.state_edge[leg.state]] == steps for leg in route.legs)


# ---------------------------------------------------------------------------
# crossings
# ---------------------------------------------------------------------------

def crossing_map(osm_doc, road: str, detour_x: float, signal_tags: dict | None = None, **road_tags: str) -> str:
    """Origin 1 north and destination 3 south of a road; the straight way crosses it at the
    untagged node 2, the detour at node 6 (``detour_x`` m east), a signalised crossing."""
    nodes = {
        1: (0, 50), 2: (0, 0), 3: (0, -50), 4: (detour_x, 50), 5: (detour_x, -50),
        6: (detour_x, 0, signal_tags or SIGNALS_WITH_SOUND), 8: (-300, 0), 9: (detour_x + 300, 0),
    }
    ways = {
        10: ([8, 2, 6, 9], {"highway": road, "name": "Hauptstraße", "sidewalk": "both", "maxspeed": "50",
                            **road_tags}),
        20: ([1, 2], {"highway": "footway"}), 21: ([2, 3], {"highway": "footway"}),
        22: ([1, 4], {"highway": "footway"}), 23: ([4, 6], {"highway": "footway"}),
        24: ([6, 5], {"highway": "footway"}), 25: ([5, 3], {"highway": "footway"}),
    }
    return osm_doc(nodes, ways)


def test_blind_route_switches_to_the_signalised_crossing(osm_doc, compile_xml):
    router = Router(compile_xml(crossing_map(osm_doc, "secondary", 40)))
    g = router.graph
    walk = plan(router, 1, 3, "walk")
    assert 2 in passes(g, walk) and 6 not in passes(g, walk)
    assert walk.distance_m == pytest.approx(100, abs=0.5)
    for profile in ("blind_cane", "guide_dog", "low_vision"):
        blind = plan(router, 1, 3, profile)
        assert 6 in passes(g, blind) and 2 not in passes(g, blind), profile
        assert blind.distance_m == pytest.approx(180, abs=1)
        assert blind.audit["detour_factor"] == pytest.approx(1.8, abs=0.02)


def test_blind_route_makes_no_threefold_detour_across_a_quiet_street(osm_doc, compile_xml):
    router = Router(compile_xml(crossing_map(osm_doc, "residential", 100)))
    g = router.graph
    blind = plan(router, 1, 3, "blind_cane")
    assert 2 in passes(g, blind), "300 m instead of 100 m to avoid crossing a residential street"
    assert blind.distance_m == pytest.approx(100, abs=0.5)
    # ... but a user who asks for it gets the detour
    careful = plan(router, 1, 3, "blind_cane", crossing_unmarked=300)
    assert 6 in passes(g, careful)


def test_forbidding_unsignalised_major_crossings(osm_doc, compile_xml):
    # the signalised crossing is 2 km away: normally the blind route crosses at the unmarked node
    router = Router(compile_xml(crossing_map(osm_doc, "primary", 2000)))
    g = router.graph
    assert 2 in passes(g, plan(router, 1, 3, "blind_cane"))
    forbidden = plan(router, 1, 3, "blind_cane", forbid_unsignalised_major_crossings=True)
    assert 6 in passes(g, forbidden) and 2 not in passes(g, forbidden)
    assert forbidden.audit["detour_factor"] > 30
    # without any signalised crossing there is no route at all (the road itself is not walkable here:
    # on a walkable centreline a route could join it on one side and leave it on the other, which
    # costs road_join_share but cannot be forbidden, the side being unknown)
    router = Router(compile_xml(crossing_map(osm_doc, "primary", 40, {"highway": "crossing", "crossing": "unmarked"},
                                             sidewalk="separate", foot="use_sidepath")))
    assert 2 in passes(router.graph, plan(router, 1, 3, "blind_cane"))
    with pytest.raises(NoRouteError):
        plan(router, 1, 3, "blind_cane", forbid_unsignalised_major_crossings=True)


def two_crossings_map(osm_doc, west: dict | None, east: dict | None) -> str:
    """Two crossings of a residential street, 30 m west and east of the line from 1 to 3: equal lengths."""
    nodes = {
        1: (0, 60), 3: (0, -60), 4: (-30, 60), 5: (-30, -60), 6: (-30, 0, west or {}),
        14: (30, 60), 15: (30, -60), 16: (30, 0, east or {}), 8: (-300, 0), 9: (300, 0),
    }
    ways = {
        10: ([8, 6, 16, 9], {"highway": "residential", "name": "Gartenstraße", "sidewalk": "both"}),
        20: ([1, 4, 6, 5, 3], {"highway": "footway"}),
        21: ([1, 14, 16, 15, 3], {"highway": "footway"}),
    }
    return osm_doc(nodes, ways)


UNKNOWN_KIND = {"highway": "crossing"}
UNMARKED = {"highway": "crossing", "crossing": "unmarked"}
ZEBRA = {"highway": "crossing", "crossing": "zebra", "tactile_paving": "yes"}
SIGNALS_SILENT = {"highway": "crossing", "crossing": "traffic_signals", "traffic_signals:sound": "no",
                  "tactile_paving": "yes"}
SIGNALS_SOUND_UNKNOWN = {"highway": "crossing", "crossing": "traffic_signals", "tactile_paving": "yes"}


@pytest.mark.parametrize(
    "better, worse",
    [
        (SIGNALS_WITH_SOUND, UNKNOWN_KIND),
        (UNKNOWN_KIND, UNMARKED),
        (UNKNOWN_KIND, None),  # a crossing node of unknown kind beats an unmapped crossing
        (SIGNALS_WITH_SOUND, SIGNALS_SOUND_UNKNOWN),
        (SIGNALS_SOUND_UNKNOWN, SIGNALS_SILENT),
        (SIGNALS_WITH_SOUND, ZEBRA),
        (ZEBRA, UNMARKED),
        ({**ZEBRA, "crossing:island": "yes"}, ZEBRA),
        ({**ZEBRA}, {**ZEBRA, "tactile_paving": "no"}),
    ],
)
def test_blind_route_takes_the_better_of_two_equal_crossings(osm_doc, compile_xml, better, worse):
    for west, east, side in ((better, worse, 6), (worse, better, 16)):
        router = Router(compile_xml(two_crossings_map(osm_doc, west, east)))
        route = plan(router, 1, 3, "blind_cane")
        assert side in passes(router.graph, route), (better, worse)


def test_unknown_crossing_costs_between_signals_and_unmarked():
    p = resolve("blind_cane").params
    c = {k: code("control", k) for k in ("signals", "unknown", "none", "zebra")}
    yes, unk = code("tristate", "yes"), code("tristate", "unknown")
    n = 4
    control = np.array([c["signals"], c["unknown"], c["none"], c["none"]], dtype=np.int8)
    mapped = np.array([True, True, True, False])
    cost = crossing_costs(p, control, mapped, np.ones(n), np.zeros(n, bool),
                          np.array([yes, unk, unk, unk], dtype=np.int8), np.full(n, unk, np.int8),
                          np.array([code("tactile", "yes")] + [code("tactile", "unknown")] * 3, dtype=np.int8),
                          np.full(n, unk, np.int8), np.full(n, code("kerb", "unknown"), np.int8))
    signals, unknown, unmarked, unmapped = cost
    assert signals == pytest.approx(p["crossing_signals"])
    assert signals < unknown < unmarked < unmapped, "unmapped = unmarked plus the price of not knowing"
    assert unmapped - unmarked == pytest.approx(p["unknown_crossing"])


def test_crossing_cost_rises_with_road_danger():
    p = resolve("blind_cane").params
    none, unk = code("control", "none"), code("tristate", "unknown")
    danger = np.array([0.3, 1.0, 2.0, 3.0, 4.8])  # living street ... primary with 4 lanes
    n = len(danger)
    cost = crossing_costs(p, np.full(n, none, np.int8), np.zeros(n, bool), danger, np.zeros(n, bool),
                          np.full(n, unk, np.int8), np.full(n, unk, np.int8), np.full(n, unk, np.int8),
                          np.full(n, unk, np.int8), np.full(n, unk, np.int8))
    assert (np.diff(cost) > 0).all()
    fixed = p["unknown_crossing"] + p["unknown_tactile_paving"]
    assert cost[3] - fixed == pytest.approx(300), "an unmarked crossing of a primary road costs 300 s"
    no_crossing = crossing_costs(p, np.array([NO_CROSSING], np.int8), np.array([False]), np.ones(1),
                                 np.zeros(1, bool), *(np.zeros(1, np.int8),) * 5)
    assert no_crossing[0] == 0


def test_walk_pays_nothing_for_crossings(osm_doc, compile_xml):
    g = compile_xml(crossing_map(osm_doc, "primary", 40))
    costs = compute_costs(g, resolve("walk"))
    assert (costs.trans == 0).all()
    assert np.allclose(costs.state, g.edge_len[g.state_edge] / 1.3)


# ---------------------------------------------------------------------------
# steps
# ---------------------------------------------------------------------------

def steps_map(osm_doc, steps_tags: dict, ramp_detour: float = 10) -> str:
    """From 1 (bottom) to 3 (top): steps 1-2 (8 m) and a terrace 2-3 (26 m), or a ramp 1-4-3."""
    nodes = {1: (0, 0), 2: (8, 0), 3: (34, 0), 4: (17, -ramp_detour)}
    ways = {
        50: ([1, 2], {"highway": "steps", "incline": "up", **steps_tags}),
        51: ([2, 3], {"highway": "footway", "surface": "paving_stones"}),
        52: ([1, 4, 3], {"highway": "footway", "surface": "paving_stones", "ramp": "yes"}),
    }
    return osm_doc(nodes, ways)


def test_steps_or_ramp_by_profile(osm_doc, compile_xml):
    router = Router(compile_xml(steps_map(osm_doc, {"step_count": "12", "handrail": "yes"})))
    g = router.graph
    assert uses_steps(g, plan(router, 1, 3, "walk")), "walk takes the shorter steps"
    assert uses_steps(g, plan(router, 3, 1, "walk"))
    assert uses_steps(g, plan(router, 1, 3, "blind_cane")), "12 steps with a handrail or a 16 % longer ramp"
    assert uses_steps(g, plan(router, 3, 1, "blind_cane"))
    for a, b in ((1, 3), (3, 1)):
        route = plan(router, a, b, "wheelchair")
        assert not uses_steps(g, route) and route.distance_m == pytest.approx(39.4, abs=0.5)


def test_blind_prefers_a_ramp_to_steps_without_handrail(osm_doc, compile_xml):
    router = Router(compile_xml(steps_map(osm_doc, {"step_count": "12", "handrail": "no"})))
    assert not uses_steps(router.graph, plan(router, 1, 3, "blind_cane"))
    assert uses_steps(router.graph, plan(router, 1, 3, "walk"))


def test_blind_takes_steps_with_handrail_only_if_not_much_longer(osm_doc, compile_xml):
    # the ramp is now barely longer than the steps: 34.0 vs 34.1 m
    router = Router(compile_xml(steps_map(osm_doc, {"step_count": "12", "handrail": "yes"}, ramp_detour=1)))
    assert not uses_steps(router.graph, plan(router, 1, 3, "blind_cane"))


def test_wheelchair_never_steps_even_for_a_long_detour(osm_doc, compile_xml):
    router = Router(compile_xml(steps_map(osm_doc, {"step_count": "3", "handrail": "yes"}, ramp_detour=200)))
    route = plan(router, 1, 3, "wheelchair")
    assert not uses_steps(router.graph, route) and route.distance_m > 10 * 34
    costs = router.costs.get(resolve("wheelchair"))
    steps = code("way_kind", "steps")
    assert np.isinf(costs.state[router.graph.edge_kind[router.graph.state_edge] == steps]).all()


def test_step_costs_count_steps_and_price_unknowns(osm_doc, compile_xml):
    p = resolve("blind_cane").params

    def flight_cost(tags: dict) -> tuple[float, float]:
        """(cost of walking up the steps, cost of the terrace) for blind_cane."""
        g = compile_xml(steps_map(osm_doc, tags))
        costs = compute_costs(g, resolve("blind_cane"))
        up = int(np.flatnonzero((g.state_from == index(g, 1)) & (g.state_to == index(g, 2)))[0])
        down = int(np.flatnonzero((g.state_from == index(g, 2)) & (g.state_to == index(g, 1)))[0])
        assert costs.state[up] == pytest.approx(costs.state[down]), "up or down, the same flight"
        return float(costs.state[up]), float(g.edge_len[g.state_edge[up]])

    s12, length = flight_cost({"step_count": "12", "handrail": "yes"})
    s40, _ = flight_cost({"step_count": "40", "handrail": "yes"})
    s_unknown, _ = flight_cost({"handrail": "yes"})
    s_no_rail, _ = flight_cost({"step_count": "12", "handrail": "no"})
    s_rail_unknown, _ = flight_cost({"step_count": "12"})
    walking = length * (1 / p["walking_speed"] + p["unknown_surface_per_m"])
    assert s12 == pytest.approx(walking + p["steps_flight"] + 12 * p["step_cost"], rel=1e-4)
    assert s40 - s12 == pytest.approx(28 * p["step_cost"], rel=1e-4), "each step costs"
    assert s_unknown == pytest.approx(walking + p["steps_flight"] + p["steps_count_unknown"], rel=1e-4), \
        "unknown count: a fixed cost"
    assert s_no_rail - s12 == pytest.approx(p["steps_no_handrail"], rel=1e-4)
    assert s_rail_unknown - s12 == pytest.approx(p["steps_handrail_unknown"], rel=1e-4)
    assert 0 < p["steps_handrail_unknown"] < p["steps_no_handrail"]


def test_a_flight_split_in_two_edges_is_one_flight(osm_doc, compile_xml):
    xml = osm_doc({1: (0, 0), 2: (4, 0), 3: (8, 0), 4: (30, 0)},
                  {50: ([1, 2], {"highway": "steps", "handrail": "no"}),
                   51: ([2, 3], {"highway": "steps", "handrail": "no"}),
                   52: ([3, 4], {"highway": "footway"})})
    g = compile_xml(xml)
    costs = compute_costs(g, resolve("blind_cane"))
    first = _state_cost(g, costs, 1, 2)
    second = _state_cost(g, costs, 2, 3)
    assert first - second == pytest.approx(resolve("blind_cane")["steps_flight"] + 10 + 30, rel=1e-3)


# ---------------------------------------------------------------------------
# turns
# ---------------------------------------------------------------------------

def turns_map(osm_doc) -> str:
    """From 1 (0, 0) to 9 (100, 100): a staircase of 7 turns (200 m) or an L with one turn (205 m)."""
    stair = [(0, 0), (25, 0), (25, 25), (50, 25), (50, 50), (75, 50), (75, 75), (100, 75), (100, 100)]
    nodes = {1: (0, 0), 9: (100, 100), 20: (0, 105)}
    for i, xy in enumerate(stair[1:-1], start=10):
        nodes[i] = xy
    chain = [1] + list(range(10, 17)) + [9]
    ways = {100 + k: ([a, b], {"highway": "footway"}) for k, (a, b) in enumerate(zip(chain, chain[1:]))}
    ways[2] = ([1, 20], {"highway": "footway"})  # separate ways: turns are at graph nodes
    ways[3] = ([20, 9], {"highway": "footway"})
    return osm_doc(nodes, ways)


def test_turn_penalty_prefers_the_simpler_route(osm_doc, compile_xml):
    router = Router(compile_xml(turns_map(osm_doc)))
    g = router.graph
    walk = plan(router, 1, 9, "walk")
    assert 13 in passes(g, walk) and walk.distance_m == pytest.approx(200, abs=1)
    blind = plan(router, 1, 9, "blind_cane")
    assert 20 in passes(g, blind), "one turn is worth 5 m"
    assert 13 in passes(g, plan(router, 1, 9, "blind_cane", turn_cost=0)), "a per-request option changes it"


# ---------------------------------------------------------------------------
# ways, surfaces, points (per metre and per point)
# ---------------------------------------------------------------------------

WAYS = {
    "footway": {"highway": "footway", "surface": "asphalt"},
    "roadway": {"highway": "residential", "sidewalk": "no", "surface": "asphalt"},
    "separate": {"highway": "residential", "sidewalk": "separate", "surface": "asphalt"},
    "sidewalk_unknown": {"highway": "residential", "surface": "asphalt"},
    "with_sidewalk": {"highway": "residential", "sidewalk": "both", "surface": "asphalt"},
    "living": {"highway": "living_street", "surface": "asphalt"},
    "shared": {"highway": "path", "foot": "designated", "bicycle": "designated", "segregated": "no",
               "surface": "asphalt"},
    "segregated": {"highway": "path", "foot": "designated", "bicycle": "designated", "segregated": "yes",
                   "surface": "asphalt"},
    "sett": {"highway": "footway", "surface": "sett"},
    "gravel": {"highway": "footway", "surface": "gravel"},
    "surface_unknown": {"highway": "footway"},
    "narrow": {"highway": "footway", "surface": "asphalt", "width": "0.8"},
    "unlit": {"highway": "footway", "surface": "asphalt", "lit": "no"},
    "long_footway": {"highway": "footway", "surface": "asphalt"},
    "long_roadway": {"highway": "residential", "sidewalk": "no", "surface": "asphalt"},
}


@pytest.fixture(scope="module")
def ways_graph(tmp_path_factory):
    """Each kind of way from a common west node, 50 m long (the long ones 100 m), plus an area and a bollard."""
    from routing.pipeline import build_from_osm
    from tests.conftest import _latlon, _tags

    lines = ["<?xml version='1.0' encoding='UTF-8'?>", '<osm version="0.6" generator="lotse-tests">']
    ids: dict[str, int] = {}

    def node(nid, x, y, tags=None):
        lat, lon = _latlon(x, y)
        lines.append(f'<node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">{_tags(tags)}</node>')

    node(1, 0, 0)
    for k, (name, tags) in enumerate(WAYS.items()):
        length = 100 if name.startswith("long") else 50
        angle = np.radians(10 * k)
        node(100 + k, length * np.cos(angle), length * np.sin(angle))
        lines.append(f'<way id="{200 + k}" version="1"><nd ref="1"/><nd ref="{100 + k}"/>{_tags(tags)}</way>')
        ids[name] = 100 + k
    # an open pedestrian area (closed way) and a footway with a bollard
    node(301, 0, -10), node(302, -50, -10), node(303, -50, -60), node(304, 0, -60)
    lines.append('<way id="300" version="1"><nd ref="1"/><nd ref="301"/>'
                 f'{_tags({"highway": "footway", "surface": "asphalt"})}</way>')
    lines.append('<way id="301" version="1">' + "".join(f'<nd ref="{r}"/>' for r in (301, 302, 303, 304, 301))
                 + f'{_tags({"highway": "pedestrian", "area": "yes", "surface": "asphalt"})}</way>')
    node(401, 0, 25, {"barrier": "bollard"}), node(402, 0, 50)
    lines.append('<way id="400" version="1"><nd ref="1"/><nd ref="401"/><nd ref="402"/>'
                 f'{_tags({"highway": "footway", "surface": "asphalt"})}</way>')
    lines.append("</osm>")
    path = tmp_path_factory.mktemp("ways") / "ways.osm"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return build_from_osm(path), ids


def _state_cost(g, costs, a: int, b: int) -> float:
    s = np.flatnonzero((g.state_from == index(g, a)) & (g.state_to == index(g, b)))
    assert len(s) == 1
    return float(costs.state[s[0]])


def test_per_metre_penalties_of_ways_and_surfaces(ways_graph):
    g, ids = ways_graph
    p = resolve("blind_cane").params
    costs = compute_costs(g, resolve("blind_cane"))
    per_m = {name: _state_cost(g, costs, 1, nid) / 50.0 for name, nid in ids.items() if not name.startswith("long")}
    base = per_m["footway"]
    assert base == pytest.approx(1 / p["walking_speed"], rel=1e-3)
    extra = {name: round(v - base, 3) for name, v in per_m.items()}
    assert extra["roadway"] == pytest.approx(p["roadway_per_m"])
    # sidewalk=separate: the roadway itself, and more: the sidewalk is right beside it (danger >= 1)
    assert extra["separate"] >= p["roadway_per_m"] + p["separate_sidewalk_roadway_per_m"] - 1e-6
    assert extra["sidewalk_unknown"] == pytest.approx(p["unknown_sidewalk_per_m"])
    assert 0 < extra["sidewalk_unknown"] < extra["roadway"], "unknown sidewalk costs less than none"
    assert extra["with_sidewalk"] == 0
    assert extra["living"] == pytest.approx(p["living_street_per_m"])
    assert extra["shared"] == pytest.approx(p["shared_path_per_m"])
    assert 0 < extra["segregated"] < extra["shared"]
    assert extra["sett"] == pytest.approx(p["rough_surface_per_m"])
    assert extra["gravel"] == pytest.approx(p["unpaved_per_m"])
    assert extra["surface_unknown"] == pytest.approx(p["unknown_surface_per_m"]) and extra["surface_unknown"] > 0
    assert extra["narrow"] == pytest.approx(p["narrow_per_m"])
    assert extra["unlit"] == 0, "blind_cane does not mind light"
    low = compute_costs(g, resolve("low_vision"))
    assert _state_cost(g, low, 1, ids["unlit"]) > _state_cost(g, low, 1, ids["footway"])


def test_per_metre_penalties_scale_with_length(ways_graph):
    g, ids = ways_graph
    costs = compute_costs(g, resolve("blind_cane"))
    extra_short = _state_cost(g, costs, 1, ids["roadway"]) - _state_cost(g, costs, 1, ids["footway"])
    extra_long = _state_cost(g, costs, 1, ids["long_roadway"]) - _state_cost(g, costs, 1, ids["long_footway"])
    assert extra_long == pytest.approx(2 * extra_short, rel=1e-3)


def test_open_area_and_barrier(ways_graph):
    g, _ = ways_graph
    p = resolve("blind_cane").params
    costs = compute_costs(g, resolve("blind_cane"))
    area = np.flatnonzero(g.edge_area[g.state_edge])
    assert len(area)
    per_m = costs.state[area] / g.edge_len[g.state_edge[area]]
    assert per_m == pytest.approx(1 / p["walking_speed"] + p["open_area_per_m"], rel=1e-3)
    to_bollard = _state_cost(g, costs, 1, 401)
    from_bollard = _state_cost(g, costs, 401, 402)
    assert to_bollard - from_bollard == pytest.approx(p["barrier"], rel=1e-3), "charged once, on reaching it"


def test_wheelchair_width_limit(ways_graph):
    g, ids = ways_graph
    costs = compute_costs(g, resolve("wheelchair"))
    assert np.isinf(_state_cost(g, costs, 1, ids["narrow"]))
    assert np.isfinite(_state_cost(g, costs, 1, ids["footway"]))
    relaxed = compute_costs(g, resolve("wheelchair", {"min_width": 0.5}))
    assert np.isfinite(_state_cost(g, relaxed, 1, ids["narrow"]))


# ---------------------------------------------------------------------------
# the demo map (data/README.md)
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_router():
    from routing.pipeline import build_from_osm

    return Router(build_from_osm(DEMO))


def test_demo_unmarked_shortcut_vs_signalised_detour(demo_router):
    g = demo_router.graph
    walk = plan(demo_router, 130, 131, "walk")
    assert 102 in passes(g, walk) and walk.distance_m == pytest.approx(100.0, abs=0.5)
    for profile in ("blind_cane", "guide_dog", "low_vision", "wheelchair"):
        route = plan(demo_router, 130, 131, profile)
        assert 101 in passes(g, route) and 102 not in passes(g, route), profile
        assert route.distance_m == pytest.approx(130.1, abs=0.5)
        assert route.audit["detour_factor"] == pytest.approx(1.30, abs=0.01)


def test_demo_steps_vs_ramp(demo_router):
    g = demo_router.graph
    for a, b in ((110, 112), (112, 110)):
        walk = plan(demo_router, a, b, "walk")
        assert uses_steps(g, walk) and walk.distance_m == pytest.approx(34.0, abs=0.5)
        assert uses_steps(g, plan(demo_router, a, b, "blind_cane")), "12 steps with a handrail"
        wheel = plan(demo_router, a, b, "wheelchair")
        assert not uses_steps(g, wheel) and wheel.distance_m == pytest.approx(46.0, abs=0.5)


# ---------------------------------------------------------------------------
# cache, overlay, alternatives' helpers
# ---------------------------------------------------------------------------

class BlockEdge:
    """A minimal :class:`routing.costs.Overlay`: one edge impassable."""

    def __init__(self, *edges: int):
        self.edges = edges
        self.edge = edges[0]
        self.version = f"block-{edges}"

    def apply(self, graph, state_cost, hazard_cost_s):
        cost = state_cost.copy()
        states = graph.edge_state[list(self.edges)].ravel()
        cost[states[states >= 0]] = np.inf
        return cost


def test_cost_cache_and_overlay(demo_router):
    g = demo_router.graph
    cache = CostCache(g)
    blind = resolve("blind_cane")
    first = cache.get(blind)
    assert cache.get(resolve("blind_cane")) is first, "one computation per profile and options"
    assert cache.get(resolve("blind_cane", {"turn_cost": 20})) is not first
    # block the signalised crossing way: the blind route goes round by the signalised junction
    signal_edges = np.flatnonzero(g.edge_cross_control == code("control", "signals"))
    crossing_101 = [e for e in signal_edges if int(g.node_osm[g.edge_u[e]]) in (132, 101)
                    or int(g.node_osm[g.edge_v[e]]) in (132, 101)]
    overlay = BlockEdge(*(int(e) for e in crossing_101))  # both halves of the crossing way
    blocked = cache.get(blind, overlay)
    assert cache.get(blind, overlay) is blocked
    assert np.isinf(blocked.state).sum() > np.isinf(first.state).sum()
    assert not np.isinf(first.state).any(), "the cached profile costs are untouched"
    route = demo_router.plan(at(g, 130), at(g, 131), blind, overlay=overlay)
    assert not set(overlay.edges) & {int(g.state_edge[leg.state]) for leg in route.legs}
    # the detour by the signalised junction is 1.64x: with unmarked crossings of the main road forbidden it is taken
    strict = resolve("blind_cane", {"forbid_unsignalised_major_crossings": True})
    route = demo_router.plan(at(g, 130), at(g, 131), strict, overlay=overlay)
    assert 100 in passes(g, route) and 102 not in passes(g, route)


def test_penalised_costs_and_route_cost(demo_router):
    g = demo_router.graph
    costs = demo_router.costs.get(resolve("blind_cane"))
    route = plan(demo_router, 130, 131, "blind_cane")
    assert route_cost(g, costs, route.legs) == pytest.approx(route.cost, rel=1e-6)
    states = np.array([leg.state for leg in route.legs])
    dear = penalised(g, costs, states, 3.0)
    assert (dear.state[states] == pytest.approx(3 * costs.state[states]))
    assert route_cost(g, dear, route.legs) > route.cost


# ---------------------------------------------------------------------------
# search: the compiled A* finds what scipy's Dijkstra finds
# ---------------------------------------------------------------------------

def _dijkstra_cost(matrix, starts, ends) -> float:
    """Reference: scipy's Dijkstra from a virtual source row over the same arcs."""
    if not starts or not ends:
        return np.inf
    n = matrix.shape[0]
    aug = csr_matrix(
        (np.concatenate((matrix.data, [max(s.cost, 1e-9) for s in starts])),
         np.concatenate((matrix.indices, [s.state for s in starts])),
         np.concatenate((matrix.indptr, [matrix.indptr[-1] + len(starts)]))), shape=(n + 1, n + 1))
    dist = dijkstra(aug, indices=n)
    return min(dist[e.state] + e.cost for e in ends)


def test_astar_equals_dijkstra(demo_router):
    g = demo_router.graph
    rng = np.random.default_rng(3)
    checked = 0
    for profile in ("walk", "blind_cane", "wheelchair"):
        costs = demo_router.costs.get(resolve(profile))
        for a, b in rng.integers(0, g.n_nodes, size=(40, 2)):
            starts = [Endpoint(int(s), 0.0) for s in np.flatnonzero(g.state_from == a)]
            ends = [Endpoint(int(s), 0.0) for s in np.flatnonzero(g.state_to == b)]
            expected = _dijkstra_cost(costs.matrix, starts, ends)
            plain = shortest_path(costs.matrix, starts, ends)
            fast = search_towards(costs, demo_router.costs.plane, starts, ends,
                                  (float(g.node_lat[b]), float(g.node_lon[b])))
            if not np.isfinite(expected):
                assert plain is None and fast is None
                continue
            checked += 1
            assert plain.cost == pytest.approx(expected, rel=1e-9, abs=1e-6), (profile, a, b)
            assert fast.cost == pytest.approx(expected, rel=1e-9, abs=1e-6), (profile, a, b)
            # the path is a chain of arcs whose weights add up to the cost
            weights = [costs.matrix[u, v] for u, v in zip(fast.states, fast.states[1:])]
            assert all(w > 0 for w in weights)
            assert fast.start.cost + sum(weights) + fast.end.cost == pytest.approx(fast.cost)
    assert checked > 60


def test_astar_settles_fewer_states_than_dijkstra(demo_router):
    g = demo_router.graph
    costs = demo_router.costs.get(resolve("walk"))
    a, b = index(g, 130), index(g, 131)
    starts = [Endpoint(int(s), 0.0) for s in np.flatnonzero(g.state_from == a)]
    ends = [Endpoint(int(s), 0.0) for s in np.flatnonzero(g.state_to == b)]
    plain = shortest_path(costs.matrix, starts, ends)
    fast = search_towards(costs, demo_router.costs.plane, starts, ends, (float(g.node_lat[b]), float(g.node_lon[b])))
    assert fast.cost == pytest.approx(plain.cost)
    assert fast.settled < plain.settled


def test_end_costs_and_a_start_behind_the_end_in_one_state(demo_router):
    """Endpoint costs count; one state as start and end is a path only if the end lies ahead."""
    g = demo_router.graph
    costs = demo_router.costs.get(resolve("walk"))
    s = int(np.flatnonzero(np.isfinite(costs.state))[0])
    full = float(costs.state[s])
    # as routing.router places points: a start costs the part of its state still to walk, an end
    # subtracts the part beyond it
    ahead = shortest_path(costs.matrix, [Endpoint(s, 0.75 * full)], [Endpoint(s, -0.25 * full)])  # 25 % -> 75 %
    assert ahead is not None and ahead.states == [s]
    assert ahead.cost == pytest.approx(0.5 * full)
    behind = shortest_path(costs.matrix, [Endpoint(s, 0.25 * full)], [Endpoint(s, -0.75 * full)])  # 75 % -> 25 %
    assert behind is None or behind.states != [s]


def test_a_square_as_destination_is_reached_at_its_edge(demo_router):
    """Arriving anywhere on the Marktplatz is arriving: no walk round its ring to the point that names it."""
    from routing.places import build_gazetteer

    g = demo_router.graph
    square = next(p for p in build_gazetteer(g).search("Marktplatz") if p.place.kind == "square").place
    assert square.area_edges
    ring = set(demo_router.area_nodes(square.area_edges).tolist())
    saved = []
    for origin in ((49.4430899, 7.7608299), at(g, 131), at(g, 112)):  # the pharmacy, NE corner, terrace
        to_point = demo_router.plan(origin, (square.lat, square.lon), resolve("blind_cane"))
        to_square = demo_router.plan(origin, (square.lat, square.lon), resolve("blind_cane"),
                                     arrive_on=square.area_edges)
        assert to_square.cost <= to_point.cost + 1e-6
        assert to_square.arrived_area == "Marktplatz" and to_point.arrived_area is None
        last = to_square.legs[-1]
        assert int(g.state_to[last.state]) in ring  # ends where it first meets the ring
        assert last.length_m == pytest.approx(float(g.edge_len[g.state_edge[last.state]]), abs=0.01)
        node = int(g.state_to[last.state])
        assert to_square.snapped_destination == (float(g.node_lat[node]), float(g.node_lon[node]))
        # before that node the route touches the ring nowhere
        assert not any(int(g.state_to[leg.state]) in ring for leg in to_square.legs[:-1])
        saved.append(to_point.distance_m - to_square.distance_m)
    assert max(saved) > 20.0, saved  # the point naming the square lies along its ring from some sides
