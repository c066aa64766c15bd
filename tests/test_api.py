"""The HTTP API on the demo map: routes, errors as problem+json, the OpenAPI document."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from lotse import create_app
from lotse.openapi import openapi_path

# Demo map points (see data/README.md): the two ends of the unmarked-crossing shortcut.
SE = {"lat": 49.4433597, "lon": 7.7593084}
NE = {"lat": 49.4424604, "lon": 7.7593084}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("data")), "TESTING": True})
    return app.test_client()


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"].endswith(slug)
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def test_health_reports_the_demo_graph(client):
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok"
    assert body["graph"]["source"] == "demo.osm"
    assert body["graph"]["nodes"] > 20 and body["graph"]["edges"] > 20


def test_route_on_the_demo_map(client):
    response = client.post("/api/v1/routes", json={"from": SE, "to": NE})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    feature = body["route"]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "LineString"
    props = feature["properties"]
    assert 90 < props["distance_m"] < 140
    assert props["duration_s"] == pytest.approx(props["distance_m"] / 1.3, rel=0.01)
    kinds = [s["kind"] for s in body["steps"]]
    assert kinds[0] == "depart" and kinds[-1] == "arrive"
    for step in body["steps"]:
        assert step["text"]["main"]
        assert len(step["location"]) == 2
    start = feature["geometry"]["coordinates"][0]
    assert start == pytest.approx([SE["lon"], SE["lat"]], abs=1e-4)


@pytest.mark.parametrize(
    "data, content_type, status, slug",
    [
        ("{not json", "application/json", 400, "malformed-json"),
        ("", "application/json", 422, "invalid-request"),
        ('{"from": {"lat": 49.44, "lon": 7.76}}', "application/json", 422, "invalid-request"),
        ('{"from": {"lat": 91, "lon": 7.76}, "to": {"lat": 49.44, "lon": 7.76}}', "application/json", 422, "invalid-request"),
        ('{"from": {"lat": "x", "lon": 7.76}, "to": {"lat": 49.44, "lon": 7.76}}', "application/json", 422, "invalid-request"),
        ('{"from": [1, 2], "to": {"lat": 49.44, "lon": 7.76}}', "application/json", 422, "invalid-request"),
        ('[]', "application/json", 422, "invalid-request"),
        ('{"from": {"lat": NaN, "lon": 7.76}, "to": {"lat": 49.44, "lon": 7.76}}', "application/json", 422, "invalid-request"),
        ('{"from": {"lat": 49.44, "lon": Infinity}, "to": {"lat": 49.44, "lon": 7.76}}', "application/json", 422, "invalid-request"),
        (b"\xff\xfe{", "application/json", 400, "malformed-json"),
    ],
)
def test_bad_requests_are_problems(client, data, content_type, status, slug):
    response = client.post("/api/v1/routes", data=data, content_type=content_type)
    assert_problem(response, status, slug)


def test_point_far_from_the_network_is_refused(client):
    response = client.post("/api/v1/routes", json={"from": {"lat": 49.5, "lon": 7.9}, "to": NE})
    body = assert_problem(response, 422, "point-off-network")
    assert "m from" in body["detail"]


def test_unknown_profile_and_option(client):
    assert_problem(client.post("/api/v1/routes", json={"from": SE, "to": NE, "profile": "rocket"}),
                   422, "unknown-profile")
    assert_problem(client.post("/api/v1/routes", json={"from": SE, "to": NE, "options": {"warp": 1}}),
                   422, "unknown-profile")


def test_unknown_path_and_method(client):
    assert_problem(client.get("/api/v1/nothing"), 404, "not-found")
    assert_problem(client.get("/api/v1/routes"), 405, "method-not-allowed")


def test_openapi_document_is_valid_and_matches_the_routes(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    app = client.application
    served = {
        (openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert served == documented


def test_route_response_matches_its_documented_schema(client):
    from jsonschema import Draft202012Validator

    doc = client.get("/api/v1/openapi.json").get_json()
    schema = doc["paths"]["/api/v1/routes"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    body = client.post("/api/v1/routes", json={"from": SE, "to": NE}).get_json()
    Draft202012Validator(schema).validate(body)


def _stale_graph(path):
    """The demo graph as an older Lotse would have written it (graph format 1)."""
    import json

    import numpy as np

    from lotse.graphs import demo_graph_path

    with np.load(demo_graph_path(path.parent)) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(bytes(arrays["__meta__"]).decode())
    meta["format_version"] = 1
    arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with open(path, "wb") as fh:  # (a path without .npz would get one appended)
        np.savez(fh, **arrays)
    return path


def test_a_graph_file_from_an_older_lotse_is_a_503_saying_rebuild_not_a_500(tmp_path):
    stale = _stale_graph(tmp_path / "old.graph")
    client = create_app({"GRAPH_PATH": str(stale), "DATA_DIR": str(tmp_path / "data")}).test_client()
    for response in (client.get("/api/v1/health"),
                     client.post("/api/v1/routes", json={"from": {"lat": 49.4433597, "lon": 7.7593084},
                                                          "to": {"lat": 49.4424604, "lon": 7.7593084}})):
        assert response.status_code == 503
        problem = response.get_json()
        assert problem["type"] == "urn:lotse:problem:graph-unavailable" and "rebuild" in problem["detail"]


def test_serve_refuses_a_graph_file_from_an_older_lotse(tmp_path):
    from click.testing import CliRunner

    from lotse.cli import main

    stale = _stale_graph(tmp_path / "old.graph")
    result = CliRunner().invoke(main, ["serve", "--graph", str(stale), "--port", "1"])
    assert result.exit_code == 1 and "rebuild" in result.output
