"""``POST /api/v1/scenario-runs``: partners run suites over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xmlschema

from a11y import check_accessibility
from lotse import create_app
from lotse.scenarios.schema import MAX_SCENARIOS
from lotse.storage import keys
from lotse.storage.audit import Actor

ROOT = Path(__file__).resolve().parents[1]
DEMO_SUITE = (ROOT / "data" / "suites" / "demo.yaml").read_text(encoding="utf-8")
JUNIT_XSD = Path(__file__).resolve().parent / "fixtures" / "junit.xsd"
POINT = {"lat": 49.4433597, "lon": 7.7593084}
TARGET = {"lat": 49.4424604, "lon": 7.7593084}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("data")), "TESTING": True})
    made = {}
    with app.extensions["lotse.db"].write() as session:
        for role in ("partner", "staff", "admin"):
            _, made[role] = keys.create(session, f"test {role}", role, Actor(None, "test", "admin"))
    return app.test_client(), {role: {"Authorization": f"Bearer {k}"} for role, k in made.items()}


def post(client, headers, data, content_type="application/yaml", query=""):
    return client.post("/api/v1/scenario-runs" + query, data=data, content_type=content_type, headers=headers)


def test_a_partner_runs_the_demo_suite_as_yaml(env):
    client, auth = env
    response = post(client, auth["partner"], DEMO_SUITE)
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert report["passed"] is True and report["totals"]["passed"] == 7
    assert report["graph"]["source"] == "demo.osm"
    assert report["scenarios"][0]["checks"][0]["name"] == "max_length_m"


def test_json_suites_and_a_failing_expectation(env):
    client, auth = env
    suite = {"name": "strict", "scenarios": [{"name": "too strict", "from": POINT, "to": TARGET,
                                              "profile": "walk", "expect": {"max_length_m": 50}}]}
    response = post(client, auth["staff"], json.dumps(suite), "application/json")
    assert response.status_code == 200
    report = response.get_json()
    assert report["passed"] is False
    assert report["scenarios"][0]["message"] == "length: 100 m (at most 50 m), 50 m over"


def test_junit_and_html_formats(env):
    client, auth = env
    response = post(client, auth["partner"], DEMO_SUITE, query="?format=junit")
    assert response.mimetype == "application/xml"
    xmlschema.XMLSchema(JUNIT_XSD).validate(response.get_data(as_text=True))
    response = post(client, auth["admin"], DEMO_SUITE, "text/yaml", query="?format=html&name=demo.yaml")
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert check_accessibility(page) == [] and "demo.yaml" in page


def problem(response, status, slug):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == f"urn:lotse:problem:{slug}" and body["detail"]
    return body


def test_keys_are_required(env):
    client, _ = env
    problem(post(client, {}, DEMO_SUITE), 401, "unauthorized")
    problem(post(client, {"Authorization": "Bearer nope"}, DEMO_SUITE), 401, "unauthorized")


def test_a_malformed_suite_lists_every_issue_with_its_line(env):
    client, auth = env
    text = "scenarios:\n  - name: x\n    from: {lat: 49.44}\n    to: {lat: 49.44, lon: 7.76}\n    expect: {max_turn: 3}\n"
    body = problem(post(client, auth["partner"], text), 422, "invalid-suite")
    assert "line 3, scenario 'x'" in body["detail"]
    assert {(e["line"], e["scenario"]) for e in body["errors"]} == {(3, "x"), (5, "x")}
    assert any("did you mean 'max_turns'" in e["message"] for e in body["errors"])
    problem(post(client, auth["partner"], "scenarios: [", "application/yaml"), 422, "invalid-suite")
    problem(post(client, auth["partner"], "{", "application/json"), 422, "invalid-suite")
    problem(post(client, auth["partner"], b"\xff\xfe", "application/yaml"), 422, "invalid-suite")


def test_wrong_media_type_and_format(env):
    client, auth = env
    problem(post(client, auth["partner"], DEMO_SUITE, "text/plain"), 415, "unsupported-media-type")
    problem(post(client, auth["partner"], DEMO_SUITE, query="?format=pdf"), 422, "invalid-request")


def test_too_many_scenarios(env):
    client, auth = env
    scenarios = [{"name": f"s{i}", "from": POINT, "to": TARGET} for i in range(MAX_SCENARIOS + 1)]
    body = problem(post(client, auth["partner"], json.dumps({"scenarios": scenarios}), "application/json"),
                   413, "suite-too-large")
    assert f"at most {MAX_SCENARIOS}" in body["detail"] and "split" in body["detail"]


def test_a_body_over_the_size_limit(env):
    client, auth = env
    huge = "# " + "x" * 1_100_000 + "\n" + DEMO_SUITE
    problem(post(client, auth["partner"], huge), 413, "payload-too-large")


def test_the_time_budget_stops_long_runs(env, monkeypatch):
    from lotse.api import scenarios as api

    monkeypatch.setattr(api, "TIME_BUDGET_S", 0.0)
    client, auth = env
    report = post(client, auth["partner"], DEMO_SUITE).get_json()
    assert report["passed"] is False
    statuses = [s["status"] for s in report["scenarios"]]
    assert statuses[0] == "passed"
    assert all("not run" in s["message"] for s in report["scenarios"][1:])
