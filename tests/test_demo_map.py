"""Checks of the hand-made demo map ``data/demo.osm``.

The demo map is the map the service runs on without arguments and the map
on which features are demonstrated and golden-tested, so these tests pin
what it must contain: the features and their tags, the node ids documented
in ``data/README.md``, one connected walkable network, and the geometry of
the test situations (unmarked shortcut vs signalised detour, steps vs ramp).
"""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import osmium
import pytest

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo.osm"

# Node ids documented in data/README.md (stable: tests and docs use them).
JUNCTION = 100  # Mainzer Straße x Pariser Straße, highway=traffic_signals
CROSSING_SOUND = 101  # signalised crossing of Mainzer Straße, sound + vibration
UNMARKED = 102  # footway meets Mainzer Straße, nothing mapped
CROSSING_NO_SOUND = 103  # signalised crossing of Pariser Straße, sound unknown
ZEBRA = 104  # zebra crossing of Pariser Straße, island
UNCONTROLLED = 105  # crossing=uncontrolled of Benzinoring
MARKED = 106  # crossing=marked of Schillerstr.
JUNCTION_UNSIGNALISED = 107  # Mainzer Straße x Am Altenhof x Benzinoring
STEPS_BOTTOM, STEPS_TOP, RAMP_TOP = 110, 111, 112
ELEVATOR = 113
STEPS2_UPPER, STEPS2_LOWER = 114, 115
BUS_STOP_RATHAUS, BUS_STOP_MARKTPLATZ = 120, 121
TOWNHALL, PHARMACY = 122, 123
BOLLARD, KERB_RAISED = 124, 125
ROUTE_ORIGIN, ROUTE_DEST = 130, 131  # Marktplatz SE corner, Benzinoring NE corner
CROSSING_SOUND_NORTH, CROSSING_SOUND_SOUTH = 132, 133

EARTH_RADIUS_M = 6_371_008.8  # as in routing.geo; kept local so the test needs no install


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(a, 1.0)))


def local_xy(lat: float, lon: float) -> tuple[float, float]:
    """Metres east and north of the map's origin (49.4430, 7.7600)."""
    m_per_deg = math.pi * EARTH_RADIUS_M / 180.0
    return ((lon - 7.7600) * m_per_deg * math.cos(math.radians(49.4430)),
            (lat - 49.4430) * m_per_deg)


NOT_WALKABLE_HIGHWAYS = {"motorway", "motorway_link", "trunk", "trunk_link",
                         "construction", "proposed", "raceway", "bus_guideway"}
FOOT_ALLOWED = {"yes", "designated", "permissive"}


@dataclass
class Node:
    id: int
    lat: float
    lon: float
    tags: dict[str, str]


@dataclass
class Way:
    id: int
    refs: list[int]
    tags: dict[str, str]


@dataclass
class DemoMap:
    nodes: dict[int, Node]
    ways: dict[int, Way]

    def ways_with(self, **tags: str) -> list[Way]:
        return [w for w in self.ways.values()
                if all(w.tags.get(k.replace("__", ":")) == v for k, v in tags.items())]

    def nodes_with(self, **tags: str) -> list[Node]:
        return [n for n in self.nodes.values()
                if all(n.tags.get(k.replace("__", ":")) == v for k, v in tags.items())]

    def ways_through(self, node_id: int) -> list[Way]:
        return [w for w in self.ways.values() if node_id in w.refs]

    def length(self, a: int, b: int) -> float:
        na, nb = self.nodes[a], self.nodes[b]
        return haversine_m(na.lat, na.lon, nb.lat, nb.lon)


def is_walkable(tags: dict[str, str]) -> bool:
    hw = tags.get("highway")
    if hw is None or hw in NOT_WALKABLE_HIGHWAYS:
        return False
    if tags.get("foot") == "no":
        return False
    if tags.get("access") in {"private", "no"} and tags.get("foot") not in FOOT_ALLOWED:
        return False
    return True


@pytest.fixture(scope="module")
def demo() -> DemoMap:
    nodes: dict[int, Node] = {}
    ways: dict[int, Way] = {}
    for obj in osmium.FileProcessor(str(DEMO)).with_locations():
        tags = {t.k: t.v for t in obj.tags}
        if obj.is_node():
            nodes[obj.id] = Node(obj.id, obj.location.lat, obj.location.lon, tags)
        elif obj.is_way():
            ways[obj.id] = Way(obj.id, [n.ref for n in obj.nodes], tags)
    return DemoMap(nodes, ways)


@pytest.fixture(scope="module")
def walk_graph(demo: DemoMap) -> nx.Graph:
    g = nx.Graph()
    for w in demo.ways.values():
        if is_walkable(w.tags):
            for a, b in zip(w.refs, w.refs[1:]):
                g.add_edge(a, b, length=demo.length(a, b), way=w.id)
    return g


# --------------------------------------------------------------------------- file


def test_xml_is_osm_0_6_with_bounds_and_versions():
    root = ET.parse(DEMO).getroot()
    assert root.tag == "osm" and root.get("version") == "0.6"
    bounds = root.find("bounds")
    assert bounds is not None
    minlat, minlon, maxlat, maxlon = (float(bounds.get(k))
                                      for k in ("minlat", "minlon", "maxlat", "maxlon"))
    ids = set()
    for el in root:
        if el.tag in ("node", "way", "relation"):
            assert el.get("version") == "1", el.attrib
            key = (el.tag, el.get("id"))
            assert key not in ids, f"duplicate {key}"
            ids.add(key)
        if el.tag == "node":
            lat, lon = float(el.get("lat")), float(el.get("lon"))
            assert minlat <= lat <= maxlat and minlon <= lon <= maxlon, el.attrib
    # invented spot around 49.4430, 7.7600, roughly 500 m x 400 m
    assert minlat < 49.4430 < maxlat and minlon < 7.7600 < maxlon
    ew = haversine_m(49.443, minlon, 49.443, maxlon)
    ns = haversine_m(minlat, 7.76, maxlat, 7.76)
    assert 450 < ew < 560 and 350 < ns < 460


def test_all_way_refs_exist_and_ways_are_sane(demo: DemoMap):
    for w in demo.ways.values():
        assert len(w.refs) >= 2, w.id
        assert "highway" in w.tags, w.id
        for ref in w.refs:
            assert ref in demo.nodes, (w.id, ref)
        for a, b in zip(w.refs, w.refs[1:]):
            assert 1.0 < demo.length(a, b) < 200.0, (w.id, a, b)


def test_no_ways_cross_without_a_shared_node(demo: DemoMap):
    shapely = pytest.importorskip("shapely.geometry")
    def xy(nid):
        return local_xy(demo.nodes[nid].lat, demo.nodes[nid].lon)

    lines = {w.id: shapely.LineString([xy(r) for r in w.refs]) for w in demo.ways.values()}
    for a, b in itertools.combinations(lines, 2):
        inter = lines[a].intersection(lines[b])
        if inter.is_empty:
            continue
        assert inter.geom_type in ("Point", "MultiPoint"), (a, b, inter.geom_type)
        shared = set(demo.ways[a].refs) & set(demo.ways[b].refs)
        for p in getattr(inter, "geoms", [inter]):
            assert any(math.dist((p.x, p.y), xy(s)) < 0.1 for s in shared), (a, b, p)


# --------------------------------------------------------------------------- streets


@pytest.mark.parametrize("name, highway", [
    ("Mainzer Straße", "secondary"),
    ("Pariser Straße", "tertiary"),
    ("Fauthweg", "residential"),
    ("Benzinoring", "residential"),
    ("Am Altenhof", "living_street"),
    ("Marktplatz", "pedestrian"),
    ("Schillerstr.", "residential"),
])
def test_named_streets(demo: DemoMap, name: str, highway: str):
    ways = demo.ways_with(name=name)
    assert ways, name
    assert {w.tags["highway"] for w in ways} == {highway}


def test_street_details(demo: DemoMap):
    for w in demo.ways_with(name="Mainzer Straße"):
        assert w.tags["maxspeed"] == "50" and w.tags["lanes"] == "2"
    for w in demo.ways_with(name="Pariser Straße"):
        assert w.tags["maxspeed"] == "50"
    assert demo.ways_with(name="Mainzer Straße", sidewalk="separate")
    # the abbreviated name is only abbreviated: no unabbreviated duplicate
    assert not demo.ways_with(name="Schillerstraße")
    # Benzinoring forms a loop
    ring = nx.Graph()
    for w in demo.ways_with(name="Benzinoring"):
        nx.add_path(ring, w.refs)
    assert nx.cycle_basis(ring)
    # Marktplatz: a closed pedestrian area with footways/paths joining its ring
    (square,) = demo.ways_with(name="Marktplatz", highway="pedestrian")
    assert square.tags["area"] == "yes" and square.refs[0] == square.refs[-1]
    joining = {w.id for r in set(square.refs) for w in demo.ways_through(r)
               if w.id != square.id and w.tags["highway"] in ("footway", "path", "steps")}
    assert len(joining) >= 3
    assert demo.ways_with(highway="service", surface="asphalt")
    assert any(w.tags.get("highway") == "footway" and "name" not in w.tags
               for w in demo.ways.values())


def test_four_arm_signalised_junction(demo: DemoMap):
    j = demo.nodes[JUNCTION]
    assert j.tags["highway"] == "traffic_signals"
    roads = demo.ways_through(JUNCTION)
    assert {w.tags["name"] for w in roads} == {"Mainzer Straße", "Pariser Straße"}
    arms = sum((w.refs[0] == JUNCTION or w.refs[-1] == JUNCTION) + 2 * (JUNCTION in w.refs[1:-1])
               for w in roads)
    assert arms == 4
    assert len(demo.ways_through(JUNCTION_UNSIGNALISED)) == 4  # two Mainzer, Am Altenhof, Benzinoring
    assert not demo.nodes[JUNCTION_UNSIGNALISED].tags


# --------------------------------------------------------------------------- crossings


def _crossing_way_through(demo: DemoMap, node_id: int) -> Way:
    (way,) = [w for w in demo.ways_through(node_id) if w.tags.get("footway") == "crossing"]
    return way


def _road_names_through(demo: DemoMap, node_id: int) -> set[str]:
    return {w.tags.get("name") for w in demo.ways_through(node_id)
            if w.tags.get("footway") is None and w.tags["highway"] not in ("footway", "path")}


def test_signalised_crossing_with_sound(demo: DemoMap):
    tags = demo.nodes[CROSSING_SOUND].tags
    assert tags == {
        "highway": "crossing", "crossing": "traffic_signals",
        "traffic_signals:sound": "yes", "traffic_signals:vibration": "yes",
        "tactile_paving": "yes", "button_operated": "yes",
        "crossing:island": "no", "kerb": "lowered",
    }
    assert _road_names_through(demo, CROSSING_SOUND) == {"Mainzer Straße"}
    (road,) = [w for w in demo.ways_through(CROSSING_SOUND) if w.tags["highway"] == "secondary"]
    assert road.tags["sidewalk"] == "separate"
    assert JUNCTION in road.refs
    crossing = _crossing_way_through(demo, CROSSING_SOUND)
    assert crossing.refs == [CROSSING_SOUND_NORTH, CROSSING_SOUND, CROSSING_SOUND_SOUTH]
    for end in (crossing.refs[0], crossing.refs[-1]):
        assert any(w.tags.get("footway") == "sidewalk" for w in demo.ways_through(end)), end
    assert 12 < demo.length(JUNCTION, CROSSING_SOUND) + 1e-6 < 30


def test_signalised_crossing_sound_unknown(demo: DemoMap):
    tags = demo.nodes[CROSSING_NO_SOUND].tags
    assert tags["highway"] == "crossing" and tags["crossing"] == "traffic_signals"
    assert not any(k.startswith("traffic_signals:") for k in tags)
    assert _road_names_through(demo, CROSSING_NO_SOUND) <= {"Mainzer Straße", "Pariser Straße"}
    crossing = _crossing_way_through(demo, CROSSING_NO_SOUND)
    assert not any(k.startswith("traffic_signals:") for k in crossing.tags)


def test_zebra_crossing(demo: DemoMap):
    tags = demo.nodes[ZEBRA].tags
    assert tags["crossing"] == "zebra" and tags["crossing_ref"] == "zebra"
    assert tags["tactile_paving"] == "no" and tags["crossing:island"] == "yes"
    assert _road_names_through(demo, ZEBRA) == {"Pariser Straße"}
    _crossing_way_through(demo, ZEBRA)


def test_unmarked_crossing_footway(demo: DemoMap):
    assert demo.nodes[UNMARKED].tags == {}
    ways = demo.ways_through(UNMARKED)
    assert _road_names_through(demo, UNMARKED) == {"Mainzer Straße"}
    footways = [w for w in ways if w.tags["highway"] == "footway"]
    assert len(footways) == 2
    for w in footways:
        assert UNMARKED in (w.refs[0], w.refs[-1])  # one ends, the other begins there
        assert "footway" not in w.tags and "crossing" not in w.tags
        for ref in w.refs:
            assert "crossing" not in demo.nodes[ref].tags
            assert demo.nodes[ref].tags.get("highway") != "crossing"


def test_residential_crossings(demo: DemoMap):
    assert demo.nodes[UNCONTROLLED].tags["crossing"] == "uncontrolled"
    assert demo.nodes[MARKED].tags["crossing"] == "marked"
    for node_id, street in ((UNCONTROLLED, "Benzinoring"), (MARKED, "Schillerstr.")):
        assert _road_names_through(demo, node_id) == {street}
        road = [w for w in demo.ways_through(node_id) if w.tags.get("name") == street]
        assert road[0].tags["highway"] == "residential"
        _crossing_way_through(demo, node_id)


def test_every_crossing_node_is_on_a_road_and_a_crossing_way(demo: DemoMap):
    crossing_nodes = [n.id for n in demo.nodes_with(highway="crossing")]
    assert sorted(crossing_nodes) == [CROSSING_SOUND, CROSSING_NO_SOUND, ZEBRA,
                                      UNCONTROLLED, MARKED]
    for nid in crossing_nodes:
        assert _road_names_through(demo, nid), nid
        assert _crossing_way_through(demo, nid).tags["highway"] == "footway"


# --------------------------------------------------------------------------- steps, surfaces, details


def test_steps_with_handrail_and_ramp(demo: DemoMap):
    steps = [w for w in demo.ways_with(highway="steps") if w.tags.get("step_count") == "12"]
    assert len(steps) == 1
    (s,) = steps
    assert s.refs == [STEPS_BOTTOM, STEPS_TOP]
    for k, v in {"handrail:right": "yes", "handrail:left": "no", "incline": "up",
                 "surface": "paving_stones", "tactile_paving": "yes"}.items():
        assert s.tags[k] == v, k
    (ramp,) = demo.ways_with(highway="footway", incline="6%")
    assert ramp.refs[0] == STEPS_BOTTOM and ramp.refs[-1] == RAMP_TOP
    (terrace,) = [w for w in demo.ways_through(STEPS_TOP) if w.id != s.id]
    assert RAMP_TOP in terrace.refs  # both reach the same upper level


def test_second_flight_unknown(demo: DemoMap):
    others = [w for w in demo.ways_with(highway="steps") if w.tags.get("step_count") != "12"]
    assert len(others) == 1
    (w,) = others
    assert w.refs == [STEPS2_UPPER, STEPS2_LOWER]
    assert "step_count" not in w.tags
    assert not any(k.startswith("handrail") for k in w.tags)


def test_surfaces_width_lit_and_shared_path(demo: DemoMap):
    surfaces = {w.tags.get("surface") for w in demo.ways.values()}
    assert {"asphalt", "sett", "cobblestone", "gravel", "paving_stones"} <= surfaces
    assert demo.ways_with(name="Marktplatz", surface="sett")
    assert demo.ways_with(name="Am Altenhof", surface="cobblestone")
    assert demo.ways_with(highway="path", surface="gravel")
    assert demo.ways_with(highway="footway", width="0.8")
    assert demo.ways_with(highway="footway", lit="yes")
    assert demo.ways_with(highway="footway", lit="no")
    assert demo.ways_with(highway="path", foot="designated", bicycle="designated", segregated="no")


def test_bus_stops_and_places(demo: DemoMap):
    rathaus = demo.nodes[BUS_STOP_RATHAUS]
    assert rathaus.tags["highway"] == "bus_stop" and rathaus.tags["public_transport"] == "platform"
    assert rathaus.tags["name"] == "Rathaus"
    assert rathaus.tags["tactile_paving"] == "yes" and rathaus.tags["shelter"] == "yes"
    assert any(w.tags.get("footway") == "sidewalk" for w in demo.ways_through(BUS_STOP_RATHAUS))
    markt = demo.nodes[BUS_STOP_MARKTPLATZ]
    assert markt.tags["highway"] == "bus_stop" and markt.tags["name"] == "Marktplatz"
    townhall = demo.nodes[TOWNHALL].tags
    assert townhall["amenity"] == "townhall" and townhall["name"] == "Rathaus"
    assert demo.nodes[PHARMACY].tags["amenity"] == "pharmacy"
    assert demo.nodes[PHARMACY].tags["name"] == "Löwen-Apotheke"


def test_barriers_and_elevator(demo: DemoMap):
    assert demo.nodes[BOLLARD].tags["barrier"] == "bollard"
    kerb = demo.nodes[KERB_RAISED].tags
    assert kerb["barrier"] == "kerb" and kerb["kerb"] == "raised" and kerb["kerb:height"] == "0.12"
    assert demo.nodes[ELEVATOR].tags["highway"] == "elevator"
    for nid in (BOLLARD, KERB_RAISED, ELEVATOR):
        assert any(w.tags["highway"] == "footway" for w in demo.ways_through(nid)), nid


def test_not_walkable_ways_exist(demo: DemoMap):
    assert demo.ways_with(foot="no")
    private = [w for w in demo.ways_with(highway="service", access="private")]
    assert any("foot" not in w.tags for w in private)
    assert any(w.tags.get("foot") == "yes" for w in private)
    assert demo.ways_with(highway="motorway_link")
    assert demo.ways_with(highway="construction")
    verdicts = {w.id: is_walkable(w.tags) for w in demo.ways.values()}
    assert sum(not v for v in verdicts.values()) == 4
    assert all(is_walkable(w.tags) for w in private if w.tags.get("foot") == "yes")


# --------------------------------------------------------------------------- network


def test_walkable_network_is_connected(demo: DemoMap, walk_graph: nx.Graph):
    assert nx.is_connected(walk_graph)
    for nid in (JUNCTION, CROSSING_SOUND, UNMARKED, CROSSING_NO_SOUND, ZEBRA, UNCONTROLLED,
                MARKED, STEPS_BOTTOM, STEPS_TOP, ELEVATOR, BUS_STOP_RATHAUS, BOLLARD,
                KERB_RAISED, ROUTE_ORIGIN, ROUTE_DEST):
        assert nid in walk_graph, nid


def test_unmarked_shortcut_vs_signalised_detour(demo: DemoMap, walk_graph: nx.Graph):
    short = nx.shortest_path(walk_graph, ROUTE_ORIGIN, ROUTE_DEST, weight="length")
    short_len = nx.path_weight(walk_graph, short, "length")
    assert UNMARKED in short and CROSSING_SOUND not in short
    without = walk_graph.copy()
    without.remove_node(UNMARKED)
    detour = nx.shortest_path(without, ROUTE_ORIGIN, ROUTE_DEST, weight="length")
    detour_len = nx.path_weight(without, detour, "length")
    assert CROSSING_SOUND in detour
    assert 1.2 <= detour_len / short_len <= 1.4
    assert short_len == pytest.approx(100.0, abs=0.5)
    assert detour_len == pytest.approx(130.1, abs=0.5)


def test_ramp_longer_than_steps(demo: DemoMap, walk_graph: nx.Graph):
    steps_len = walk_graph.edges[STEPS_BOTTOM, STEPS_TOP]["length"]
    (ramp,) = demo.ways_with(highway="footway", incline="6%")
    ramp_len = sum(demo.length(a, b) for a, b in zip(ramp.refs, ramp.refs[1:]))
    assert ramp_len > steps_len
    via_steps = steps_len + nx.shortest_path_length(walk_graph, STEPS_TOP, RAMP_TOP, weight="length")
    assert 1.1 < ramp_len / via_steps < 1.6  # a bit longer, between the same two levels
