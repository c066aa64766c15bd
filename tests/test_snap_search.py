"""Snapping onto edges and searching routes on small hand-made graphs."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from routing.build import build_graph
from routing.geo import haversine_m
from routing.osm_import import read_osm
from routing.pipeline import build_from_osm
from routing.profiles import resolve
from routing.router import NoRouteError, Router
from routing.snap import SnapError, Snapper


@pytest.fixture
def long_footway(osm_doc, compile_xml):
    """One straight footway of 400 m from west to east: two nodes, one edge."""
    xml = osm_doc({1: (0, 0), 2: (400, 0)}, {10: ([1, 2], {"highway": "footway", "name": "Langer Weg"})})
    return compile_xml(xml), osm_doc.latlon


def test_snap_mid_edge_not_nearest_node(long_footway):
    g, latlon = long_footway
    snap = Snapper(g).snap(*latlon(200, 12))
    assert snap.edge == 0
    assert snap.fraction == pytest.approx(0.5, abs=0.005)
    assert snap.distance_m == pytest.approx(12, abs=0.2)
    assert snap.offset_m == pytest.approx(200, abs=2)
    lat, lon = latlon(200, 0)
    assert float(haversine_m(snap.lat, snap.lon, lat, lon)) < 1.0


def test_snap_fraction_follows_way_direction(long_footway):
    g, latlon = long_footway
    assert Snapper(g).snap(*latlon(100, -5)).fraction == pytest.approx(0.25, abs=0.005)
    assert Snapper(g).snap(*latlon(-30, 0)).fraction == 0.0, "beyond the end: the end point"


def test_snap_too_far(long_footway):
    g, latlon = long_footway
    with pytest.raises(SnapError) as info:
        Snapper(g).snap(*latlon(200, 500), max_distance_m=150)
    assert info.value.distance_m == pytest.approx(500, abs=2)
    message = str(info.value)
    assert "150 m" in message and f"{info.value.distance_m:.0f} m away" in message


def test_router_refuses_far_points(long_footway):
    g, latlon = long_footway
    with pytest.raises(SnapError, match="m away"):
        Router(g).plan(latlon(200, 1000), latlon(100, 0))


@pytest.mark.parametrize("a,b", [(100, 300), (300, 100)])
def test_route_on_one_edge_both_directions(long_footway, a, b):
    g, latlon = long_footway
    route = Router(g).plan(latlon(a, 5), latlon(b, -5))
    assert route.distance_m == pytest.approx(200, abs=1)
    assert len(route.legs) == 1
    assert bool(g.state_fwd[route.legs[0].state]) == (b > a)
    start, end = route.coords[0], route.coords[-1]
    assert float(haversine_m(start[0], start[1], *latlon(a, 0))) < 1
    assert float(haversine_m(end[0], end[1], *latlon(b, 0))) < 1
    assert route.duration_s == pytest.approx(route.distance_m / 1.3)


# ---------------------------------------------------------------------------
# a small grid against networkx
# ---------------------------------------------------------------------------


def _grid(osm_doc, size=5, step=60.0):
    """A ``size`` x ``size`` grid of footways with jittered nodes, a few missing links and diagonals."""
    rng = np.random.default_rng(7)
    nodes, ways = {}, {}
    nid = lambda i, j: 1 + i * size + j  # noqa: E731
    for i, j in itertools.product(range(size), range(size)):
        nodes[nid(i, j)] = (j * step + rng.uniform(-15, 15), i * step + rng.uniform(-15, 15))
    wid = 1000
    for i, j in itertools.product(range(size), range(size)):
        for di, dj in ((0, 1), (1, 0), (1, 1)):
            if i + di >= size or j + dj >= size:
                continue
            if (di, dj) == (1, 1) and rng.uniform() > 0.3:
                continue
            if (di, dj) != (1, 1) and rng.uniform() < 0.15:
                continue
            ways[wid] = ([nid(i, j), nid(i + di, j + dj)], {"highway": "footway"})
            wid += 1
    return osm_doc(nodes, ways), nodes


def test_grid_routes_equal_networkx_shortest_paths(osm_doc, write_osm):
    xml, nodes = _grid(osm_doc)
    path = write_osm(xml, "grid.osm")
    G = build_graph(read_osm(path))
    g = build_from_osm(path)
    router = Router(g)
    rng = np.random.default_rng(3)
    ids = sorted(G.nodes)
    pairs = [tuple(rng.choice(ids, 2, replace=False)) for _ in range(15)] + [(ids[0], ids[-1])]
    for a, b in pairs:
        expected = nx.shortest_path_length(G, int(a), int(b), weight="length_m")
        route = router.plan(osm_doc.latlon(*nodes[a][:2]), osm_doc.latlon(*nodes[b][:2]))
        assert route.distance_m == pytest.approx(expected, abs=0.05), (a, b)


# ---------------------------------------------------------------------------
# no route
# ---------------------------------------------------------------------------


def test_no_route_when_only_steps_connect(osm_doc, compile_xml):
    xml = osm_doc(
        {1: (0, 0), 2: (100, 0), 3: (110, 0), 4: (210, 0)},
        {
            10: ([1, 2], {"highway": "footway"}),
            11: ([2, 3], {"highway": "steps", "step_count": "12"}),
            12: ([3, 4], {"highway": "footway"}),
        },
    )
    g = compile_xml(xml)
    router = Router(g)
    a, b = osm_doc.latlon(50, 3), osm_doc.latlon(160, 3)
    assert router.plan(a, b).distance_m == pytest.approx(110, abs=1)
    with pytest.raises(NoRouteError):
        router.plan(a, b, resolve("walk", {"avoid_steps": True}))


def test_points_snap_past_forbidden_edges(osm_doc, compile_xml):
    """Next to the steps, avoid_steps snaps onto the footway instead."""
    xml = osm_doc(
        {1: (0, 0), 2: (100, 0), 3: (100, 40), 4: (200, 0)},
        {
            10: ([1, 2], {"highway": "footway"}),
            11: ([2, 3], {"highway": "steps"}),
            12: ([2, 4], {"highway": "footway"}),
        },
    )
    g = compile_xml(xml)
    route = Router(g).plan(osm_doc.latlon(103, 30), osm_doc.latlon(50, 0), resolve("walk", {"avoid_steps": True}))
    kinds = {g.meta["vocab"]["way_kind"][g.edge_kind[g.state_edge[leg.state]]] for leg in route.legs}
    assert "steps" not in kinds


def test_route_through_a_self_intersecting_way(osm_doc, compile_xml):
    """A figure-of-eight way is a junction where it crosses itself: no 600 m detour."""
    xml = osm_doc(
        {1: (0, 0), 2: (100, 0), 3: (200, 0), 4: (200, 100), 5: (100, 100), 6: (100, -100)},
        {10: ([1, 2, 3, 4, 5, 2, 6], {"highway": "footway"})},
    )
    router = Router(compile_xml(xml))
    assert router.plan(osm_doc.latlon(0, 0), osm_doc.latlon(100, -100)).distance_m == pytest.approx(200, abs=0.5)
    # a point on the loop is reached around the shorter side
    assert router.plan(osm_doc.latlon(0, 0), osm_doc.latlon(150, 100)).distance_m == pytest.approx(250, abs=0.5)
