"""Live guidance sessions over HTTP on the demo map: life cycle, problems, expiry, privacy, audio, beacons."""

from __future__ import annotations

import logging
import time

import numpy as np
import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from lotse import create_app
from lotse.api import session_schemas as S
from lotse.session_models import GuidanceRoute, GuidanceSession

# demo map (data/README.md): Marktplatz SE corner -> Benzinoring NE corner, 100 m south over Mainzer Straße
FROM = {"lat": 49.4433597, "lon": 7.7593084}
TO = {"lat": 49.4424604, "lon": 7.7593084}
M_PER_DEG_LAT, M_PER_DEG_LON = 111195.08, 72299.51


def demo_xy(x: float, y: float) -> dict:
    """A point x m east and y m north of the demo map's origin (junction 100)."""
    return {"lat": 49.4430 + y / M_PER_DEG_LAT, "lon": 7.7600 + x / M_PER_DEG_LON}


@pytest.fixture
def app(tmp_path):
    return create_app({"DATA_DIR": str(tmp_path)})


@pytest.fixture
def client(app):
    return app.test_client()


def _create(client, **extra) -> dict:
    r = client.post("/api/v1/sessions", json={"from": FROM, "to": TO, **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def _rows(app) -> tuple[int, int]:
    db = app.extensions["lotse.db"]
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(GuidanceSession)),
                s.scalar(select(func.count()).select_from(GuidanceRoute)))


def _valid(schema: dict, body: dict) -> None:
    errors = list(Draft202012Validator(schema).iter_errors(body))
    assert not errors, [e.message for e in errors]


def test_create_answers_route_steps_expiry_and_the_first_instruction(client):
    body = _create(client)
    _valid(S.SESSION, body)
    assert len(body["id"]) >= 20 and body["route_version"] == 0
    assert body["steps"][0]["kind"] == "depart" and body["steps"][-1]["kind"] == "arrive"
    kinds = [(item["kind"], item.get("step")) for item in body["speak"]]
    assert kinds[0] == ("summary", 0) and ("main", 0) in kinds
    assert body["speak"][1]["text"] == body["steps"][0]["text"]["main"]
    got = client.get(f"/api/v1/sessions/{body['id']}").get_json()
    _valid(S.SESSION, got)
    assert got["progress"]["next_step_index"] == 1 and got["arrived"] is False


def test_walking_the_route_gives_instructions_then_arrival(client):
    body = _create(client, lang="en")
    sid = body["id"]
    said, answer = [], None
    for k in range(0, 110, 2):
        lat = FROM["lat"] - k / M_PER_DEG_LAT  # straight south
        r = client.post(f"/api/v1/sessions/{sid}/positions",
                        json={"lat": lat, "lon": FROM["lon"], "accuracy_m": 5, "timestamp": 1000 + k / 1.3})
        assert r.status_code == 200, r.get_json()
        answer = r.get_json()
        _valid(S.POSITION_ANSWER, answer)
        said += answer["speak"]
        if answer["arrived"]:
            break
    assert answer["arrived"] and not answer["off_route"]
    mains = [item["step"] for item in said if item["kind"] == "main"]
    assert mains == list(range(1, len(body["steps"])))
    assert any(item["kind"] == "pre" for item in said)
    assert said[-1]["text"] == body["steps"][-1]["text"]["main"] and said[-1]["text"].startswith("You have")
    assert answer["progress"]["distance_remaining_m"] < 10
    # repeat: the last instruction again
    rep = client.get(f"/api/v1/sessions/{sid}/repeat").get_json()
    _valid(S.REPEAT_ANSWER, rep)
    assert rep["speak"][0]["text"] == said[-1]["text"] and rep["speak"][0]["repeat"] is True


def test_position_answer_snaps_onto_the_route_and_reports_progress(client):
    sid = _create(client)["id"]
    p = {"lat": FROM["lat"] - 20 / M_PER_DEG_LAT, "lon": FROM["lon"] + 4 / M_PER_DEG_LON, "accuracy_m": 6,
         "heading": 180, "speed": 1.2, "timestamp": "2025-03-01T12:00:00Z"}
    answer = client.post(f"/api/v1/sessions/{sid}/positions", json=p).get_json()
    pos = answer["position"]
    assert pos["distance_from_route_m"] == pytest.approx(4.0, abs=1.0) and pos["on_route"]
    assert pos["lon"] == pytest.approx(FROM["lon"], abs=2e-6) and pos["method"] == "gps"
    prog = answer["progress"]
    assert prog["distance_done_m"] == pytest.approx(20.0, abs=2.0)
    assert prog["distance_done_m"] + prog["distance_remaining_m"] == pytest.approx(100.0, abs=2.0)
    assert prog["next_step_index"] == 1 and prog["next_maneuver"]["kind"] == "cross"
    assert 0.0 <= prog["distance_to_next_m"] <= prog["distance_remaining_m"]


def test_a_repeat_before_any_instruction_repeats_the_first(client):
    body = _create(client)
    rep = client.get(f"/api/v1/sessions/{body['id']}/repeat").get_json()
    assert body["steps"][0]["text"]["main"] in [item["text"] for item in rep["speak"]]


def test_a_repeat_says_the_distance_once_as_it_is_now(client):
    """The instruction again, and the distance to the next maneuver now, not also the one said then."""
    sid = _create(client)["id"]
    posts = 0
    for k in range(0, 100, 2):  # on until an instruction came with its "Weiter ... Meter", and 6 m more
        answer = client.post(f"/api/v1/sessions/{sid}/positions",
                             json={"lat": FROM["lat"] - k / M_PER_DEG_LAT, "lon": FROM["lon"], "accuracy_m": 5,
                                   "timestamp": 1000 + k / 1.3}).get_json()
        posts += sum(item["kind"] == "post" for item in answer["speak"])
        if posts and not answer["speak"]:
            break
    assert posts
    rep = client.get(f"/api/v1/sessions/{sid}/repeat").get_json()
    kinds = [item["kind"] for item in rep["speak"]]
    assert "main" in kinds and kinds.count("reassure") + kinds.count("post") == 1 and kinds[-1] == "reassure", kinds


def test_delete_ends_the_session_and_leaves_nothing(app, client):
    sid = _create(client)["id"]
    client.post(f"/api/v1/sessions/{sid}/positions", json={**FROM, "accuracy_m": 5})
    assert _rows(app) == (1, 1)
    r = client.delete(f"/api/v1/sessions/{sid}")
    assert r.status_code == 204 and r.data == b""
    assert _rows(app) == (0, 0)
    assert client.delete(f"/api/v1/sessions/{sid}").status_code == 404


@pytest.mark.parametrize("method, suffix", [("GET", ""), ("DELETE", ""), ("POST", "/positions"),
                                            ("GET", "/repeat"), ("GET", "/whereami")])
def test_unknown_session_is_a_404_problem(client, method, suffix):
    r = client.open(f"/api/v1/sessions/nope{suffix}", method=method,
                    json={**FROM} if method == "POST" else None)
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert r.get_json()["type"] == "urn:lotse:problem:not-found"
    assert "expired" in r.get_json()["detail"]


@pytest.mark.parametrize("update, slug, words", [
    ({"accuracy_m": 5}, "invalid-request", "GPS fix"),
    ({"lat": 49.44}, "invalid-request", "lon"),
    ({**FROM, "heading": 400}, "invalid-request", "heading"),
    ({**FROM, "timestamp": "yesterday"}, "invalid-request", "ISO 8601"),
    ({**FROM, "timestamp": "2025-03-01T12:00:00"}, "invalid-request", "zone"),
    ({**FROM, "beacons": [{"id": "x"}]}, "invalid-request", "rssi"),
    ({"beacons": [{"id": "ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:1:2", "rssi": -70}]},
     "invalid-request", "no usable beacon"),  # a beacon the registry does not know, and no GPS
])
def test_bad_position_updates_are_problems_with_a_useful_detail(client, update, slug, words):
    sid = _create(client)["id"]
    r = client.post(f"/api/v1/sessions/{sid}/positions", json=update)
    body = r.get_json()
    assert r.status_code == 422 and body["type"] == f"urn:lotse:problem:{slug}", body
    assert words in body["detail"]


def test_beacons_only_without_beacon_positioning_is_a_clear_problem(app, client):
    app.extensions.pop("lotse.locate", None)
    sid = _create(client)["id"]
    r = client.post(f"/api/v1/sessions/{sid}/positions", json={"beacons": [{"id": "b1", "rssi": -60}]})
    body = r.get_json()
    assert r.status_code == 422 and body["type"] == "urn:lotse:problem:positioning-unavailable"
    assert body["title"] == "Beacon positioning unavailable" and "GPS" in body["detail"]
    # with GPS the beacons are ignored and GPS is used
    r = client.post(f"/api/v1/sessions/{sid}/positions",
                    json={**FROM, "accuracy_m": 5, "beacons": [{"id": "b1", "rssi": -60}]})
    assert r.status_code == 200 and r.get_json()["position"]["method"] == "gps"


def test_a_beacon_scan_positions_the_walker(client):
    """The demo map's beacons (data/beacons.csv): the one at the Rathaus stop, heard strongly."""
    sid = _create(client)["id"]
    beacon = "ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:100:1"
    r = client.post(f"/api/v1/sessions/{sid}/positions", json={"beacons": [{"id": beacon, "rssi": -55}]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["position"]["method"] != "gps"


def test_bad_session_requests_are_problems(client):
    r = client.post("/api/v1/sessions", json={"from": FROM, "to": TO, "guidance": {"announce_m": 2}})
    assert r.status_code == 422 and "announce_m" in r.get_json()["detail"]
    r = client.post("/api/v1/sessions", json={"from": FROM, "to": {"lat": 10.0, "lon": 10.0}})
    assert r.status_code == 422 and r.get_json()["type"].endswith("point-off-network")
    r = client.post("/api/v1/sessions", data="{", content_type="application/json")
    assert r.status_code == 400


def test_a_registered_beacon_locator_positions_beacons_only_updates(app, client):
    class Located:
        lat, lon, accuracy_m, method = FROM["lat"], FROM["lon"], 3.0, "likelihood"

    calls = []
    app.extensions["lotse.locate"] = lambda readings, gps: calls.append((readings, gps)) or Located()
    sid = _create(client)["id"]
    r = client.post(f"/api/v1/sessions/{sid}/positions", json={"beacons": [{"id": "b1", "rssi": -60}]})
    assert r.status_code == 200 and r.get_json()["position"]["method"] == "likelihood"
    assert calls == [([{"id": "b1", "rssi": -60}], None)]


def test_audio_urls_when_the_session_asks_and_speech_is_available(app, client):
    class FakeSpeech:
        def synthesize_many(self, texts, lang, rate):
            return {t: f"{abs(hash((t, lang, rate))):016x}" for t in texts}

    app.extensions["lotse.speech"] = FakeSpeech()
    body = _create(client, audio=True)
    assert all(item["audio"].startswith("/api/v1/audio/") and item["audio"].endswith(".wav")
               for item in body["speak"])
    plain = _create(client)
    assert all("audio" not in item for item in plain["speak"])


def test_without_a_speech_engine_audio_sessions_answer_text(app, client):
    from voice.speech import SpeechUnavailable

    class NoSpeech:
        def synthesize_many(self, texts, lang, rate):
            raise SpeechUnavailable("no espeak-ng here")

    app.extensions["lotse.speech"] = NoSpeech()
    body = _create(client, audio=True)
    assert body["speak"] and all("audio" not in item for item in body["speak"])


def test_concurrent_updates_retry_then_answer_409(app, client, monkeypatch):
    from lotse.sessions import SessionService

    sid = _create(client)["id"]
    monkeypatch.setattr(SessionService, "_save", lambda self, *a, **k: False)
    r = client.post(f"/api/v1/sessions/{sid}/positions", json={**FROM, "accuracy_m": 5})
    assert r.status_code == 409 and r.get_json()["type"].endswith("session-conflict")


def test_a_lost_race_is_run_again_on_the_new_state(app, client):
    sid = _create(client)["id"]
    service = app.extensions.get("lotse.sessions")
    with app.test_request_context():
        from lotse.sessions import sessions

        service = sessions()
        loaded = service._load(sid)
        assert service._save(loaded.row, loaded.row.state, [], None)  # someone else wrote first
        assert not service._save(loaded.row, loaded.row.state, [], None)  # the stale version loses
    r = client.post(f"/api/v1/sessions/{sid}/positions", json={**FROM, "accuracy_m": 5})
    assert r.status_code == 200


# --- expiry and privacy -------------------------------------------------------------------

def test_sessions_expire_and_leave_nothing_behind(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "SESSION_TTL_S": 1.0, "SESSION_PURGE_INTERVAL_S": 0.0})
    client = app.test_client()
    sid = _create(client)["id"]
    client.post(f"/api/v1/sessions/{sid}/positions", json={**FROM, "accuracy_m": 5, "heading": 180})
    assert _rows(app) == (1, 1)
    time.sleep(1.2)
    assert client.get("/api/v1/health").status_code == 200  # any request purges
    assert _rows(app) == (0, 0)
    assert client.get(f"/api/v1/sessions/{sid}").status_code == 404


def test_an_expired_session_is_deleted_when_it_is_accessed(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "SESSION_TTL_S": 1.0, "SESSION_PURGE_INTERVAL_S": 3600.0})
    client = app.test_client()
    client.get("/api/v1/health")  # the first purge of this worker ran: the next is an hour away
    sid = _create(client)["id"]
    time.sleep(1.2)
    assert _rows(app) == (1, 1)
    assert client.post(f"/api/v1/sessions/{sid}/positions", json={**FROM}).status_code == 404
    assert _rows(app) == (0, 0)


def test_activity_keeps_a_session_alive(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "SESSION_TTL_S": 1.5, "SESSION_PURGE_INTERVAL_S": 0.0})
    client = app.test_client()
    sid = _create(client)["id"]
    for _ in range(4):
        time.sleep(0.6)
        assert client.post(f"/api/v1/sessions/{sid}/positions", json={**FROM}).status_code == 200


def test_only_the_last_position_is_stored_and_never_the_start(app, client):
    sid = _create(client)["id"]
    for k in range(5):
        client.post(f"/api/v1/sessions/{sid}/positions",
                    json={"lat": FROM["lat"] - k * 2 / M_PER_DEG_LAT, "lon": FROM["lon"], "accuracy_m": 5})
    db = app.extensions["lotse.db"]
    with db.read() as s:
        row = s.get(GuidanceSession, sid)
    assert "from" not in row.request
    last = FROM["lat"] - 8 / M_PER_DEG_LAT
    assert row.state["last_fix"][0] == pytest.approx(last, abs=1e-7)
    stored = repr((row.request, row.settings, row.state, row.last_spoken))
    for k in range(4):  # earlier fixes are nowhere in the row
        assert repr(round(FROM["lat"] - k * 2 / M_PER_DEG_LAT, 7)) not in stored


def test_positions_never_appear_in_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    sid = _create(client)["id"]
    for k in range(0, 60, 3):
        client.post(f"/api/v1/sessions/{sid}/positions",
                    json={"lat": FROM["lat"] - k / M_PER_DEG_LAT, "lon": FROM["lon"], "accuracy_m": 5})
    client.post("/api/v1/whereami", json=FROM)
    client.post("/api/v1/around", json=FROM)
    client.delete(f"/api/v1/sessions/{sid}")
    text = caplog.text
    assert "49.44" not in text and "7.759" not in text


def test_the_access_log_format_logs_no_bodies_or_queries():
    import inspect

    from lotse import server

    source = inspect.getsource(server)  # the format is server.ACCESS_LOG_FORMAT
    assert "%(U)s" in server.ACCESS_LOG_FORMAT and "%(q)s" not in source and "%(r)s" not in source


# --- a route the client already has ---------------------------------------------------------

def test_a_session_can_follow_a_route_response_as_it_is(client):
    route = client.post("/api/v1/routes", json={"from": FROM, "to": TO, "lang": "en"}).get_json()
    r = client.post("/api/v1/sessions", json={"route": route})
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["steps"] == route["steps"] and body["lang"] == "en"
    assert body["speak"][-1]["text"] == route["steps"][0]["text"]["main"]
    said = []
    for k in range(0, 110, 2):
        answer = client.post(f"/api/v1/sessions/{body['id']}/positions",
                             json={"lat": FROM["lat"] - k / M_PER_DEG_LAT, "lon": FROM["lon"], "accuracy_m": 5,
                                   "timestamp": k / 1.3}).get_json()
        said += answer["speak"]
        if answer["arrived"]:
            break
    assert answer["arrived"] and not answer["off_route"]
    assert [i["step"] for i in said if i["kind"] == "main"] == list(range(1, len(route["steps"])))
    assert any(i["kind"] == "pre" and i["text"].startswith("In ") for i in said)


def test_leaving_a_given_route_plans_anew_in_its_language_and_profile(client):
    route = client.post("/api/v1/routes", json={"from": FROM, "to": TO, "lang": "en",
                                                "profile": "blind_cane"}).get_json()
    sid = client.post("/api/v1/sessions", json={"route": route}).get_json()["id"]
    answers = [client.post(f"/api/v1/sessions/{sid}/positions",
                           json={"lat": FROM["lat"] - k / M_PER_DEG_LAT, "lon": FROM["lon"], "accuracy_m": 5,
                                 "timestamp": k / 1.3}).get_json() for k in range(0, 40, 3)]
    off = next(a for a in answers if a["off_route"])  # the blind profile's route turns off; the walker goes on
    assert off["speak"][0]["kind"] == "off_route" and off["speak"][0]["text"].startswith("You have left the route")
    assert all(not item["text"].startswith("Gehen") for item in off["speak"])
    assert off["route"]["properties"]["profile"] == "blind_cane" and off["route_version"] == 1


def test_a_given_route_must_be_a_route_response(client):
    good = client.post("/api/v1/routes", json={"from": FROM, "to": TO}).get_json()
    r = client.post("/api/v1/sessions", json={"route": {"route": good["route"]}})
    assert r.status_code == 422 and "steps" in r.get_json()["detail"]
    r = client.post("/api/v1/sessions", json={"route": {"route": good["route"], "steps": good["steps"][1:]}})
    assert r.status_code == 422 and "depart" in r.get_json()["detail"]
    r = client.post("/api/v1/sessions", json={"route": good, "from": FROM})
    assert r.status_code == 422 and "from" in r.get_json()["detail"]


def test_a_session_that_starts_at_the_goal_says_so_once_and_has_arrived(client):
    body = _create(client, to=FROM)
    texts = [item["text"] for item in body["speak"]]
    assert texts == ["Sie sind bereits am Ziel."]
    got = client.get(f"/api/v1/sessions/{body['id']}").get_json()
    assert got["arrived"] is True


def test_a_timestamp_in_milliseconds_is_understood_and_nonsense_is_refused(client):
    sid = _create(client)["id"]
    ok = client.post(f"/api/v1/sessions/{sid}/positions",
                     json={**FROM, "accuracy_m": 5, "timestamp": 1_740_000_000_000})  # Android's getTime()
    assert ok.status_code == 200 and not ok.get_json().get("stale")
    later = client.post(f"/api/v1/sessions/{sid}/positions",
                        json={"lat": FROM["lat"] - 2 / M_PER_DEG_LAT, "lon": FROM["lon"], "accuracy_m": 5,
                              "timestamp": 1_740_000_001.5})  # the same clock in seconds: 1.5 s later
    assert later.status_code == 200 and not later.get_json().get("stale")
    for nonsense in (1e300, -5):
        r = client.post(f"/api/v1/sessions/{sid}/positions", json={**FROM, "timestamp": nonsense})
        assert r.status_code == 422 and "timestamp" in r.get_json()["detail"]


def test_a_landmark_on_a_stretch_is_said_as_the_walker_passes_it(client):
    """The demo route's beacon at the Mainzer Straße lights: 'Sie sind an der Ampel ...' when there."""
    body = _create(client, profile="blind_cane")
    sid = body["id"]
    expected = [lm for step in body["steps"] for lm in step.get("landmarks") or [] if lm["kind"] == "beacon"]
    assert expected
    said = []
    line = body["route"]["geometry"]["coordinates"]
    from lotse.session_plan import line_of
    poly = line_of(body["route"])
    for k, s in enumerate(np.arange(0.0, poly.length + 1.0, 1.3)):
        lat, lon = poly.point_at(float(s))
        answer = client.post(f"/api/v1/sessions/{sid}/positions",
                             json={"lat": lat, "lon": lon, "accuracy_m": 5, "timestamp": 1000 + k}).get_json()
        said += answer["speak"]
    heard = [item["text"] for item in said if item["kind"] == "landmark"]
    assert any(expected[0]["label"].split(",")[0] in text for text in heard), (heard, line[:2])


def _walk_to(client, sid, poly, metres, t0=1000.0):
    answers = []
    for k, s in enumerate(np.arange(0.0, metres, 2.0)):
        lat, lon = poly.point_at(float(s))
        answers.append(client.post(f"/api/v1/sessions/{sid}/positions",
                                   json={"lat": lat, "lon": lon, "accuracy_m": 5, "heading": 180,
                                         "timestamp": t0 + k * 1.5}).get_json())
    return answers


def _obstacle_on_route(app, client, poly, along_m, severity, description, radius_m):
    """Staff put an obstacle on the session's route, ``along_m`` from its start."""
    from staff_support import auth, make_key

    lat, lon = poly.point_at(along_m)
    response = client.post("/api/v1/obstacles", headers=auth(make_key(app, "staff", "tiefbauamt")), json={
        "geometry": {"type": "Point", "coordinates": [lon, lat]}, "radius_m": radius_m, "kind": "construction",
        "severity": severity, "description": description})
    assert response.status_code == 201, response.get_json()


def _fix_at(client, sid, poly, along_m, t, **extra):
    lat, lon = poly.point_at(along_m)
    return client.post(f"/api/v1/sessions/{sid}/positions",
                       json={"lat": lat, "lon": lon, "accuracy_m": 5, "timestamp": t, **extra}).get_json()


def test_an_obstacle_closing_the_way_ahead_gives_a_running_session_a_new_route_at_once(app, client):
    from lotse.session_plan import line_of

    body = _create(client)  # the walk profile: straight across the unmarked crossing
    sid, poly = body["id"], line_of(body["route"])
    _walk_to(client, sid, poly, 12.0)
    _obstacle_on_route(app, client, poly, 60.0, "impassable", "Baugrube", 3)  # on the way ahead
    answer = _fix_at(client, sid, poly, 14.0, 1100, heading=180)
    said = answer["speak"]
    assert said[0]["kind"] == "route_changed" and said[0]["text"] == "Achtung, auf Ihrem Weg: Baugrube. Neue Route."
    assert answer["route_version"] == 1 and not answer["off_route"]
    new = line_of(answer["route"])
    closed = poly.point_at(60.0)
    assert new.project(lat=closed[0], lon=closed[1]).distance_m > 3.0
    # said once: the next fix on the new route brings no second notice
    again = _fix_at(client, sid, new, 4.0, 1102)
    assert not any(item["kind"] == "route_changed" for item in again["speak"])


def test_an_obstacle_behind_the_walker_changes_nothing(app, client):
    from lotse.session_plan import line_of

    body = _create(client)
    sid, poly = body["id"], line_of(body["route"])
    _walk_to(client, sid, poly, 40.0)
    _obstacle_on_route(app, client, poly, 5.0, "impassable", "Baugrube", 2)
    answer = _fix_at(client, sid, poly, 42.0, 1100)
    assert answer["route_version"] == 0 and not any(i["kind"] == "route_changed" for i in answer["speak"])


def test_a_hazard_ahead_that_the_route_still_passes_is_announced_with_its_distance(app, client):
    from lotse.session_plan import line_of

    body = _create(client)  # walk: a hazard costs a sighted walker nothing, so the route stays
    sid, poly = body["id"], line_of(body["route"])
    _walk_to(client, sid, poly, 12.0)
    _obstacle_on_route(app, client, poly, 40.0, "hazard", "Baugerüst", 2)
    answer = _fix_at(client, sid, poly, 14.0, 1100)
    notice = [i["text"] for i in answer["speak"] if i["kind"] == "route_changed"]
    assert answer["route_version"] == 0 and "route" not in answer
    assert len(notice) == 1 and notice[0].startswith("Achtung, auf Ihrem Weg: Baugerüst, in 2") \
        and "Neue Route" not in notice[0], notice


def test_unknown_heading_speed_and_accuracy_may_be_sent_as_null(client):
    sid = _create(client)["id"]
    r = client.post(f"/api/v1/sessions/{sid}/positions",
                    json={**FROM, "accuracy_m": None, "heading": None, "speed": None, "timestamp": 1000})
    assert r.status_code == 200, r.get_json()
