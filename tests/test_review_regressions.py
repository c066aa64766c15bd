"""Regressions from the review: odd ids and numbers are problems, not 500s; ended sessions leave no track."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lotse import create_app
from staff_support import make_key


@pytest.fixture
def app(tmp_path):
    return create_app({"DATA_DIR": str(tmp_path)})


def staff_key(app) -> str:
    return make_key(app, "staff", "review")


@pytest.mark.parametrize("path", ["/api/v1/obstacles/{}", "/api/v1/feedback/{}"])
@pytest.mark.parametrize("ident", ["99999999999999999999999", "²", "١", "-1", "1.0"])
@pytest.mark.parametrize("method", ["get", "delete"])
def test_odd_ids_are_not_found(app, path, ident, method):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {staff_key(app)}"}
    response = getattr(client, method)(path.format(ident), headers=headers)
    assert response.status_code in (404, 405), response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"


def test_an_arabic_digit_does_not_delete_obstacle_one(app):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {staff_key(app)}"}
    body = {"geometry": {"type": "Point", "coordinates": [7.7593084, 49.4433]}, "radius_m": 3,
            "kind": "construction", "severity": "hazard", "description": "Baustelle auf dem Gehweg"}
    created = client.post("/api/v1/obstacles", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    ident = created.get_json()["id"]
    assert client.delete("/api/v1/obstacles/" + chr(0x0660 + int(ident)), headers=headers).status_code == 404
    assert client.get(f"/api/v1/obstacles/{ident}").status_code == 200


def test_a_huge_integer_rssi_is_rejected_not_a_500(app):
    response = app.test_client().post(
        "/api/v1/locate", json={"beacons": [{"id": "demo-treppe-unten", "rssi": 10 ** 400}]})
    assert response.status_code == 422, response.get_data(as_text=True)


def test_an_ended_session_leaves_no_position_on_disk(app, tmp_path):
    client = app.test_client()
    created = client.post("/api/v1/sessions", json={"from": {"lat": 49.4433597, "lon": 7.7593084},
                                                    "to": {"lat": 49.4424604, "lon": 7.7593084}})
    assert created.status_code == 201
    sid = created.get_json()["id"]
    marker = 49.4431234567
    assert client.post(f"/api/v1/sessions/{sid}/positions",
                       json={"lat": marker, "lon": 7.7593084, "accuracy_m": 5}).status_code == 200
    assert client.delete(f"/api/v1/sessions/{sid}").status_code == 204
    for f in Path(tmp_path).glob("lotse.sqlite3*"):
        assert b"49.4431234" not in f.read_bytes(), f.name


# --- second review: odd text, deep nesting, oneOf details, kinds, limits, logs -------------------

FROM = {"lat": 49.4433597, "lon": 7.7593084}
TO = {"lat": 49.4424604, "lon": 7.7593084}


def post_raw(client, path: str, text: str, **kw):
    return client.post(path, data=text.encode("utf-8"), content_type="application/json", **kw)


def problem_of(response, status: int = 422) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = json.loads(response.get_data())  # valid UTF-8 JSON, whatever the input held
    assert body["type"].startswith("urn:lotse:problem:") and body["detail"]
    return body


@pytest.mark.parametrize("path, text, field", [
    ("/api/v1/routes", '{"from": {"lat": 49.44, "lon": 7.76}, "to": {"place": "\\ud800x"}}', "to.place"),
    ("/api/v1/routes", '{"from": {"lat": 49.44, "lon": 7.76}, "to": {"place": "Rathaus", "kind": "\\udfff"}}',
     "to.kind"),
    ("/api/v1/locate", '{"beacons": [{"id": "\\ud800", "rssi": -60}]}', "beacons.0.id"),
    ("/api/v1/locate", '{"beacons": [{"\\udc00id": "a", "rssi": -60}]}', "beacons.0"),
    ("/api/v1/sessions", '{"from": {"place": "\\ud83d"}, "to": {"lat": 49.44, "lon": 7.76}}', "from.place"),
    ("/api/v1/whereami", '{"lat": 49.44, "lon": 7.76, "lang": "\\ud800"}', "lang"),
    ("/api/v1/feedback", '{"category": "steps", "message": "Stufe \\ud800"}', "message"),
])
def test_a_lone_surrogate_is_a_problem_naming_the_field(app, path, text, field):
    body = problem_of(post_raw(app.test_client(), path, text))
    assert "surrogate" in body["detail"] and body["detail"].startswith(field + ":"), body


def test_a_pair_of_surrogate_escapes_is_ordinary_text(app):
    r = post_raw(app.test_client(), "/api/v1/routes", '{"from": %s, "to": {"place": "\\ud83d\\ude00"}}'
                 % json.dumps(FROM))
    assert problem_of(r)["type"].endswith("unknown-place")


def test_every_json_endpoint_answers_odd_text_with_a_problem(app):
    client = app.test_client()
    headers = {"Authorization": f"Bearer {staff_key(app)}"}
    paths = ["/api/v1/routes", "/api/v1/locate", "/api/v1/whereami", "/api/v1/around", "/api/v1/sessions",
             "/api/v1/feedback", "/api/v1/obstacles", "/api/v1/beacons"]
    for path in paths:
        problem_of(post_raw(client, path, '{"\\ud800": "\\udfff"}', headers=headers))


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_is_a_problem(app, depth):
    client = app.test_client()
    for path in ("/api/v1/routes", "/api/v1/sessions", "/api/v1/locate"):
        body = problem_of(post_raw(client, path, "[" * depth + "]" * depth))
        assert "nest" in body["detail"]


def test_a_polygon_obstacle_is_not_too_deep(app):
    body = {"geometry": {"type": "Polygon", "coordinates": [[[7.7592, 49.4433], [7.7594, 49.4433],
                                                             [7.7594, 49.4434], [7.7592, 49.4433]]]},
            "kind": "construction", "severity": "hazard", "description": "Baustelle"}
    r = app.test_client().post("/api/v1/obstacles", json=body, headers={"Authorization": f"Bearer {staff_key(app)}"})
    assert r.status_code in (201, 422), r.get_json()
    assert "nest" not in r.get_json().get("detail", "")


def test_a_number_beyond_a_double_is_a_problem_naming_the_field(app):
    r = post_raw(app.test_client(), "/api/v1/routes", '{"from": {"lat": 1e400, "lon": 7.7}, "to": %s}'
                 % json.dumps(TO))
    assert problem_of(r)["detail"].startswith("from.lat:")


def test_a_problem_with_a_lone_surrogate_in_it_is_still_sent():
    from lotse.problems import Problem, problem_response

    response = problem_response(Problem("invalid-request", "bad \ud800", query="\udfff"))
    body = json.loads(response.get_data())
    assert body["detail"] == "bad \ud800" and response.status_code == 422


def test_a_500_says_ours_not_werkzeugs_text(app):
    from werkzeug.exceptions import InternalServerError

    @app.get("/boom")
    def boom():
        raise InternalServerError()

    body = problem_of(app.test_client().get("/boom"), 500)
    assert "overloaded" not in body["detail"] and "logged" in body["detail"]


@pytest.mark.parametrize("point, expected", [
    ({"lat": 91, "lon": 7.75}, "from.lat: 91 is greater than the maximum of 90"),
    ({"lat": "49.44", "lon": 7.75}, "from.lat: '49.44' is not of type 'number'"),
    ({"lat": 49.44, "lon": -181}, "from.lon: -181 is less than the minimum of -180"),
    ({"lat": 49.44}, "'lon' is a required property"),
    ({"place": "a" * 5000}, "from.place: is 5000 characters long; at most 200 are allowed"),
    ({"place": ""}, "from.place: must not be empty"),
    ({"beacon": 7}, "from.beacon: 7 is not of type 'string'"),
    ({"foo": 1}, "from: expected an object with {lat, lon} or {place} or {beacon}"),
])
def test_a_point_error_is_that_of_the_form_the_point_has(app, point, expected):
    body = problem_of(app.test_client().post("/api/v1/routes", json={"from": point, "to": TO}))
    assert expected in body["detail"], body["detail"]
    assert "'place' is a required property" not in body["detail"]
    assert len(json.dumps(body)) < 2000


def test_errors_never_echo_large_inputs(app):
    client = app.test_client()
    readings = [{"id": "demo-treppe-unten", "rssi": -60}] * 5000
    r = client.post("/api/v1/locate", json={"beacons": readings})
    body = problem_of(r)
    assert "5000 items; at most 200" in body["detail"] and len(r.get_data()) < 2000
    r = client.post("/api/v1/routes", json={"from": "x" * 100_000, "to": TO})
    assert "100000 characters" in problem_of(r)["detail"] and len(r.get_data()) < 2000
    r = client.post("/api/v1/routes", json={"from": FROM, "to": TO, "profile": list(range(10_000))})
    assert len(problem_of(r)["detail"]) < 500 and len(r.get_data()) < 2000


def test_an_unknown_kind_is_a_problem_listing_the_known_ones(app):
    client = app.test_client()
    body = problem_of(client.get("/api/v1/places?q=Rathaus&kind=zzz"))
    assert "unknown kind 'zzz'; known:" in body["detail"] and "bus_stop" in body["detail"]
    body = problem_of(client.post("/api/v1/routes", json={"from": {"place": "Rathaus", "kind": "zzz"}, "to": TO}))
    assert body["detail"].startswith("from.kind: unknown kind 'zzz'; known:") and body["pointer"] == "/from/kind"
    for kind in ("bus_stop", "transit", "amenity", "amenity:pharmacy", "street,stop", "beacon"):
        assert client.get(f"/api/v1/places?q=Rathaus&kind={kind}").status_code == 200, kind
    r = client.post("/api/v1/routes", json={"from": {"place": "Rathaus", "kind": "bus_stop"}, "to": TO})
    assert r.status_code != 422 or "unknown kind" not in r.get_json()["detail"]


def test_whereami_without_heading_says_so_before_the_directions(app):
    r = app.test_client().post("/api/v1/whereami", json={"lat": 49.4430 + 7 / 111195.08, "lon": 7.7600 + 100 / 72299.51})
    text = r.get_json()["text"]
    assert "Richtung Osten" in text and text.index("Ohne Gehrichtung") < text.index("Richtung")
    assert text.startswith("Sie sind auf der Mainzer Straße.")


# --- logs: session ids are bearer secrets ---------------------------------------------------------

def test_the_gunicorn_access_log_redacts_session_ids():
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from lotse.server import ACCESS_LOG_FORMAT, AccessLogger

    cfg = Config()
    cfg.set("access_log_format", ACCESS_LOG_FORMAT)
    logger = AccessLogger(cfg)
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": "/api/v1/sessions/SECRETID/positions?lat=49.1",
               "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": "/api/v1/sessions/SECRETID/positions",
               "QUERY_STRING": "lat=49.1", "REMOTE_ADDR": "127.0.0.1"}
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(resp, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    line = ACCESS_LOG_FORMAT % atoms
    assert "SECRETID" not in line and "/api/v1/sessions/<id>/positions" in line
    assert "SECRETID" not in atoms["r"] and "49.1" not in atoms["r"]


def test_the_dev_server_log_redacts_session_ids_and_queries():
    import logging

    from lotse import _QueryStringFilter

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '127.0.0.1 - - [x] "%s" %s %s',
                               ("GET /api/v1/sessions/SECRETID/whereami?lat=49.1 HTTP/1.1", "200", "-"), None)
    _QueryStringFilter().filter(record)
    message = record.getMessage()
    assert "SECRETID" not in message and "49.1" not in message and "/sessions/<id>/whereami" in message


def test_a_real_server_logs_no_session_id_and_answers_a_long_uri_with_a_problem(tmp_path):
    import urllib.request

    from staff_support import Server

    with Server(tmp_path, None, workers=1) as server:
        status, created = server.call("POST", "/api/v1/sessions", {"from": FROM, "to": TO})
        assert status == 201
        sid = created["id"]
        status, _ = server.call("POST", f"/api/v1/sessions/{sid}/positions", {**FROM, "accuracy_m": 5})
        assert status == 200
        assert server.call("GET", f"/api/v1/sessions/{sid}/repeat")[0] == 200
        status, body = server.call("GET", "/api/v1/places?q=" + "a" * 5000)
        assert status == 414 and body["type"] == "urn:lotse:problem:uri-too-long", body
        req = urllib.request.Request(server.url + "/api/v1/health", headers={"X-Big": "a" * 9000})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == 431 and err.value.headers["Content-Type"] == "application/problem+json"
        server.stop()
        log = server.log()
    assert "/api/v1/sessions/<id>/positions" in log
    assert sid not in log


@pytest.mark.parametrize("path", ["/api/v1/obstacles", "/api/v1/feedback", "/api/v1/audit", "/api/v1/beacons",
                                  "/api/v1/quality"])
@pytest.mark.parametrize("query", ["limit=" + "9" * 5000, "limit=²", "cursor=" + "9" * 5000,
                                   "cursor=99999999999999999999999", "cursor=²"],
                         ids=["huge-limit", "superscript-limit", "huge-cursor", "int64-cursor", "superscript-cursor"])
def test_huge_or_odd_limits_and_cursors_are_problems(app, path, query):
    if path.endswith("quality") and query.startswith("cursor"):
        return  # no cursor there (and a 200 would compute the process-wide usage cache test_staff_quality checks)
    headers = {"Authorization": f"Bearer {make_key(app, 'admin', 'review-admin')}"}
    response = app.test_client().get(f"{path}?{query}", headers=headers)
    if path.endswith("beacons") and query.startswith("cursor"):
        assert response.status_code == 200  # the cursor is a beacon id: any text
        return
    body = problem_of(response)
    assert len(body["detail"]) < 300


@pytest.mark.parametrize("fmt", ["json", "junit", "html"])
def test_a_suite_named_with_a_lone_surrogate_still_gets_its_report(app, fmt):
    suite = ('{"name": "\\ud800", "scenarios": [{"name": "\\udfff", "from": %s, "to": %s}]}'
             % (json.dumps(FROM), json.dumps(TO)))
    headers = {"Authorization": f"Bearer {make_key(app, 'partner', 'review-partner')}"}
    response = post_raw(app.test_client(), f"/api/v1/scenario-runs?format={fmt}", suite, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "\\ud800" in response.get_data().decode("utf-8")
