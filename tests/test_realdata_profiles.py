"""Profiles on real data: Kaiserslautern (street centrelines) and Herrenberg (separate sidewalks, crossing ways).

* crossing detection gives plausible counts on both kinds of data;
* ``blind_cane`` takes signalised crossings and avoids unsignalised crossings
  of major roads wherever a reasonable detour allows, and the audit shows it;
* ``wheelchair`` never uses steps;
* ``walk`` is the shortest route (networkx agrees within a metre).
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pytest

from routing.audit import audit_route
from routing.graph import NO_CROSSING, CompiledGraph, code, decode
from routing.maneuvers import find_maneuvers
from routing.pipeline import build_from_osm
from routing.profiles import resolve
from routing.router import NoRouteError, Router

pytestmark = pytest.mark.realdata

PAIRS = 30
MAX_DETOUR = 1.5


@pytest.fixture(scope="module")
def kl(shared_dir) -> Router:
    return Router(build_from_osm(shared_dir / "osm" / "kaiserslautern.osm.gz"))


@pytest.fixture(scope="module")
def hb(shared_dir) -> Router:
    return Router(build_from_osm(shared_dir / "osm" / "herrenberg.osm.pbf"))


def crossing_counts(g: CompiledGraph) -> Counter:
    """Transitions that cross a road, by control ("unmapped" where nothing is mapped)."""
    x = g.trans_cross_control != NO_CROSSING
    return Counter(decode("control", c) if m else "unmapped"
                   for c, m in zip(g.trans_cross_control[x], g.trans_cross_mapped[x]))


def pairs(g: CompiledGraph, seed: int, n: int = PAIRS) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    rng = np.random.default_rng(seed)
    out = []
    for a, b in rng.integers(0, g.n_nodes, size=(n, 2)):
        out.append(((float(g.node_lat[a]), float(g.node_lon[a])), (float(g.node_lat[b]), float(g.node_lon[b]))))
    return out


def audited(router: Router, origin, destination, profile: str):
    route = router.plan(origin, destination, resolve(profile))
    return route, audit_route(router.graph, route, find_maneuvers(router.graph, route))


def test_crossing_detection_counts_kaiserslautern(kl):
    g = kl.graph
    counts = crossing_counts(g)
    print("Kaiserslautern crossing transitions:", dict(counts))
    # centreline data: most crossings are at junctions where nothing is mapped
    assert counts["unmapped"] > 1000
    assert counts["signals"] > 300, "signal nodes at and near junctions give their control"
    assert counts["zebra"] > 10 and counts["unknown"] > 20
    assert sum(counts.values()) < 0.1 * g.n_transitions
    assert g.trans_cross_major[g.trans_cross_control != NO_CROSSING].sum() > 300


def test_crossing_detection_counts_herrenberg(hb):
    g = hb.graph
    counts = crossing_counts(g)
    print("Herrenberg crossing transitions:", dict(counts))
    assert counts["signals"] > 50 and counts["zebra"] > 5 and counts["uncontrolled"] > 3
    # crossing ways meet the road at their crossing node: that road is crossed, with the node's facts
    cross_way = code("way_kind", "crossing")
    on_way = (g.edge_kind[g.state_edge[g.trans_from]] == cross_way) & (g.trans_cross_control != NO_CROSSING)
    assert on_way.sum() > 10
    assert (g.trans_cross_control[on_way] == code("control", "signals")).mean() > 0.5
    assert (g.trans_cross_sound[on_way] == code("tristate", "yes")).any()


@pytest.mark.parametrize("city, seed", [("kl", 11), ("hb", 12)])
def test_blind_routes_avoid_unsignalised_major_crossings(request, city, seed):
    router: Router = request.getfixturevalue(city)
    totals = Counter()
    for origin, destination in pairs(router.graph, seed):
        try:
            walk_route, walk = audited(router, origin, destination, "walk")
            blind_route, blind = audited(router, origin, destination, "blind_cane")
        except NoRouteError:
            continue
        totals["routes"] += 1
        totals["walk_major"] += walk["major_road_crossings_without_signals"]
        totals["blind_major"] += blind["major_road_crossings_without_signals"]
        totals["walk_signals"] += walk["crossings_by_control"]["signals"]
        totals["blind_signals"] += blind["crossings_by_control"]["signals"]
        totals["walk_implied"] += walk["major_road_crossings_implied"]
        totals["blind_implied"] += blind["major_road_crossings_implied"]
        assert blind["detour_factor"] is not None, "the audit reports the detour"
        assert blind["detour_factor"] == pytest.approx(blind_route.distance_m / walk_route.distance_m, rel=1e-2)
        assert blind["detour_factor"] >= 1.0 - 1e-6
        if (blind["major_road_crossings_without_signals"] > walk["major_road_crossings_without_signals"]
                and blind["detour_factor"] <= MAX_DETOUR):
            # e.g. a zebra over a main road instead of many unmapped side-street crossings: allowed, but rare
            totals["more_major_than_walk"] += 1
        if blind["detour_factor"] > MAX_DETOUR:
            totals["long_detours"] += 1
    print(city, dict(totals))
    assert totals["routes"] >= PAIRS - 3
    assert totals["more_major_than_walk"] <= 2, totals
    assert totals["blind_major"] < totals["walk_major"] or totals["walk_major"] == 0
    # side switches implied on centrelines: blind routes may differ by a few from walk routes, not many
    assert totals["blind_implied"] <= totals["walk_implied"] + 3, totals


@pytest.mark.parametrize("city, seed", [("kl", 21), ("hb", 22)])
def test_wheelchair_never_uses_steps(request, city, seed):
    router: Router = request.getfixturevalue(city)
    g = router.graph
    steps = code("way_kind", "steps")
    planned = 0
    for origin, destination in pairs(g, seed):
        try:
            route, result = audited(router, origin, destination, "wheelchair")
        except NoRouteError:
            continue  # reachable only by steps
        planned += 1
        assert not any(g.edge_kind[g.state_edge[leg.state]] == steps for leg in route.legs)
        assert result["steps"]["flights"] == 0
    assert planned >= PAIRS // 2


@pytest.mark.parametrize("city, seed", [("kl", 31), ("hb", 32)])
def test_walk_is_the_shortest_route(request, city, seed):
    router: Router = request.getfixturevalue(city)
    g = router.graph
    G = nx.DiGraph()
    for s in range(g.n_states):
        a, b, length = int(g.state_from[s]), int(g.state_to[s]), float(g.edge_len[g.state_edge[s]])
        if not G.has_edge(a, b) or G[a][b]["length"] > length:
            G.add_edge(a, b, length=length)
    rng = np.random.default_rng(seed)
    nodes = np.array(sorted(G.nodes))
    checked = 0
    for a, b in rng.choice(nodes, size=(PAIRS, 2)):
        try:
            expected = nx.shortest_path_length(G, int(a), int(b), weight="length")
        except nx.NetworkXNoPath:
            continue
        route = router.plan((float(g.node_lat[a]), float(g.node_lon[a])),
                            (float(g.node_lat[b]), float(g.node_lon[b])), "walk", detour=False)
        assert route.distance_m == pytest.approx(expected, abs=1.0), (a, b)
        checked += 1
    assert checked >= PAIRS - 3
