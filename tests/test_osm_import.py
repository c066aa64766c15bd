"""Reading OSM files: every supported format, and clear errors for bad input."""

from __future__ import annotations

import bz2
import gzip
import shutil
from pathlib import Path

import osmium
import pytest

from routing.osm_import import OsmDataError, read_osm
from routing.pipeline import build_from_osm

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny.osm"


def _to_pbf(src: Path, dst: Path) -> Path:
    """Convert an OSM XML file to PBF with pyosmium."""
    writer = osmium.SimpleWriter(str(dst))
    try:
        for obj in osmium.FileProcessor(str(src)):
            writer.add(obj)
    finally:
        writer.close()
    return dst


def _summary(extract):
    ways = [
        (w.id, w.nodes, [(round(a, 7), round(b, 7)) for a, b in w.coords], w.tags, w.walkable, w.road_class)
        for w in extract.ways
    ]
    places = sorted((p.name, p.kind, p.osm_id, round(p.lat, 7), round(p.lon, 7)) for p in extract.places)
    return ways, places, extract.node_tags


@pytest.fixture
def tiny_copies(tmp_path):
    raw = TINY.read_bytes()
    paths = {"osm": tmp_path / "tiny.osm"}
    shutil.copy(TINY, paths["osm"])
    paths["gz"] = tmp_path / "tiny.osm.gz"
    paths["gz"].write_bytes(gzip.compress(raw))
    paths["bz2"] = tmp_path / "tiny.osm.bz2"
    paths["bz2"].write_bytes(bz2.compress(raw))
    paths["pbf"] = _to_pbf(TINY, tmp_path / "tiny.osm.pbf")
    paths["xml"] = tmp_path / "tiny.osm.xml"
    shutil.copy(TINY, paths["xml"])
    paths["upper-case"] = tmp_path / "TINY.OSM.GZ"
    shutil.copy(paths["gz"], paths["upper-case"])
    return paths


def test_tiny_fixture_content():
    extract = read_osm(TINY)
    by_id = {w.id: w for w in extract.ways}
    assert set(by_id) == {100, 101, 102}, "the private footway (103) and the building are not ways to route on"
    assert by_id[100].walkable and by_id[100].road_class is None
    assert by_id[100].tags["name"] == "Weg am Bächle"
    assert by_id[101].walkable and by_id[101].road_class == "residential"
    assert not by_id[102].walkable and by_id[102].road_class == "motorway", "car roads are kept for crossings"
    assert by_id[101].nodes == [5, 3, 4]
    assert by_id[100].coords[2] == pytest.approx((49.44, 7.762))
    # only the tags that matter are kept on nodes
    assert extract.node_tags[3] == {"highway": "crossing", "crossing": "traffic_signals",
                                    "traffic_signals:sound": "yes"}
    places = {p.name: p for p in extract.places}
    assert places["Rathaus"].kind == "bus_stop" and places["Rathaus"].osm_id == "node/7"
    assert places["Stadtbücherei"].kind == "amenity:library" and places["Stadtbücherei"].osm_id == "way/104"
    assert extract.bounds == pytest.approx((49.439, 7.759, 49.442, 7.764))
    assert extract.missing_node_refs == 0


@pytest.mark.parametrize("fmt", ["gz", "bz2", "pbf", "xml", "upper-case"])
def test_all_formats_give_the_same_ways(tiny_copies, fmt):
    reference = _summary(read_osm(tiny_copies["osm"]))
    assert _summary(read_osm(tiny_copies[fmt])) == reference


def test_bounds_fall_back_to_data_extent(write_osm):
    xml = TINY.read_text(encoding="utf-8")
    xml = "\n".join(line for line in xml.splitlines() if "<bounds" not in line)
    south, west, north, east = read_osm(write_osm(xml)).bounds
    # extent of the kept ways (nodes 1..6), not of the building
    assert (south, west, north, east) == pytest.approx((49.439, 7.76, 49.441, 7.763))


# ---------------------------------------------------------------------------
# bad input: always OsmDataError with a message, never another exception
# ---------------------------------------------------------------------------


def _expect_error(path, *words):
    with pytest.raises(OsmDataError) as info:
        read_osm(path)
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    return message


def test_missing_file(tmp_path):
    _expect_error(tmp_path / "nowhere.osm", "not found", "nowhere.osm")


def test_empty_file(tmp_path):
    (tmp_path / "empty.osm").write_bytes(b"")
    _expect_error(tmp_path / "empty.osm", "empty")


def test_directory(tmp_path):
    (tmp_path / "city.osm").mkdir()
    _expect_error(tmp_path / "city.osm", "directory")


def test_wrong_suffix(tmp_path):
    shutil.copy(TINY, tmp_path / "map.txt")
    _expect_error(tmp_path / "map.txt", "map.txt", "unsupported", ".osm.pbf")


@pytest.mark.parametrize(
    "content",
    [b"this is not XML at all", b"\x00\x01\x02\xff binary", b"<html><body>404</body></html>"],
    ids=["text", "binary", "html"],
)
def test_not_xml_content(tmp_path, content):
    (tmp_path / "bad.osm").write_bytes(content)
    _expect_error(tmp_path / "bad.osm", "cannot read bad.osm")


def test_truncated_xml(tmp_path):
    raw = TINY.read_bytes()
    (tmp_path / "half.osm").write_bytes(raw[: len(raw) // 2])
    _expect_error(tmp_path / "half.osm", "cannot read half.osm", "complete")


def test_truncated_gzip(tmp_path):
    data = gzip.compress(TINY.read_bytes())
    (tmp_path / "cut.osm.gz").write_bytes(data[: len(data) // 2])
    _expect_error(tmp_path / "cut.osm.gz", "cannot read cut.osm.gz")


def test_truncated_bz2(tmp_path):
    data = bz2.compress(TINY.read_bytes())
    (tmp_path / "cut.osm.bz2").write_bytes(data[: len(data) // 2])
    _expect_error(tmp_path / "cut.osm.bz2", "cannot read cut.osm.bz2")


def test_truncated_pbf(tmp_path):
    data = _to_pbf(TINY, tmp_path / "full.osm.pbf").read_bytes()
    (tmp_path / "cut.osm.pbf").write_bytes(data[: len(data) // 2])
    _expect_error(tmp_path / "cut.osm.pbf", "cannot read cut.osm.pbf")


def test_xml_named_pbf(tmp_path):
    shutil.copy(TINY, tmp_path / "map.osm.pbf")
    _expect_error(tmp_path / "map.osm.pbf", "cannot read map.osm.pbf")


@pytest.mark.parametrize(
    "old,new",
    [
        ('lat="49.4400000" lon="7.7610000"', 'lat="abc" lon="7.7610000"'),  # coordinate
        ('<node id="4"', '<node id="four"'),  # id
        ('<way id="101" version="1">', '<way id="101" version="x">'),  # version
        ('<way id="102" version="1">', '<way id="102" version="1" timestamp="yesterday">'),
        ('<tag k="name" v="Rathaus"/>', '<tag k="name" v="' + "R" * 2000 + '"/>'),  # over-long tag
    ],
    ids=["coordinate", "id", "version", "timestamp", "long-tag"],
)
def test_malformed_attributes(write_osm, old, new):
    xml = TINY.read_text(encoding="utf-8")
    assert old in xml
    _expect_error(write_osm(xml.replace(old, new), "bad.osm"), "cannot read bad.osm")


def test_no_walkable_ways(write_osm):
    xml = TINY.read_text(encoding="utf-8")
    for highway in ('"footway"', '"residential"'):
        xml = xml.replace(f'v={highway}', 'v="motorway"')
    _expect_error(write_osm(xml, "motorways.osm"), "no walkable ways")


def test_no_ways_at_all(write_osm):
    path = write_osm('<?xml version="1.0"?>\n<osm version="0.6"><node id="1" lat="49" lon="8"/></osm>\n')
    _expect_error(path, "no walkable ways")


def test_missing_node_references_are_counted_not_fatal(write_osm):
    xml = TINY.read_text(encoding="utf-8").replace(
        '<nd ref="1"/><nd ref="2"/><nd ref="3"/>',
        '<nd ref="998"/><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="999"/>',
    )
    path = write_osm(xml, "cut.osm")
    extract = read_osm(path)
    assert extract.missing_node_refs == 2
    assert extract.ways_with_missing_nodes == 1
    footway = next(w for w in extract.ways if w.id == 100)
    assert footway.nodes == [1, 2, 3], "the way is shortened to its known nodes"
    graph = build_from_osm(path)
    assert any("2 node references in 1 ways" in w for w in graph.meta["warnings"]), graph.meta["warnings"]


def test_way_with_one_known_node_is_skipped(write_osm):
    xml = TINY.read_text(encoding="utf-8").replace(
        '<nd ref="4"/><nd ref="6"/>', '<nd ref="4"/><nd ref="997"/>'
    )
    extract = read_osm(write_osm(xml))
    assert extract.skipped_ways == 1
    assert 102 not in {w.id for w in extract.ways}
