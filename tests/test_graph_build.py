"""Building the networkx graph and compiling it: splits, attributes, crossings at junctions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from routing.build import build_graph
from routing.compile import compile_graph
from routing.graph import FORMAT_VERSION, NO_CROSSING, VOCAB, CompiledGraph, decode
from routing.osm_import import read_osm
from routing.pipeline import build_from_osm, drop_islands

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SPLIT = FIXTURES / "split.osm"


# ---------------------------------------------------------------------------
# helpers: find states and transitions by OSM node ids
# ---------------------------------------------------------------------------


def node_index(g: CompiledGraph, osm_id: int) -> int:
    hits = np.flatnonzero(g.node_osm == osm_id)
    assert len(hits) == 1, f"node {osm_id} is not a graph node"
    return int(hits[0])


def state(g: CompiledGraph, a: int, b: int) -> int:
    """The state walking from graph node ``a`` to ``b`` (OSM ids)."""
    hits = np.flatnonzero((g.state_from == node_index(g, a)) & (g.state_to == node_index(g, b)))
    assert len(hits) == 1, f"{len(hits)} states from {a} to {b}"
    return int(hits[0])


def transition(g: CompiledGraph, a: int, via: int, b: int) -> int:
    s_in, s_out = state(g, a, via), state(g, via, b)
    lo, hi = g.trans_indptr[s_in], g.trans_indptr[s_in + 1]
    hits = lo + np.flatnonzero(g.trans_to[lo:hi] == s_out)
    assert len(hits) == 1, f"no transition {a} -> {via} -> {b}"
    return int(hits[0])


def crossing(g: CompiledGraph, t: int) -> dict | None:
    """The crossing of transition ``t`` decoded, None when nothing is crossed."""
    if g.trans_cross_control[t] == NO_CROSSING:
        assert g.trans_cross_count[t] == 0
        return None
    return {
        "control": decode("control", g.trans_cross_control[t]),
        "sound": decode("tristate", g.trans_cross_sound[t]),
        "vibration": decode("tristate", g.trans_cross_vibration[t]),
        "tactile_paving": decode("tactile", g.trans_cross_tactile_paving[t]),
        "island": decode("tristate", g.trans_cross_island[t]),
        "mapped": bool(g.trans_cross_mapped[t]),
        "count": int(g.trans_cross_count[t]),
        "name": g.string(int(g.trans_cross_name[t])),
    }


@pytest.fixture(scope="module")
def split_nx():
    return build_graph(read_osm(SPLIT))


@pytest.fixture(scope="module")
def split_graph():
    return build_from_osm(SPLIT)


# ---------------------------------------------------------------------------
# splitting and attributes (networkx)
# ---------------------------------------------------------------------------


def test_ways_split_at_shared_and_tagged_nodes(split_nx):
    G = split_nx
    pairs = {frozenset((u, v)) for u, v in G.edges()}
    expected = {
        (1, 2), (2, 3), (3, 4), (4, 5),  # footway A: bollard 2, shared 3, kerb 4; 8 is not a split
        (3, 13), (13, 6),  # path B, split at the shared crossing node 13
        (7, 5), (5, 9),  # road R, split where the footways meet it
        (5, 10), (6, 11),
        (14, 16), (16, 13), (13, 15),  # street Q: crossing node 16 splits although no other way uses it
        (30, 31),
    }
    assert pairs == {frozenset(p) for p in expected}
    assert 8 not in G
    edge = G.edges[4, 5, 0]
    assert [round(c[1], 4) for c in edge["geometry"]] == [7.7615, 7.7617, 7.762]
    assert edge["length_m"] == pytest.approx(0.0005 * 111195 * np.cos(np.radians(49.44)), rel=1e-3)


def test_self_intersecting_and_closed_ways(osm_doc, write_osm):
    """A way passing a node twice is split there; a closed way becomes a loop at its end node."""
    xml = osm_doc(
        {1: (0, 0), 2: (100, 0), 3: (200, 0), 4: (200, 100), 5: (100, 100), 6: (100, -100),
         7: (0, 100), 8: (-50, 150), 9: (-100, 100), 20: (200, -100)},
        {
            10: ([1, 2, 3, 4, 5, 2, 6], {"highway": "footway"}),  # a figure of eight through 2
            11: ([1, 7, 8, 9, 7], {"highway": "footway"}),  # a lollipop ending on itself
            12: ([6, 6, 20], {"highway": "path"}),  # a repeated node
        },
    )
    G = build_graph(read_osm(write_osm(xml)))
    pairs = sorted(tuple(sorted(e)) for e in G.edges())
    assert pairs == [(1, 2), (1, 7), (2, 2), (2, 6), (6, 20), (7, 7)]
    assert G.edges[2, 2, 0]["length_m"] == pytest.approx(400, rel=1e-3)


def test_node_attributes(split_nx):
    G = split_nx
    assert G.nodes[2]["barrier"] == "bollard"
    assert G.nodes[4]["kerb"] == "lowered" and G.nodes[4]["kerb_height_m"] == pytest.approx(0.02)
    assert "crossing" not in G.nodes[4] and "barrier" not in G.nodes[4], "a kerb is not a barrier"
    c13 = G.nodes[13]["crossing"]
    assert c13["control"] == "uncontrolled" and c13["island"] == "no"
    assert c13["sound"] == c13["tactile_paving"] == c13["kerb"] == "unknown", "unknown stays unknown"
    assert c13["kerb_height_m"] is None
    assert G.nodes[16]["crossing"]["control"] == "unknown"
    assert "crossing" not in G.nodes[3] and "barrier" not in G.nodes[3]
    assert G.nodes[1]["lat"] == pytest.approx(49.44) and G.nodes[1]["lon"] == pytest.approx(7.76)


def test_edge_attributes(split_nx):
    G = split_nx
    a = G.edges[1, 2, 0]
    assert a["walkable"] and a["way_kind"] == "footway" and a["name"] == "Schlossweg"
    assert a["surface"] == "paved_rough" and a["lit"] == "yes" and a["width_m"] == 2.5
    assert "road_class" not in a
    b = G.edges[3, 13, 0]
    assert b["way_kind"] == "path"
    assert b["surface"] == b["lit"] == b["sidewalk"] == b["incline_dir"] == b["tactile_paving"] == "unknown"
    assert b["width_m"] is None
    r = G.edges[7, 5, 0]
    assert not r["walkable"] and r["way_kind"] == "road"
    assert r["road_class"] == "secondary" and r["maxspeed_kmh"] == 50 and r["lanes"] == 2 and r["major"]
    assert r["danger"] == pytest.approx(2.5)
    p = G.edges[6, 11, 0]
    assert not p["walkable"] and p["road_class"] == "residential", "a private street is still crossed"
    q = G.edges[16, 13, 0]
    assert q["walkable"] and q["way_kind"] == "street_sidewalk_unknown" and q["road_class"] == "residential"
    assert G.edges[14, 16, 0]["way_from"] == 14 and G.edges[13, 15, 0]["way_from"] == 13


def test_islands_dropped_with_warning(split_graph):
    g = split_graph
    assert 30 not in set(g.node_osm.tolist()) and 31 not in set(g.node_osm.tolist())
    assert any("1 walkable edges not connected" in w for w in g.meta["warnings"]), g.meta["warnings"]


def test_drop_islands_keeps_roads(split_nx):
    G = split_nx.copy()
    assert drop_islands(G) == 1
    assert G.has_edge(7, 5) and G.has_edge(6, 11), "roads with motor traffic stay for crossings"


# ---------------------------------------------------------------------------
# compiled graph
# ---------------------------------------------------------------------------


def test_non_walkable_edges_have_no_states(split_graph):
    g = split_graph
    walkable = np.flatnonzero(g.edge_walkable)
    assert g.n_states == 2 * len(walkable)
    for e in np.flatnonzero(~g.edge_walkable):
        assert tuple(g.edge_state[e]) == (-1, -1)
        assert g.edge_road_class[e] >= 0, "only roads are kept without being walkable"
    assert set(g.state_edge.tolist()) == set(walkable.tolist())
    assert int((~g.edge_walkable).sum()) == 3  # R (two edges) and the private street


def test_compiled_node_columns(split_graph):
    g = split_graph
    assert g.string(int(g.node_barrier[node_index(g, 2)])) == "bollard"
    assert decode("kerb", g.node_kerb[node_index(g, 4)]) == "lowered"
    assert g.node_kerb_height[node_index(g, 4)] == pytest.approx(0.02)
    assert np.isnan(g.node_kerb_height[node_index(g, 3)])
    assert decode("control", g.node_cross_control[node_index(g, 13)]) == "uncontrolled"
    assert g.node_cross_control[node_index(g, 3)] == NO_CROSSING


def test_footway_across_a_non_walkable_road_is_a_crossing(split_graph):
    g = split_graph
    c = crossing(g, transition(g, 4, 5, 10))
    assert c == {**c, "control": "none", "mapped": False, "count": 1, "name": "Mainzer Straße"}
    assert bool(g.trans_cross_major[transition(g, 4, 5, 10)])
    assert crossing(g, transition(g, 10, 5, 4))["count"] == 1


def test_crossing_node_shared_with_the_path(split_graph):
    g = split_graph
    c = crossing(g, transition(g, 3, 13, 6))
    assert c["control"] == "uncontrolled" and c["island"] == "no" and c["mapped"] and c["name"] == "Gartenweg"
    assert c["sound"] == "unknown" and c["tactile_paving"] == "unknown"
    # walking along the street through its own crossing node crosses nothing
    assert crossing(g, transition(g, 16, 13, 15)) is None


def test_save_load_round_trip(split_graph, tmp_path):
    g = split_graph
    path = tmp_path / "graph.npz"
    g.save(path)
    loaded = CompiledGraph.load(path)
    assert set(loaded.arrays) == set(g.arrays)
    for key, arr in g.arrays.items():
        other = loaded.arrays[key]
        assert other.dtype == arr.dtype, key
        assert other.shape == arr.shape, key
        assert np.array_equal(other, arr, equal_nan=arr.dtype.kind == "f"), key
    assert loaded.meta["format_version"] == FORMAT_VERSION
    expected_meta = json.loads(json.dumps(g.meta))
    assert {k: v for k, v in loaded.meta.items() if k != "format_version"} == expected_meta
    assert loaded.n_states == g.n_states and loaded.n_transitions == g.n_transitions
    assert not (tmp_path / "graph.npz.tmp").exists()


def test_a_loaded_graph_is_memory_mapped_copy_on_write(split_graph, tmp_path):
    """Workers serving one file share its pages; writing into an array changes neither file nor other loads."""
    import mmap

    path = tmp_path / "graph.npz"
    split_graph.save(path)
    loaded = CompiledGraph.load(path)

    def mapped(a: np.ndarray) -> bool:
        while a is not None:
            if isinstance(a, mmap.mmap):
                return True
            a = getattr(a, "base", None)
        return False

    big = [k for k, a in loaded.arrays.items() if a.size > 0]
    assert big and all(mapped(loaded.arrays[k]) for k in big)
    assert all(type(a) is np.ndarray for a in loaded.arrays.values())
    before = float(loaded.arrays["edge_len"][0])
    loaded.arrays["edge_len"][0] = -1.0
    assert float(CompiledGraph.load(path).arrays["edge_len"][0]) == before


def test_a_compressed_graph_file_loads_too(split_graph, tmp_path):
    path = tmp_path / "graph.npz"
    split_graph.save(path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    np.savez_compressed(tmp_path / "small.npz", **arrays)
    loaded = CompiledGraph.load(tmp_path / "small.npz")
    assert np.array_equal(loaded.arrays["edge_len"], split_graph.arrays["edge_len"])


def test_load_rejects_other_files(tmp_path):
    osm = tmp_path / "map.osm"
    shutil.copy(SPLIT, osm)
    with pytest.raises(ValueError, match="not a Lotse graph file"):
        CompiledGraph.load(osm)
    np.savez(tmp_path / "other.npz", x=np.arange(3))
    with pytest.raises(ValueError, match="not a Lotse graph file"):
        CompiledGraph.load(tmp_path / "other.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ValueError, match="not a Lotse graph file"):
        CompiledGraph.load(tmp_path / "text.npz")
    with pytest.raises(FileNotFoundError):
        CompiledGraph.load(tmp_path / "missing.npz")


def test_load_rejects_other_format_version(split_graph, tmp_path):
    g = CompiledGraph(arrays=split_graph.arrays, meta=dict(split_graph.meta))
    path = tmp_path / "graph.npz"
    g.save(path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(bytes(arrays["__meta__"]).decode())
    meta["format_version"] = FORMAT_VERSION + 1
    arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="rebuild"):
        CompiledGraph.load(path)


def test_the_format_version_is_bumped_when_the_arrays_change():
    """What a graph file holds is recorded per FORMAT_VERSION: changing it without a bump would let an old
    file load and fail in the middle of a request (as a missing trans_side_name array once did)."""
    recorded = json.loads((FIXTURES / "graph_format.json").read_text(encoding="utf-8"))
    g = build_from_osm(Path(__file__).resolve().parents[1] / "data" / "demo.osm")
    now = {"format_version": FORMAT_VERSION, "arrays": {k: str(v.dtype) for k, v in sorted(g.arrays.items())},
           "vocab": {k: list(v) for k, v in VOCAB.items()}}
    assert now == recorded, (
        "the compiled arrays or vocabularies changed: bump routing.graph.FORMAT_VERSION and rewrite "
        "tests/fixtures/graph_format.json")


def test_a_graph_with_other_category_codes_is_refused(split_graph, tmp_path):
    meta = dict(split_graph.meta, vocab={**split_graph.meta["vocab"], "kerb": ["unknown", "flush"]})
    CompiledGraph(arrays=split_graph.arrays, meta=meta).save(tmp_path / "graph.npz")
    with pytest.raises(ValueError, match="rebuild"):
        CompiledGraph.load(tmp_path / "graph.npz")


def test_load_rejects_npy_file(tmp_path):
    np.save(tmp_path / "array.npy", np.arange(3))
    with pytest.raises(ValueError, match="not a Lotse graph file"):
        CompiledGraph.load(tmp_path / "array.npy")


def test_implausible_numbers_do_not_break_compile(osm_doc, compile_xml):
    xml = osm_doc(
        {1: (0, 0), 2: (0, 50), 3: (0, 60), 4: (-40, 50), 5: (40, 50)},
        {
            10: ([1, 2], {"highway": "footway"}),
            11: ([2, 3], {"highway": "steps", "step_count": "100000"}),
            12: ([4, 2, 5], {"highway": "residential", "lanes": "200", "maxspeed": "30"}),
        },
    )
    g = compile_xml(xml)
    steps = int(np.flatnonzero(g.edge_kind == list(g.meta["vocab"]["way_kind"]).index("steps"))[0])
    assert g.edge_step_count[steps] == -1, "an out-of-range count is unknown"
    assert (g.edge_lanes[g.edge_road_class >= 0] == -1).all()


# ---------------------------------------------------------------------------
# crossings at junctions
# ---------------------------------------------------------------------------


def test_centreline_junction(osm_doc, compile_xml):
    """Two residential streets cross; sidewalks are street attributes only."""
    xml = osm_doc(
        {1: (0, -80), 2: (0, 0), 3: (0, 80), 4: (-80, 0), 5: (80, 0)},
        {
            10: ([1, 2, 3], {"highway": "residential", "name": "Hauptstraße"}),
            11: ([4, 2, 5], {"highway": "residential", "name": "Querstraße"}),
        },
    )
    g = compile_xml(xml)
    straight = crossing(g, transition(g, 1, 2, 3))
    assert straight["count"] == 1 and straight["name"] == "Querstraße"
    assert straight["control"] == "none" and straight["mapped"] is False
    assert crossing(g, transition(g, 1, 2, 5)) is None, "turning right crosses nothing"
    assert crossing(g, transition(g, 1, 2, 4)) is None, "turning left: the walker may keep to the left side"
    assert crossing(g, transition(g, 4, 2, 5))["name"] == "Hauptstraße"
    # every straight move crosses exactly one arm
    for a, b in ((3, 1), (5, 4)):
        assert crossing(g, transition(g, a, 2, b))["count"] == 1


def test_footway_continuing_across_a_road(osm_doc, compile_xml):
    xml = osm_doc(
        {1: (0, -50), 2: (0, 0), 3: (0, 50), 4: (-80, 0), 5: (80, 0)},
        {
            10: ([1, 2], {"highway": "footway"}),
            11: ([2, 3], {"highway": "footway"}),
            12: ([4, 2, 5], {"highway": "tertiary", "name": "Ringstraße"}),
        },
    )
    g = compile_xml(xml)
    for a, b in ((1, 3), (3, 1)):
        c = crossing(g, transition(g, a, 2, b))
        assert c["count"] == 1 and c["name"] == "Ringstraße" and c["control"] == "none"
    assert bool(g.trans_cross_major[transition(g, 1, 2, 3)])
    assert crossing(g, transition(g, 1, 2, 5)) is None, "stepping onto the road is no crossing of it"


def test_separate_crossing_way_with_signals_and_sound(osm_doc, compile_xml):
    """Separate sidewalks; a footway=crossing way crosses the road at a signalised node."""
    xml = osm_doc(
        {
            1: (-80, 0), 2: (0, 0, {"highway": "crossing", "crossing": "traffic_signals",
                                    "traffic_signals:sound": "yes", "tactile_paving": "yes"}), 3: (80, 0),
            11: (-80, -10), 12: (0, -10), 13: (80, -10),
            21: (-80, 10), 22: (0, 10), 23: (80, 10),
        },
        {
            100: ([1, 2, 3], {"highway": "secondary", "name": "Mainzer Straße", "sidewalk": "separate"}),
            101: ([11, 12, 13], {"highway": "footway", "footway": "sidewalk"}),
            102: ([21, 22, 23], {"highway": "footway", "footway": "sidewalk"}),
            103: ([12, 2, 22], {"highway": "footway", "footway": "crossing", "crossing": "traffic_signals"}),
        },
    )
    g = compile_xml(xml)
    for a, b in ((12, 22), (22, 12)):
        c = crossing(g, transition(g, a, 2, b))
        assert c["control"] == "signals" and c["sound"] == "yes" and c["tactile_paving"] == "yes"
        assert c["mapped"] and c["count"] == 1 and c["name"] == "Mainzer Straße"
        assert c["vibration"] == "unknown"
    # walking along a sidewalk past the crossing way crosses nothing
    assert crossing(g, transition(g, 11, 12, 13)) is None
    assert crossing(g, transition(g, 11, 12, 2)) is None


def _junction_with_crossing_on_arm(osm_doc, distance_m: float, via_node: bool = False) -> str:
    """A residential street (S-N) meets a quiet western arm and a busy eastern arm.

    A zebra on the western arm lies ``distance_m`` from the junction; with
    ``via_node`` a driveway joins that arm halfway, splitting it.
    """
    nodes = {1: (0, -80), 2: (0, 0), 3: (0, 80), 5: (80, 0), 4: (-80, 0),
             6: (-distance_m, 0, {"highway": "crossing", "crossing": "zebra"})}
    west = [2, 6, 4]
    ways = {
        10: ([1, 2, 3], {"highway": "residential", "name": "Hauptstraße"}),
        11: ([2, 5], {"highway": "primary", "name": "Bundesstraße"}),
    }
    if via_node:
        nodes[7] = (-distance_m / 2, 0)
        nodes[8] = (-distance_m / 2, -30)
        west = [2, 7, 6, 4]
        ways[14] = ([7, 8], {"highway": "service", "service": "driveway"})
    ways[12] = (west, {"highway": "residential", "name": "Gartenstraße"})
    return osm_doc(nodes, ways)


def test_crossing_node_near_junction_gives_its_control(osm_doc, compile_xml):
    g = compile_xml(_junction_with_crossing_on_arm(osm_doc, 15))
    for a, b in ((1, 3), (3, 1)):
        c = crossing(g, transition(g, a, 2, b))
        assert c["name"] == "Gartenstraße", "the quieter side is crossed"
        assert c["control"] == "zebra" and c["mapped"]


def test_crossing_node_far_from_junction_does_not(osm_doc, compile_xml):
    g = compile_xml(_junction_with_crossing_on_arm(osm_doc, 40))
    c = crossing(g, transition(g, 1, 2, 3))
    assert c["name"] == "Gartenstraße" and c["control"] == "none" and not c["mapped"]


def test_crossing_node_near_junction_beyond_a_split(osm_doc, compile_xml):
    """A driveway joining the arm between junction and zebra does not hide the zebra."""
    g = compile_xml(_junction_with_crossing_on_arm(osm_doc, 20, via_node=True))
    c = crossing(g, transition(g, 1, 2, 3))
    assert c["name"] == "Gartenstraße" and c["control"] == "zebra" and c["mapped"]


def test_equal_danger_prefers_the_mapped_side(osm_doc, compile_xml):
    """Both side arms are alike; only the western one has a zebra: both directions use it."""
    xml = osm_doc(
        {1: (0, -80), 2: (0, 0), 3: (0, 80), 4: (-80, 0), 5: (80, 0),
         6: (-10, 0, {"highway": "crossing", "crossing": "zebra"})},
        {
            10: ([1, 2, 3], {"highway": "residential", "name": "Hauptstraße"}),
            11: ([4, 6, 2, 5], {"highway": "residential", "name": "Querstraße"}),
        },
    )
    g = compile_xml(xml)
    for a, b in ((1, 3), (3, 1)):
        c = crossing(g, transition(g, a, 2, b))
        assert c["control"] == "zebra" and c["mapped"] and c["count"] == 1


def test_signals_at_the_junction_node(osm_doc, compile_xml):
    xml = osm_doc(
        {1: (0, -80), 2: (0, 0, {"highway": "traffic_signals"}), 3: (0, 80), 4: (-80, 0), 5: (80, 0)},
        {
            10: ([1, 2, 3], {"highway": "secondary", "name": "Hauptstraße"}),
            11: ([4, 2, 5], {"highway": "secondary", "name": "Querstraße"}),
        },
    )
    g = compile_xml(xml)
    c = crossing(g, transition(g, 1, 2, 3))
    assert c["control"] == "signals" and c["mapped"] and c["sound"] == "unknown"
