"""Routing on the real OSM extracts in ../shared/osm (Kaiserslautern 2013, Herrenberg 2021)."""

from __future__ import annotations

import numpy as np
import pytest

from routing.geo import haversine_m
from routing.graph import CompiledGraph, code
from routing.pipeline import build_from_osm
from routing.router import Router

pytestmark = pytest.mark.realdata

KL_HBF = (49.43598, 7.76893)  # Kaiserslautern Hauptbahnhof
KL_RATHAUS = (49.44566, 7.76869)  # bus stop Rathaus
HB_RATHAUS = (48.59651, 8.87040)  # Herrenberg, Rathaus on the Marktplatz (old town)
HB_BAHNHOF = (48.59404, 8.86424)  # Herrenberg, information point at the station


def _build(shared_dir, tmp_path_factory, name: str) -> CompiledGraph:
    """Build, save and load back: the routes below run on the file format."""
    graph = build_from_osm(shared_dir / "osm" / name)
    path = tmp_path_factory.mktemp("graphs") / (name.split(".")[0] + ".npz")
    graph.save(path)
    return CompiledGraph.load(path)


@pytest.fixture(scope="session")
def kl_graph(shared_dir, tmp_path_factory) -> CompiledGraph:
    return _build(shared_dir, tmp_path_factory, "kaiserslautern.osm.gz")


@pytest.fixture(scope="session")
def hb_graph(shared_dir, tmp_path_factory) -> CompiledGraph:
    return _build(shared_dir, tmp_path_factory, "herrenberg.osm.pbf")


@pytest.fixture(scope="session")
def kl_router(kl_graph) -> Router:
    return Router(kl_graph)


def _dist(a, b) -> float:
    return float(haversine_m(a[0], a[1], b[0], b[1]))


def _check_route(router: Router, origin, destination):
    route = router.plan(origin, destination)
    straight = _dist(origin, destination)
    assert straight <= route.distance_m <= 2 * straight, (route.distance_m, straight)
    assert _dist(route.coords[0], origin) < 30
    assert _dist(route.coords[-1], destination) < 30
    # the geometry is one connected line: no jumps between legs
    steps = haversine_m(route.coords[:-1, 0], route.coords[:-1, 1], route.coords[1:, 0], route.coords[1:, 1])
    assert float(steps.max()) < 200
    assert float(steps.sum()) == pytest.approx(route.distance_m, rel=0.02)
    return route


def test_kaiserslautern_graph(kl_graph):
    g = kl_graph
    assert g.n_nodes > 5000 and g.n_edges > 8000
    assert g.n_states == int(2 * g.edge_walkable.sum() - g.edge_oneway[g.edge_walkable].sum())
    south, west, north, east = g.meta["bounds"]
    assert (south, west, north, east) == pytest.approx((49.418, 7.717, 49.457, 7.821), abs=0.002)
    assert g.node_lat.min() >= south - 1e-6 and g.node_lat.max() <= north + 1e-6
    assert g.meta["source"] == "kaiserslautern.osm.gz"
    assert len(g.meta["places"]) > 100


def test_kaiserslautern_hbf_to_rathaus(kl_router):
    route = _check_route(kl_router, KL_HBF, KL_RATHAUS)
    assert 1000 < route.distance_m < 1600


def test_herrenberg_rathaus_to_bahnhof(hb_graph):
    south, west, north, east = hb_graph.meta["bounds"]
    for lat, lon in (HB_RATHAUS, HB_BAHNHOF):
        assert south < lat < north and west < lon < east
    route = _check_route(Router(hb_graph), HB_RATHAUS, HB_BAHNHOF)
    back = _check_route(Router(hb_graph), HB_BAHNHOF, HB_RATHAUS)
    assert back.distance_m == pytest.approx(route.distance_m, rel=0.05)


def test_kaiserslautern_random_routes(kl_graph, kl_router):
    g = kl_graph
    walk_nodes = np.unique(np.concatenate([g.state_from, g.state_to]))
    rng = np.random.default_rng(2024)
    for _ in range(50):
        a, b = rng.choice(walk_nodes, 2, replace=False)
        origin = (float(g.node_lat[a]), float(g.node_lon[a]))
        destination = (float(g.node_lat[b]), float(g.node_lon[b]))
        route = kl_router.plan(origin, destination)
        assert route.distance_m >= _dist(origin, destination) - 0.5
        assert _dist(route.coords[0], origin) < 1 and _dist(route.coords[-1], destination) < 1


def test_kaiserslautern_signalised_crossings(kl_graph):
    g = kl_graph
    signals = g.trans_cross_control == code("control", "signals")
    assert signals.sum() > 100
    assert g.trans_cross_mapped[signals].all()
    assert (g.trans_cross_control == code("control", "none")).sum() > 1000, "unmarked junction crossings"
    assert (g.trans_cross_sound == code("tristate", "yes")).sum() == 0, "the 2013 data has no sound tags"


def test_herrenberg_acoustic_signals(hb_graph):
    g = hb_graph
    yes = code("tristate", "yes")
    assert (g.node_cross_sound == yes).sum() == 5
    with_sound = g.trans_cross_sound == yes
    assert with_sound.sum() > 0
    assert (g.trans_cross_control[with_sound] == code("control", "signals")).all()
    assert g.trans_cross_mapped[with_sound].all()
    # all five nodes with a sound signal are crossed at some transition, with their sound
    sound_nodes = set(np.flatnonzero(g.node_cross_sound == yes).tolist())
    assert sound_nodes <= set(g.trans_node[with_sound].tolist())


def test_herrenberg_marktplatz_point_next_to_the_path_is_reached_without_a_u_turn(hb_graph):
    """The square's outline passes the Bronngasse's end 0.11 m off (OSM nodes 3469864038, 243274156).

    Before they were joined at build time, the route to this point of the
    Marktplatz passed within 5 m, went ~31 m on and turned back.
    """
    from routing.maneuvers import find_maneuvers

    assert any("outline nodes of squares" in w for w in hb_graph.meta["warnings"])
    router = Router(hb_graph)
    route = router.plan((48.5940387, 8.8642448), (48.5961514, 8.8700728), "walk")
    kinds = [m.kind for m in find_maneuvers(hb_graph, route)]
    assert "uturn" not in kinds, kinds
    assert route.distance_m < 540, "580 m with the detour past the square and back"


def test_herrenberg_zob_beacon_says_the_stop_once(hb_graph):
    """A beacon 1 m from a platform of 'Herrenberg ZOB': the stop is said by the beacon's label only."""
    from routing.maneuvers import find_maneuvers
    from voice import render

    m_lat = 1 / 111195.08
    beacon = {"kind": "beacon", "name": "Bushaltestelle ZOB, Bstg. 3", "lat": 48.5942815 + m_lat,
              "lon": 8.8643447, "id": "hb-zob", "beacon_kind": "bus_stop"}
    router = Router(hb_graph)
    origin = (beacon["lat"], beacon["lon"])
    ms = find_maneuvers(hb_graph, router.plan(origin, (48.5961514, 8.8700728), "walk"), extra_landmarks=[beacon])
    said = " ".join(g.main + " " + g.post for g in render(ms, "de", directions="relative"))
    assert "Sie sind an der Bushaltestelle ZOB, Bussteig 3" in said
    assert "Herrenberg ZOB" not in said, said
