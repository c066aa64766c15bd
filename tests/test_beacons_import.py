"""Beacon files: reading CSV/GeoJSON row by row, ``lotse beacons import/export/list``, ``lotse build --beacons``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from beacons.io import BeaconFileError, parse_csv, parse_geojson, read_beacons, to_csv, to_geojson
from lotse import create_app
from lotse.cli import main
from lotse.graphs import DEMO_BEACONS
from routing.graph import CompiledGraph

HEADER = "id,lat,lon,level,tx_power,path_loss_exponent,kind,label,label_en,active,installed_at,battery"
GOOD = [
    "ibeacon:F7826DA64FA24E988024BC5B71E0893E:0100:0001,49.4430719,7.7586169,,-59,2,bus_stop,"
    '"Bushaltestelle Rathaus, Steig A","Rathaus bus stop, platform A",true,2024-05-02,96',
    "halle-eingang,49.4435,7.7599,1,-65,2.5,entrance,Eingang Stadthalle,,yes,2024-06-01T10:00:00+02:00,",
    "wegpunkt-3,49.4438,7.7607,,,,,Treppe unten,,,,",
]
BAD = [
    "bad-lat,abc,7.76,,-59,2,waypoint,Falsch,,true,,",  # line: lat not a number
    ",49.44,7.76,,-59,2,waypoint,Ohne Id,,true,,",  # id missing
    "ibeacon:xyz:1:2,49.44,7.76,,-59,2,waypoint,Kaputt,,true,,",  # malformed iBeacon id
    "halle-eingang,49.44,7.76,,-59,2,waypoint,Doppelt,,true,,",  # duplicate of an earlier row
    "laut,49.44,7.76,,10,9,hydrant,Laut,,vielleicht,gestern,150",  # six bad fields
    "kurz,49.44,7.76",  # too few cells
]


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


# -- reading -------------------------------------------------------------------------------


def test_csv_rows_are_checked_one_by_one_with_line_numbers():
    result = parse_csv(csv_text(GOOD[0], BAD[0], GOOD[1], BAD[1], BAD[2], BAD[3], "", GOOD[2], BAD[4], BAD[5]))
    assert [b.id for b in result.beacons] == [
        "ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:100:1", "halle-eingang", "wegpunkt-3"]
    errors = {(e.line, e.field) for e in result.errors}
    assert errors == {
        (3, "lat"), (5, "id"), (6, "id"), (7, "id"),
        (10, "tx_power"), (10, "path_loss_exponent"), (10, "kind"), (10, "active"), (10, "installed_at"),
        (10, "battery"), (11, "-"),
    }
    by_line = {e.line: e for e in result.errors}
    assert "'abc' is not a number" in by_line[3].reason
    assert "32 hex digits" in by_line[6].reason
    assert "line 4" in by_line[7].reason  # the duplicate names the first occurrence
    assert str(by_line[3]) == "line 3: lat: 'abc' is not a number"
    assert len(result.rejected) == 6
    defaults = result.beacons[2]
    assert (defaults.tx_power, defaults.path_loss_exponent, defaults.kind, defaults.active) == (-59.0, 2.0,
                                                                                               "waypoint", True)
    assert result.beacons[1].level == 1.0 and result.beacons[1].active is True
    assert result.beacons[1].installed_at.utcoffset().total_seconds() == 7200


def test_csv_header_problems_reject_the_whole_file():
    with pytest.raises(BeaconFileError, match="unknown column.*'tx_pwr'"):
        parse_csv("id,lat,lon,label,tx_pwr\nx,49,7,X,-59\n")
    with pytest.raises(BeaconFileError, match="required column.*label"):
        parse_csv("id,lat,lon\nx,49,7\n")
    with pytest.raises(BeaconFileError, match="more than once"):
        parse_csv("id,lat,lon,label,lat\nx,49,7,X,49\n")
    with pytest.raises(BeaconFileError, match="empty"):
        parse_csv("\n\n")


def test_spreadsheet_dialect_with_semicolons_decimal_commas_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "baken.csv"
    path.write_bytes("\ufeffID;Lat;Lon;Label;Active\nsemi-1;49,4430719;7,7586169;Bushaltestelle Rathaus;ja\n"
                     .encode("utf-8"))
    result = read_beacons(path)
    assert result.errors == []
    (beacon,) = result.beacons
    assert (beacon.id, beacon.lat, beacon.lon, beacon.active) == ("semi-1", 49.4430719, 7.7586169, True)
    hint = parse_csv("id,lat,lon,label\nx,\"49,44\",7.7,X\n").errors[0].reason
    assert "decimal point" in hint


def test_geojson_features_are_checked_with_their_numbers():
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "geo-1", "geometry": {"type": "Point", "coordinates": [7.7586169, 49.4430719]},
         "properties": {"label": "Bushaltestelle Rathaus", "kind": "bus_stop", "installed_at": "2024-05-02",
                        "source": "registry", "revision": 3}},  # read-only members of API answers are ignored
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[7, 49], [7.1, 49]]},
         "properties": {"id": "geo-2", "label": "Linie"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7.76, 49.44]},
         "properties": {"id": "geo-3", "label": "Tippfehler", "tx_pwr": -60, "active": "yes"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7.76, 149.44]},
         "properties": {"id": "geo-4", "label": "Nordpol und weiter"}},
        "kein Feature",
    ]}
    result = parse_geojson(json.dumps(doc))
    assert [b.id for b in result.beacons] == ["geo-1"]
    assert {(e.where, e.field) for e in result.errors} == {
        ("feature 2", "geometry"), ("feature 3", "tx_pwr"), ("feature 3", "active"), ("feature 4", "lat"),
        ("feature 5", "-")}
    with pytest.raises(BeaconFileError, match="FeatureCollection"):
        parse_geojson('{"type": "Feature"}')
    with pytest.raises(BeaconFileError, match="not valid JSON"):
        parse_geojson("{")


def test_writing_and_reading_back_gives_the_same_beacons():
    beacons = parse_csv(csv_text(*GOOD)).beacons
    assert parse_csv(to_csv(beacons)).beacons == beacons
    assert parse_geojson(json.dumps(to_geojson(beacons))).beacons == beacons


# -- the command line ---------------------------------------------------------------------


@pytest.fixture
def run(tmp_path):
    """``run(*args) -> Result``: ``lotse ARGS`` against a fresh data folder (the demo map)."""
    runner = CliRunner()
    env = {"LOTSE_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": ""}

    def invoke(*args: str, code: int | None = 0):
        result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
        if code is not None:
            assert result.exit_code == code, (result.output, result.stderr)
        return result

    invoke.data_dir = tmp_path / "data"
    return invoke


def registered(data_dir: Path) -> dict:
    app = create_app({"DATA_DIR": str(data_dir)})
    from lotse.storage import beacons as store

    with app.extensions["lotse.db"].read() as session:
        return {r.id: store.to_beacon(r) for r in store.all_rows(session)}


def test_import_reports_rejected_rows_and_imports_the_good_ones(run, tmp_path):
    path = tmp_path / "baken.csv"
    path.write_text(csv_text(GOOD[0], BAD[0], GOOD[1], BAD[4], GOOD[2]), encoding="utf-8")
    result = run("beacons", "import", str(path), code=1)
    assert f"{path}: line 3: lat: 'abc' is not a number" in result.stderr
    assert f"{path}: line 5: kind: 'hydrant' is not one of" in result.stderr
    assert "3 created, 0 updated, 0 unchanged, 0 deleted, 2 rejected" in result.stdout
    assert set(registered(run.data_dir)) == {"ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:100:1",
                                            "halle-eingang", "wegpunkt-3"}

    path.write_text(csv_text(GOOD[0], GOOD[1].replace("Eingang Stadthalle", "Eingang Stadthalle Nord")),
                    encoding="utf-8")
    report = json.loads(run("beacons", "import", str(path), "--json").stdout)
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (0, 1, 1, 0)
    assert report["ids"]["updated"] == ["halle-eingang"]
    assert registered(run.data_dir)["halle-eingang"].label == "Eingang Stadthalle Nord"

    app = create_app({"DATA_DIR": str(run.data_dir)})
    from lotse.storage import audit

    with app.extensions["lotse.db"].read() as session:
        entries = audit.search(session, entity="beacon", entity_id="halle-eingang")
        assert [e.action for e in entries] == ["update", "create"]
        assert entries[0].actor_name.startswith("cli:")


def test_replace_removes_unlisted_beacons_but_never_with_rejected_rows(run, tmp_path):
    full = tmp_path / "full.csv"
    full.write_text(csv_text(*GOOD), encoding="utf-8")
    run("beacons", "import", str(full))
    partial = tmp_path / "partial.csv"
    partial.write_text(csv_text(GOOD[2], BAD[0]), encoding="utf-8")
    result = run("beacons", "import", str(partial), "--replace", code=1)
    assert "nothing imported" in result.stderr and "line 3: lat" in result.stderr
    assert len(registered(run.data_dir)) == 3
    dry = run("beacons", "import", str(full), "--replace", "--dry-run")
    assert "dry run" in dry.stdout
    partial.write_text(csv_text(GOOD[2]), encoding="utf-8")
    dry = run("beacons", "import", str(partial), "--replace", "--dry-run")
    assert "2 deleted" in dry.stdout and len(registered(run.data_dir)) == 3  # a dry run writes nothing
    result = run("beacons", "import", str(partial), "--replace")
    assert "0 created, 0 updated, 1 unchanged, 2 deleted, 0 rejected" in result.stdout
    assert set(registered(run.data_dir)) == {"wegpunkt-3"}


def test_unreadable_files_are_refused(run, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id;lat;lon;label;farbe\n", encoding="utf-8")
    assert "unknown column" in run("beacons", "import", str(path), code=1).stderr
    path.write_bytes(b"id,lat,lon,label\n\xff\xfe,1,2,3\n")
    assert "not UTF-8" in run("beacons", "import", str(path), code=1).stderr


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_export_round_trip(run, tmp_path, fmt):
    source = tmp_path / "in.csv"
    source.write_text(csv_text(*GOOD), encoding="utf-8")
    run("beacons", "import", str(source))
    before = registered(run.data_dir)
    out = tmp_path / f"out.{fmt}"
    run("beacons", "export", "-o", str(out))
    assert read_beacons(out).beacons == sorted(before.values(), key=lambda b: b.id)
    again = run("beacons", "import", str(out))
    assert "0 created, 0 updated, 3 unchanged" in again.stdout
    # Into another registry: the same records.
    other = CliRunner().invoke(main, ["beacons", "import", str(out)], catch_exceptions=False,
                               env={"LOTSE_DATA_DIR": str(tmp_path / "other"), "DATABASE_URL": ""})
    assert other.exit_code == 0, other.output
    assert registered(tmp_path / "other") == before
    printed = run("beacons", "export", "--format", fmt).stdout
    assert printed == out.read_text(encoding="utf-8")


def test_list_shows_registered_and_graph_beacons(run, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text(csv_text(GOOD[1]), encoding="utf-8")
    run("beacons", "import", str(path))
    listed = json.loads(run("beacons", "list", "--json").stdout)
    sources = {b["id"]: b["source"] for b in listed}
    assert sources["halle-eingang"] == "registry"
    demo = {b.id for b in read_beacons(DEMO_BEACONS).beacons}
    assert {sources[i] for i in demo} == {"graph"}
    text = run("beacons", "list").stdout
    assert "Eingang Stadthalle" in text and "Bushaltestelle Rathaus, Steig A" in text
    exported = read_beacons_text(run("beacons", "export", "--all").stdout)
    assert {b.id for b in exported} == demo | {"halle-eingang"}


def read_beacons_text(text: str):
    return parse_csv(text).beacons


def test_build_attaches_beacons_and_warns_about_far_ones(run, tmp_path):
    from lotse.config import DEMO_OSM

    path = tmp_path / "build.csv"
    far = "weit-weg,49.4500,7.7600,,-59,2,waypoint,Weit weg,,true,,"  # 780 m north of the demo map
    path.write_text(csv_text(*GOOD, far), encoding="utf-8")
    graph_file = tmp_path / "demo.graph"
    result = run("build", "--osm", str(DEMO_OSM), "--beacons", str(path), "-o", str(graph_file))
    assert "3 of 4 beacons attached" in result.stderr
    assert "beacon weit-weg (Weit weg) is" in result.stderr and "not a landmark" in result.stderr
    graph = CompiledGraph.load(graph_file)
    stored = {b["id"]: b for b in graph.meta["beacons"]}
    assert stored["weit-weg"]["attached"] is None
    rathaus = stored["ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:100:1"]
    assert rathaus["attached"]["distance_m"] < 1 and rathaus["attached"]["way_kind"] == "sidewalk"
    assert rathaus["label"] == "Bushaltestelle Rathaus, Steig A"

    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(GOOD[0], BAD[0]), encoding="utf-8")
    refused = run("build", "--osm", str(DEMO_OSM), "--beacons", str(bad), "-o", str(tmp_path / "x.graph"), code=1)
    assert "line 3: lat" in refused.stderr and not (tmp_path / "x.graph").exists()

    # The service on that graph: its beacons are route points and positions, with no database entry.
    app = create_app({"DATA_DIR": str(tmp_path / "served"), "GRAPH_PATH": str(graph_file), "TESTING": True})
    client = app.test_client()
    response = client.post("/api/v1/routes", json={"from": {"beacon": "halle-eingang"},
                                                   "to": {"beacon": "wegpunkt-3"}})
    assert response.status_code == 200, response.get_data(as_text=True)
    fix = client.post("/api/v1/locate", json={"beacons": [{"id": "WEGPUNKT-3", "rssi": -60},
                                                          {"id": "wegpunkt-3", "rssi": -61}]}).get_json()
    assert fix["ignored"] == [{"id": "WEGPUNKT-3", "reason": "unknown"}]  # free ids are case-sensitive
    assert fix["method"] == "proximity" and fix["nearest_beacon"]["label"] == "Treppe unten"


def test_import_checks_attachment_against_the_graph_given(run, tmp_path, osm_doc, write_osm):
    """A beacon next to a way of the city's map is not 'far from every way' because the demo map lacks it."""
    from routing.pipeline import build_from_osm

    graph = build_from_osm(write_osm(osm_doc({1: (5000, 0), 2: (5100, 0)}, {10: ([1, 2], {"highway": "footway"})})))
    graph_file = tmp_path / "city.graph"
    graph.save(graph_file)
    lat, lon = osm_doc.latlon(5050, 2)
    path = tmp_path / "baken.csv"
    path.write_text(f"id,lat,lon,kind,label\nstadt-1,{lat:.7f},{lon:.7f},waypoint,Wegpunkt Stadt\n", encoding="utf-8")

    on_demo = run("beacons", "import", str(path))
    assert "no walkable way within 30 m on the demo map" in on_demo.stderr
    assert "--graph FILE" in on_demo.stderr

    path.write_text(path.read_text().replace("Wegpunkt Stadt", "Wegpunkt Stadtmitte"), encoding="utf-8")
    on_city = run("beacons", "import", str(path), "--graph", str(graph_file))
    assert "no walkable way" not in on_city.stderr
    assert f"beacons checked against {graph_file}" in on_city.stderr
    report = json.loads(run("beacons", "import", str(path), "--graph", str(graph_file), "--json",
                            "--dry-run").stdout)
    assert report["warnings"] == [] and report["unchanged"] == 1
    listed = run("beacons", "list", "--graph", str(graph_file))
    assert "stadt-1" in listed.stdout and " 2 m " in listed.stdout
    assert run("beacons", "import", str(path), "--graph", str(tmp_path / "missing.graph"), code=2)
