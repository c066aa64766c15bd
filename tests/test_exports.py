"""Routes for the field: GPX 1.1 (validated against the schema) and GeoJSON, from API and CLI."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from click.testing import CliRunner

from lotse import create_app
from lotse.cli import main
from lotse.exports import DEMO, OSM, route_to_geojson, route_to_gpx

GPX_XSD = Path(__file__).resolve().parent / "fixtures" / "gpx11.xsd"
OSM_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "osm"
NS = {"g": "http://www.topografix.com/GPX/1/1"}

SE = {"lat": 49.4433597, "lon": 7.7593084}
NE = {"lat": 49.4424604, "lon": 7.7593084}
BODY = {"from": SE, "to": NE, "profile": "blind_cane"}


@pytest.fixture(scope="module")
def gpx_schema():
    return xmlschema.XMLSchema(GPX_XSD)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return create_app({"DATA_DIR": str(tmp_path_factory.mktemp("data")), "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def route(client):
    response = client.post("/api/v1/routes", json=BODY)
    assert response.status_code == 200
    return response.get_json()


def test_gpx_is_valid_gpx_11_with_a_waypoint_per_step(route, gpx_schema):
    text = route_to_gpx(route)
    gpx_schema.validate(text)
    root = ET.fromstring(text)
    assert root.get("version") == "1.1" and root.get("creator").startswith("Lotse")
    wpts = root.findall("g:wpt", NS)
    assert len(wpts) == len(route["steps"])
    for i, (wpt, step) in enumerate(zip(wpts, route["steps"]), 1):
        assert wpt.find("g:name", NS).text == f"{i}. {step['text']['main']}"
        assert step["text"]["main"] in wpt.find("g:desc", NS).text
        assert wpt.find("g:type", NS).text == step["kind"]
        assert (float(wpt.get("lon")), float(wpt.get("lat"))) == pytest.approx(tuple(step["location"]), abs=1e-7)
    crossing = next(w for w in wpts if w.find("g:type", NS).text == "cross")
    assert "Ampel" in crossing.find("g:name", NS).text and "Blindensignal" in crossing.find("g:desc", NS).text
    trkpts = root.findall("g:trk/g:trkseg/g:trkpt", NS)
    assert len(trkpts) == len(route["route"]["geometry"]["coordinates"])


def test_gpx_carries_the_odbl_attribution(route):
    root = ET.fromstring(route_to_gpx(route, attribution=OSM))
    meta = root.find("g:metadata", NS)
    assert meta.find("g:copyright", NS).get("author") == "OpenStreetMap-Mitwirkende"
    assert "odbl" in meta.find("g:copyright/g:license", NS).text
    assert meta.find("g:link", NS).get("href") == "https://www.openstreetmap.org/copyright"
    assert meta.find("g:desc", NS).text.endswith(" Kartendaten: © OpenStreetMap-Mitwirkende.")


#: English words an English export uses where a German one must not ('Route' is German too).
ENGLISH = re.compile(r"\b(contributors|map data|profile|project|invented|not|metres|walk|blind_cane|white cane)\b",
                     re.IGNORECASE)


@pytest.mark.parametrize("attribution", [OSM, DEMO], ids=["osm", "demo"])
def test_german_exports_say_nothing_in_english(route, attribution):
    """'Kartendaten: © OpenStreetMap contributors.' ended the German GPX description."""
    root = ET.fromstring(route_to_gpx(route, attribution=attribution))
    meta = root.find("g:metadata", NS)
    said = [meta.find("g:name", NS).text, meta.find("g:desc", NS).text, root.find("g:trk/g:name", NS).text,
            root.find("g:trk/g:src", NS).text, root.find("g:wpt/g:src", NS).text,
            meta.find("g:copyright", NS).get("author")]
    if attribution.link:
        said.append(meta.find("g:link/g:text", NS).text)
    for text in said:
        assert not ENGLISH.search(text), text
    assert meta.find("g:name", NS).text == f"Lotse-Route, Profil Langstock, {route['route']['properties']['distance_m']:.0f} Meter"
    assert route_to_geojson(route, attribution=attribution)["attribution"] == attribution.text_de


def test_english_exports_say_it_in_english(client):
    english = client.post("/api/v1/routes", json={**BODY, "lang": "en"}).get_json()
    meta = ET.fromstring(route_to_gpx(english, attribution=OSM)).find("g:metadata", NS)
    assert meta.find("g:desc", NS).text.endswith(" Map data: © OpenStreetMap contributors.")
    assert meta.find("g:copyright", NS).get("author") == "OpenStreetMap contributors"
    assert meta.find("g:name", NS).text.startswith("Lotse route, profile white cane, ")
    assert route_to_geojson(english, attribution=OSM)["attribution"] == "© OpenStreetMap contributors"


def test_gpx_escapes_and_validates_odd_texts(route, gpx_schema):
    odd = json.loads(json.dumps(route))
    odd["steps"][0]["text"]["main"] = 'Gehen Sie <hier> & "dort" weiter'
    text = route_to_gpx(odd)
    gpx_schema.validate(text)
    assert ET.fromstring(text).find("g:wpt/g:name", NS).text == '1. Gehen Sie <hier> & "dort" weiter'


def test_geojson_feature_collection(route):
    fc = route_to_geojson(route, attribution=OSM)
    assert fc["type"] == "FeatureCollection" and fc["attribution"] == "© OpenStreetMap-Mitwirkende"
    line, *points = fc["features"]
    assert line["geometry"]["type"] == "LineString"
    assert line["properties"]["feature"] == "route" and line["properties"]["audit"]["crossings"] == 1
    assert line["properties"]["attribution"] == "© OpenStreetMap-Mitwirkende"
    assert len(points) == len(route["steps"])
    for i, (pt, step) in enumerate(zip(points, route["steps"]), 1):
        assert pt["geometry"] == {"type": "Point", "coordinates": step["location"]}
        assert pt["properties"]["index"] == i and pt["properties"]["text"] == step["text"]
        assert pt["properties"]["kind"] == step["kind"] and "location" not in pt["properties"]
    cross = next(p for p in points if p["properties"]["kind"] == "cross")
    assert cross["properties"]["crossing"]["sound"] == "yes"
    west, south, east, north = fc["bbox"]
    assert west <= SE["lon"] <= east and south <= NE["lat"] <= north


def test_export_endpoint(client, gpx_schema):
    response = client.post("/api/v1/routes/export?format=gpx", json=BODY)
    assert response.status_code == 200 and response.mimetype == "application/gpx+xml"
    assert 'filename="lotse-route.gpx"' in response.headers["Content-Disposition"]
    gpx_schema.validate(response.get_data(as_text=True))
    assert DEMO.author_de in response.get_data(as_text=True)  # the demo map is the project's own data
    response = client.post("/api/v1/routes/export?format=geojson", json=BODY)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    fc = json.loads(response.get_data(as_text=True))
    assert fc["features"][0]["properties"]["profile"] == "blind_cane"
    assert client.post("/api/v1/routes/export", json=BODY).mimetype == "application/gpx+xml"  # gpx by default


@pytest.mark.parametrize("query, body, status, slug", [
    ("?format=kml", BODY, 422, "invalid-request"),
    ("?format=gpx", {"from": SE}, 422, "invalid-request"),
    ("?format=gpx", {"from": {"lat": 49.5, "lon": 7.9}, "to": NE}, 422, "point-off-network"),
    ("?format=geojson", {**BODY, "profile": "rocket"}, 422, "unknown-profile"),
])
def test_export_problems(client, query, body, status, slug):
    response = client.post("/api/v1/routes/export" + query, json=body)
    assert response.status_code == status and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"].endswith(slug) and problem["detail"]


def test_export_of_malformed_json(client):
    response = client.post("/api/v1/routes/export", data="{nope", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["type"].endswith("malformed-json")


def test_cli_writes_gpx_and_geojson(tmp_path, gpx_schema):
    gpx, geojson = tmp_path / "r.gpx", tmp_path / "r.geojson"
    result = CliRunner().invoke(main, ["route", "49.4433597,7.7593084", "49.4424604,7.7593084", "--profile",
                                       "blind_cane", "--gpx", str(gpx), "--geojson", str(geojson)])
    assert result.exit_code == 0, result.output
    gpx_schema.validate(str(gpx))
    fc = json.loads(geojson.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) > 2


@pytest.mark.realdata
def test_kaiserslautern_export_names_openstreetmap(tmp_path_factory, gpx_schema):
    source = OSM_DIR / "kaiserslautern.osm.gz"
    if not source.is_file():
        pytest.fail(f"shared data missing: {source}")
    from routing.pipeline import build_from_osm

    graph = tmp_path_factory.mktemp("klx") / "kl.graph"
    build_from_osm(source).save(graph)
    client = create_app({"GRAPH_PATH": str(graph), "DATA_DIR": str(graph.parent)}).test_client()
    body = {"from": {"lat": 49.43598, "lon": 7.76893}, "to": {"lat": 49.44566, "lon": 7.76869},
            "profile": "blind_cane"}
    text = client.post("/api/v1/routes/export?format=gpx", json=body).get_data(as_text=True)
    gpx_schema.validate(text)
    assert 'author="OpenStreetMap-Mitwirkende"' in text and "Rathaus" in text
    fc = client.post("/api/v1/routes/export?format=geojson", json=body).get_json(force=True)
    assert fc["attribution"] == "© OpenStreetMap-Mitwirkende"
    assert fc["features"][0]["properties"]["license"].startswith("https://opendatacommons.org/licenses/odbl")
