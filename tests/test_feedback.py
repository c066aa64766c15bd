"""Feedback: residents and partners report, staff list, filter and close; open reports reach the quality map."""

from __future__ import annotations

import pytest

from lotse import create_app
from lotse.storage import keys
from lotse.storage.audit import Actor

SE = {"lat": 49.4433597, "lon": 7.7593084}  # demo node 130
NE = {"lat": 49.4424604, "lon": 7.7593084}  # demo node 131
C103 = {"lat": 49.4420107, "lon": 7.7600000}  # demo crossing 103: signals, sound unknown
ROUTE = {"from": SE, "to": NE, "profile": "blind_cane"}


@pytest.fixture()
def env(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True})
    made = {}
    with app.extensions["lotse.db"].write() as session:
        for role in ("staff", "partner"):
            _, made[role] = keys.create(session, f"{role} key", role, Actor(None, "test", "admin"))
    auth = {role: {"Authorization": f"Bearer {k}"} for role, k in made.items()}
    return app, app.test_client(), auth


def problem(response, status, slug):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == f"urn:lotse:problem:{slug}" and body["detail"]
    return body


def report(client, headers=None, **body):
    return client.post("/api/v1/feedback", json=body, headers=headers or {})


def test_a_resident_reports_a_place_without_a_key(env):
    _, client, _ = env
    response = report(client, category="missing_signal_sound", message="Die Ampel hat kein Blindensignal",
                      location=C103)
    assert response.status_code == 201, response.get_data(as_text=True)
    feature = response.get_json()
    assert feature["geometry"] == {"type": "Point", "coordinates": [C103["lon"], C103["lat"]]}
    props = feature["properties"]
    assert props["status"] == "open" and props["reporter"] == {"role": "resident", "name": None}
    assert props["message"] == "Die Ampel hat kein Blindensignal"
    assert response.headers["Location"].endswith(f"/api/v1/feedback/{feature['id']}")


def test_a_partner_reports_a_step_of_a_route(env):
    _, client, auth = env
    steps = client.post("/api/v1/routes", json=ROUTE).get_json()["steps"]
    index = next(i for i, s in enumerate(steps) if s["kind"] == "cross")
    response = report(client, auth["partner"], category="guidance_wrong", message="Hier war keine Ampel zu hören",
                      route={"request": ROUTE, "step_index": index, "step_text": "Überqueren Sie jetzt ..."})
    assert response.status_code == 201, response.get_data(as_text=True)
    feature = response.get_json()
    props = feature["properties"]
    assert props["reporter"] == {"role": "partner", "name": "partner key"}
    step = props["route"]["step"]
    assert step["kind"] == "cross" and step["crossing"]["control"] == "signals"
    assert step["heard"] == "Überqueren Sie jetzt ..."
    assert feature["geometry"]["coordinates"] == step["location"]  # the step's place is the report's place
    assert props["route"]["request"] == ROUTE and props["route"]["step_index"] == index


def test_a_whole_route_without_a_step(env):
    _, client, _ = env
    response = report(client, category="route_unsafe", message="Zu viele Umwege", route={"request": ROUTE})
    assert response.status_code == 201
    assert response.get_json()["geometry"] is None


@pytest.mark.parametrize("body, fragment", [
    ({"category": "obstacle", "message": "Baustelle"}, "say where"),
    ({"category": "noise", "message": "laut", "location": C103}, "category"),
    ({"category": "obstacle", "message": "     ", "location": C103}, "3 characters"),
    ({"category": "obstacle", "message": "x" * 2001, "location": C103}, "message"),
    ({"category": "obstacle", "message": "Baustelle", "location": {"lat": 91, "lon": 7}}, "location.lat"),
    ({"category": "steps", "message": "Stufe", "route": {"request": ROUTE, "step_index": 99}}, "past the route"),
    ({"category": "steps", "message": "Stufe", "route": {"request": {"from": SE}}}, "cannot be planned"),
    ({"category": "steps", "message": "Stufe", "route": {"request": {"from": {"lat": 49.5, "lon": 7.9}, "to": NE}}},
     "cannot be planned"),
    ({"category": "steps", "message": "Stufe", "location": C103, "email": "a@b.de"}, "email"),
])
def test_bad_reports_are_problems(env, body, fragment):
    _, client, _ = env
    detail = problem(client.post("/api/v1/feedback", json=body), 422, "invalid-request")["detail"]
    assert fragment in detail


def test_a_location_that_is_not_a_number(env):
    _, client, _ = env
    body = '{"category": "other", "message": "Hallo", "location": {"lat": NaN, "lon": 7.76}}'
    response = client.post("/api/v1/feedback", data=body, content_type="application/json")
    assert response.status_code == 422 and "finite" in response.get_json()["detail"]


def test_an_unknown_key_is_refused_not_ignored(env):
    _, client, _ = env
    problem(report(client, {"Authorization": "Bearer wrong"}, category="other", message="Hallo", location=C103),
            401, "unauthorized")


def test_staff_list_filter_page_and_close(env):
    _, client, auth = env
    ids = []
    for i, category in enumerate(["missing_signal_sound", "obstacle", "steps", "obstacle", "other"]):
        loc = {"lat": 49.4420107 + i * 0.001, "lon": 7.76}
        ids.append(report(client, category=category, message=f"Meldung {i}", location=loc).get_json()["id"])
    staff = auth["staff"]
    problem(client.get("/api/v1/feedback"), 401, "unauthorized")
    problem(client.get("/api/v1/feedback", headers=auth["partner"]), 403, "forbidden")

    page = client.get("/api/v1/feedback?limit=2", headers=staff).get_json()
    assert [f["id"] for f in page["features"]] == ids[::-1][:2] and page["total"] == 5
    page2 = client.get(f"/api/v1/feedback?limit=2&cursor={page['next_cursor']}", headers=staff).get_json()
    assert [f["id"] for f in page2["features"]] == ids[::-1][2:4]
    only = client.get("/api/v1/feedback?category=obstacle", headers=staff).get_json()
    assert {f["id"] for f in only["features"]} == {ids[1], ids[3]} and only["total"] == 2
    boxed = client.get("/api/v1/feedback?bbox=7.75,49.441,7.77,49.4435", headers=staff).get_json()
    assert {f["id"] for f in boxed["features"]} == {ids[0], ids[1]}

    problem(client.patch(f"/api/v1/feedback/{ids[1]}", json={"status": "closed"}, headers=staff),
            422, "invalid-request")
    closed = client.patch(f"/api/v1/feedback/{ids[1]}", json={"status": "closed", "note": "Baustelle geräumt"},
                          headers=staff)
    assert closed.status_code == 200, closed.get_data(as_text=True)
    props = closed.get_json()["properties"]
    assert props["status"] == "closed" and props["note"] == "Baustelle geräumt"
    assert props["closed_by"] == "staff key" and props["closed_at"]
    open_ = client.get("/api/v1/feedback?status=open", headers=staff).get_json()
    assert ids[1] not in {f["id"] for f in open_["features"]} and open_["total"] == 4
    reopened = client.patch(f"/api/v1/feedback/{ids[1]}", json={"status": "open"}, headers=staff).get_json()
    assert reopened["properties"]["status"] == "open" and reopened["properties"]["closed_at"] is None
    with env[0].app_context():
        from lotse.db import get_db
        from lotse.storage import audit

        with get_db().read() as session:
            entries = audit.search(session, entity="feedback", entity_id=str(ids[1]))
            assert [(e.actor_name, e.after["status"]) for e in entries] == [("staff key", "open"),
                                                                            ("staff key", "closed")]


@pytest.mark.parametrize("query", ["status=pending", "category=noise", "limit=0", "bbox=1,2", "since=yesterday",
                                   "cursor=abc"])
def test_bad_filters(env, query):
    _, client, auth = env
    problem(client.get(f"/api/v1/feedback?{query}", headers=auth["staff"]), 422, "invalid-request")


def test_get_and_patch_errors(env):
    _, client, auth = env
    staff = auth["staff"]
    problem(client.get("/api/v1/feedback/999", headers=staff), 404, "not-found")
    problem(client.get("/api/v1/feedback/abc", headers=staff), 404, "not-found")
    problem(client.patch("/api/v1/feedback/999", json={"status": "closed", "note": "erledigt"}, headers=staff),
            404, "not-found")
    fid = report(client, category="other", message="Hallo", location=C103).get_json()["id"]
    problem(client.patch(f"/api/v1/feedback/{fid}", json={}, headers=staff), 422, "invalid-request")
    problem(client.patch(f"/api/v1/feedback/{fid}", json={"status": "done"}, headers=staff), 422, "invalid-request")
    problem(client.patch(f"/api/v1/feedback/{fid}", json={"status": "open"}, headers=auth["partner"]),
            403, "forbidden")
    assert client.get(f"/api/v1/feedback/{fid}", headers=staff).get_json()["properties"]["message"] == "Hallo"


def test_open_feedback_is_on_the_quality_map(env, monkeypatch):
    import lotse.quality

    monkeypatch.setattr(lotse.quality, "_memory", {})  # keep the usage cache of other tests' processes as it was
    _, client, auth = env
    staff = auth["staff"]
    fid = report(client, category="missing_signal_sound", message="Kein Blindensignal", location=C103).get_json()["id"]
    far = report(client, category="obstacle", message="Weit weg", location={"lat": 49.6, "lon": 7.9}).get_json()["id"]
    doc = client.get("/api/v1/quality?kind=feedback", headers=staff).get_json()
    by_id = {f["id"]: f for f in doc["features"]}
    mine = by_id[f"feedback/{fid}"]["properties"]
    assert mine["kind"] == "feedback" and mine["missing"] == ["missing_signal_sound"]
    assert mine["message"] == "Kein Blindensignal" and mine["usage"] > 0  # ranked by the walkers passing there
    assert by_id[f"feedback/{far}"]["properties"]["usage"] == 0
    client.patch(f"/api/v1/feedback/{fid}", json={"status": "closed", "note": "Signal nachgemeldet"}, headers=staff)
    doc = client.get("/api/v1/quality?kind=feedback", headers=staff).get_json()
    assert f"feedback/{fid}" not in {f["id"] for f in doc["features"]}


def test_the_migration_upgrades_and_downgrades(tmp_path):
    from lotse.db import Database

    db = Database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    db.upgrade()
    assert db.current_revision() == db.head_revision()
    from alembic import command

    with db.engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0001")
    assert db.current_revision() == "0001"
    db.upgrade()
    assert db.current_revision() == db.head_revision()
