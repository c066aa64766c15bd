"""Obstacles API on the demo map: keys and roles, validation, paging and filters, effect on routes, audit."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from lotse import create_app
from lotse.storage import keys
from lotse.storage.audit import Actor
from staff_support import auth, make_key

# Demo map (data/README.md): the ends of the unmarked-crossing shortcut and the crossing itself.
SE = {"lat": 49.4433597, "lon": 7.7593084}
NE = {"lat": 49.4424604, "lon": 7.7593084}
UNMARKED_102 = [7.7593084, 49.4430000]  # lon, lat
FOOTWAY_36_MID = [7.7593084, 49.4430000 - 30 / 111195.08]  # 30 m south of 102 on footway 36
M_LON = 1 / 72299.51  # degrees per metre east
M_LAT = 1 / 111195.08


def iso(dt: datetime) -> str:
    return dt.isoformat()


NOW = datetime.now(timezone.utc)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({"DATA_DIR": str(tmp_path_factory.mktemp("staff")), "TESTING": True})


@pytest.fixture(scope="module")
def keyring(app):
    return {role: make_key(app, role, f"test-{role}") for role in ("staff", "partner", "admin")}


@pytest.fixture
def client(app):
    return app.test_client()


def point(lonlat, radius=3.0, **extra) -> dict:
    body = {"geometry": {"type": "Point", "coordinates": lonlat}, "radius_m": radius, "kind": "construction",
            "severity": "impassable", "description": "Baustelle auf dem Gehweg"}
    body.update(extra)
    return body


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == f"urn:lotse:problem:{slug}", body
    assert body["detail"]
    return body


def route(client, **extra) -> dict:
    response = client.post("/api/v1/routes", json={"from": SE, "to": NE, **extra})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def create(client, keyring, body) -> dict:
    response = client.post("/api/v1/obstacles", json=body, headers=auth(keyring["staff"]))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def delete(client, keyring, oid) -> None:
    assert client.delete(f"/api/v1/obstacles/{oid}", headers=auth(keyring["staff"])).status_code == 204


# --- keys and roles -----------------------------------------------------------

def test_reading_needs_no_key_but_writing_needs_staff(client, keyring):
    assert client.get("/api/v1/obstacles").status_code == 200
    assert_problem(client.post("/api/v1/obstacles", json=point(UNMARKED_102)), 401, "unauthorized")
    assert_problem(client.post("/api/v1/obstacles", json=point(UNMARKED_102), headers=auth("lotse_nonsense")),
                   401, "unauthorized")
    assert_problem(client.post("/api/v1/obstacles", json=point(UNMARKED_102), headers={"Authorization": "Basic x"}),
                   401, "unauthorized")
    body = assert_problem(client.post("/api/v1/obstacles", json=point(UNMARKED_102),
                                      headers=auth(keyring["partner"])), 403, "forbidden")
    assert keyring["partner"] not in body["detail"]
    created = create(client, keyring, point(UNMARKED_102))
    assert created["properties"]["created_by"] == "test-staff"
    admin = client.delete(f"/api/v1/obstacles/{created['id']}", headers=auth(keyring["admin"]))
    assert admin.status_code == 204


def test_revoked_key_stops_working(app, client):
    secret = make_key(app, "staff", "to-revoke")
    assert client.post("/api/v1/obstacles", json={}, headers=auth(secret)).status_code == 422  # authorised
    with app.extensions["lotse.db"].write() as session:
        keys.revoke(session, "to-revoke", Actor(None, "test", "admin"))
    assert_problem(client.post("/api/v1/obstacles", json={}, headers=auth(secret)), 401, "unauthorized")


def test_only_the_hash_of_a_key_is_stored(app, keyring):
    with app.extensions["lotse.db"].read() as session:
        rows = keys.all_keys(session)
        stored = {r.key_hash for r in rows}
        assert keys.hash_key(keyring["staff"]) in stored
        assert all(keyring["staff"] not in (r.key_hash, r.prefix, r.name) for r in rows)


def test_audit_is_for_admins(client, keyring):
    assert_problem(client.get("/api/v1/audit"), 401, "unauthorized")
    assert_problem(client.get("/api/v1/audit", headers=auth(keyring["staff"])), 403, "forbidden")
    assert client.get("/api/v1/audit", headers=auth(keyring["admin"])).status_code == 200


# --- validation ---------------------------------------------------------------

BOWTIE = [[UNMARKED_102[0], UNMARKED_102[1]], [UNMARKED_102[0] + 10 * M_LON, UNMARKED_102[1] + 10 * M_LAT],
          [UNMARKED_102[0] + 10 * M_LON, UNMARKED_102[1]], [UNMARKED_102[0], UNMARKED_102[1] + 10 * M_LAT],
          [UNMARKED_102[0], UNMARKED_102[1]]]
BIG = [[7.7590, 49.4425], [7.7610, 49.4425], [7.7610, 49.4440], [7.7590, 49.4440], [7.7590, 49.4425]]  # ~150 x 170 m


@pytest.mark.parametrize("patch, status, slug, words", [
    ({"geometry": {"type": "MultiPoint", "coordinates": [[7.76, 49.44]]}}, 422, "invalid-request", "geometry"),
    ({"geometry": {"type": "Point", "coordinates": [7.76]}}, 422, "invalid-geometry", "lon, lat"),
    ({"geometry": {"type": "Point", "coordinates": [200, 49.44]}}, 422, "invalid-geometry", "outside"),
    ({"geometry": {"type": "Polygon", "coordinates": [BOWTIE]}, "radius_m": None}, 422, "invalid-geometry",
     "Self-intersection"),
    ({"geometry": {"type": "Polygon", "coordinates": [BOWTIE[:-1]]}, "radius_m": None}, 422, "invalid-geometry",
     "not closed"),
    ({"geometry": {"type": "Polygon", "coordinates": [BIG]}, "radius_m": None}, 422, "obstacle-too-large", "m²"),
    ({"geometry": {"type": "LineString", "coordinates": [[7.70, 49.44], [7.74, 49.44]]}, "radius_m": None}, 422,
     "obstacle-too-large", "2,000 m"),
    ({"geometry": {"type": "LineString", "coordinates": [UNMARKED_102, FOOTWAY_36_MID]}}, 422, "invalid-geometry",
     "radius_m"),
    ({"radius_m": 500}, 422, "invalid-request", "radius_m"),
    ({"geometry": {"type": "Point", "coordinates": [7.79, 49.46]}}, 422, "obstacle-off-network", "nearest walkable way"),
    ({"kind": "volcano"}, 422, "invalid-request", "kind"),
    ({"severity": "mild"}, 422, "invalid-request", "severity"),
    ({"valid_from": iso(NOW), "valid_until": iso(NOW - timedelta(hours=1))}, 422, "invalid-request", "after valid_from"),
    ({"valid_from": "2025-05-01T08:00:00"}, 422, "invalid-request", "timezone"),
    ({"valid_until": "next tuesday"}, 422, "invalid-request", "ISO 8601"),
    ({"description": "  "}, 422, "invalid-request", "description"),
    ({"colour": "red"}, 422, "invalid-request", "colour"),
])
def test_bad_obstacles_are_clear_problems(client, keyring, patch, status, slug, words):
    body = point(UNMARKED_102)
    body.update(patch)
    problem = assert_problem(client.post("/api/v1/obstacles", json=body, headers=auth(keyring["staff"])), status, slug)
    assert words in problem["detail"], problem["detail"]


def test_malformed_body_and_unknown_ids(client, keyring):
    assert_problem(client.post("/api/v1/obstacles", data="{x", content_type="application/json",
                               headers=auth(keyring["staff"])), 400, "malformed-json")
    assert_problem(client.get("/api/v1/obstacles/999999"), 404, "not-found")
    assert_problem(client.get("/api/v1/obstacles/abc"), 404, "not-found")
    assert_problem(client.patch("/api/v1/obstacles/999999", json={"description": "Gehweg frei"},
                                headers=auth(keyring["staff"])), 404, "not-found")
    assert_problem(client.delete("/api/v1/obstacles/999999", headers=auth(keyring["staff"])), 404, "not-found")


def test_response_names_the_affected_edges(client, keyring):
    created = create(client, keyring, point(UNMARKED_102, radius=3.0))
    try:
        affected = created["properties"]["affected"]
        ways = {e["osm_way"] for e in affected["edges"]}
        assert {35, 36, 2} <= ways  # the two shortcut footways and Mainzer Straße
        assert affected["count"] == len(affected["edges"])
        assert "Mainzer Straße" in {e["street"] for e in affected["edges"]}
        assert created["properties"]["active"] is True
    finally:
        delete(client, keyring, created["id"])


def test_a_sidewalk_drawn_beside_a_centreline_snaps_onto_it(client, keyring):
    # 7 m north of the centreline of Mainzer Straße way 3 (east of the junction, sidewalk=both, no separate way)
    y = 49.4430000 + 7 * M_LAT
    line = {"type": "LineString", "coordinates": [[7.7600 + 30 * M_LON, y], [7.7600 + 45 * M_LON, y]]}
    created = create(client, keyring, {**point(UNMARKED_102), "geometry": line, "radius_m": None})
    try:
        assert {e["osm_way"] for e in created["properties"]["affected"]["edges"]} == {3}
    finally:
        delete(client, keyring, created["id"])


# --- effect on routes ----------------------------------------------------------

def test_impassable_obstacle_is_avoided_by_the_next_route(client, keyring):
    before = route(client)
    assert before["route"]["properties"]["distance_m"] == pytest.approx(100.0, abs=1.0)
    created = create(client, keyring, point(UNMARKED_102, radius=3.0))
    after = route(client)
    try:
        assert after["route"]["properties"]["distance_m"] == pytest.approx(130.1, abs=1.5)  # via the signals
        assert after["route"]["properties"]["obstacles_version"] > before["route"]["properties"]["obstacles_version"]
        assert not any(s.get("warnings") for s in after["steps"])
    finally:
        delete(client, keyring, created["id"])
    assert route(client)["route"]["properties"]["distance_m"] == pytest.approx(100.0, abs=1.0)


# Along Mainzer Straße east of the junction (way 3, one centreline): a detour is long, so a hazard is passed.
EAST_20 = {"lat": 49.4430000, "lon": 7.7600000 + 20 * M_LON}
EAST_100 = {"lat": 49.4430000, "lon": 7.7600000 + 100 * M_LON}
EAST_60 = [7.7600000 + 60 * M_LON, 49.4430000]


def test_hazard_on_the_route_is_announced(client, keyring):
    created = create(client, keyring, point(EAST_60, radius=2.0, severity="hazard",
                                            description="Baustelle auf dem Gehweg", kind="construction"))
    try:
        body = route(client, **{"from": EAST_20, "to": EAST_100})
        assert body["route"]["properties"]["distance_m"] == pytest.approx(80.0, abs=1.0)
        warned = [s for s in body["steps"] if s.get("warnings")]
        assert warned, body["steps"]
        step = warned[0]
        assert step["warnings"][0]["description"] == "Baustelle auf dem Gehweg"
        if step["kind"] == "hazard":
            assert step["text"]["main"] == "Achtung: Baustelle auf dem Gehweg, in 20 Metern."
        else:
            assert "Achtung" in (step["text"]["main"] + (step["text"]["post"] or ""))
        audit = body["route"]["properties"]["audit"]
        assert audit["hazards"] == [{"kind": "construction", "description": "Baustelle auf dem Gehweg"}]
        english = route(client, lang="en", **{"from": EAST_20, "to": EAST_100})
        assert any("Caution" in s["text"]["main"] for s in english["steps"] if s.get("warnings"))
    finally:
        delete(client, keyring, created["id"])


def test_obstacles_outside_their_validity_window_do_not_apply(client, keyring):
    expired = create(client, keyring, point(UNMARKED_102, valid_from=iso(NOW - timedelta(days=2)),
                                            valid_until=iso(NOW - timedelta(days=1))))
    future = create(client, keyring, point(UNMARKED_102, valid_from=iso(NOW + timedelta(days=1))))
    try:
        assert expired["properties"]["active"] is False and future["properties"]["active"] is False
        assert route(client)["route"]["properties"]["distance_m"] == pytest.approx(100.0, abs=1.0)
        ids = [f["id"] for f in client.get("/api/v1/obstacles?active_at=now").get_json()["features"]]
        assert expired["id"] not in ids and future["id"] not in ids
        later = (NOW + timedelta(days=1, hours=1)).isoformat().replace("+00:00", "Z")
        ids = [f["id"] for f in client.get(f"/api/v1/obstacles?active_at={later}").get_json()["features"]]
        assert future["id"] in ids and expired["id"] not in ids
    finally:
        delete(client, keyring, expired["id"])
        delete(client, keyring, future["id"])


def test_an_obstacle_ending_soon_stops_applying_without_a_write(client, keyring):
    import time

    ending = create(client, keyring, point(UNMARKED_102, valid_until=iso(datetime.now(timezone.utc) + timedelta(seconds=2))))
    try:
        assert route(client)["route"]["properties"]["distance_m"] == pytest.approx(130.1, abs=1.5)
        time.sleep(2.2)
        assert route(client)["route"]["properties"]["distance_m"] == pytest.approx(100.0, abs=1.0)
    finally:
        delete(client, keyring, ending["id"])


def test_route_blocked_when_nothing_else_connects(tmp_path):
    # With a 10 m snap limit, a point beside the shortcut has no other way to snap to.
    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True, "MAX_SNAP_M": 10.0})
    key = make_key(app, "staff", "blocker")
    client = app.test_client()
    body = point(FOOTWAY_36_MID, radius=4.0)
    assert client.post("/api/v1/obstacles", json=body, headers=auth(key)).status_code == 201
    goal = {"lat": FOOTWAY_36_MID[1], "lon": FOOTWAY_36_MID[0]}
    problem = assert_problem(client.post("/api/v1/routes", json={"from": SE, "to": goal}), 422, "route-blocked")
    assert problem["obstacles"][0]["description"] == "Baustelle auf dem Gehweg"


def test_a_destination_on_a_blocked_way_is_route_blocked_not_moved(client, keyring):
    created = create(client, keyring, point(FOOTWAY_36_MID, radius=4.0))
    try:
        goal = {"lat": FOOTWAY_36_MID[1], "lon": FOOTWAY_36_MID[0]}
        problem = assert_problem(client.post("/api/v1/routes", json={"from": SE, "to": goal}), 422, "route-blocked")
        assert "destination" in problem["detail"] and problem["obstacles"][0]["id"] == created["id"]
        # the start may lie on a blocked way: the walker is led out from the nearest open way
        response = client.post("/api/v1/routes", json={"from": goal, "to": SE})
        assert response.status_code == 200, response.get_data(as_text=True)
    finally:
        delete(client, keyring, created["id"])


# --- changes, paging, filters, audit -----------------------------------------------

def test_patch_changes_and_is_audited(client, keyring):
    created = create(client, keyring, point(UNMARKED_102, severity="hazard"))
    oid = created["id"]
    response = client.patch(f"/api/v1/obstacles/{oid}", json={"severity": "impassable", "description_en": "Roadworks"},
                            headers=auth(keyring["staff"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    changed = response.get_json()["properties"]
    assert changed["severity"] == "impassable" and changed["description_en"] == "Roadworks"
    assert changed["revision"] == 2 and changed["description"] == "Baustelle auf dem Gehweg"
    bad = client.patch(f"/api/v1/obstacles/{oid}", json={"valid_until": iso(NOW - timedelta(days=3))},
                       headers=auth(keyring["staff"]))
    assert_problem(bad, 422, "invalid-request")
    assert client.get(f"/api/v1/obstacles/{oid}").get_json()["properties"]["revision"] == 2  # nothing written
    delete(client, keyring, oid)
    assert_problem(client.get(f"/api/v1/obstacles/{oid}"), 404, "not-found")
    trail = client.get(f"/api/v1/audit?entity=obstacle&entity_id={oid}", headers=auth(keyring["admin"])).get_json()
    actions = [e["action"] for e in trail["entries"]]
    assert actions == ["delete", "update", "create"]  # newest first
    delete_e, update_e, create_e = trail["entries"]
    assert create_e["before"] is None and create_e["after"]["severity"] == "hazard"
    assert update_e["before"]["severity"] == "hazard" and update_e["after"]["severity"] == "impassable"
    assert delete_e["after"] is None and delete_e["before"]["revision"] == 2
    assert {e["actor"]["name"] for e in trail["entries"]} == {"test-staff"}


def test_paging_is_stable_and_filters_combine(client, keyring):
    made = []
    spots = [[UNMARKED_102[0], UNMARKED_102[1] - k * 5 * M_LAT] for k in range(7)]
    for k, spot in enumerate(spots):
        made.append(create(client, keyring, point(spot, radius=1.0, kind="temporary_barrier" if k % 2 else "other",
                                                  severity="hazard" if k < 3 else "impassable"))["id"])
    try:
        seen, cursor, pages = [], None, 0
        while True:
            url = "/api/v1/obstacles?limit=3" + (f"&cursor={cursor}" if cursor else "")
            page = client.get(url).get_json()
            seen += [f["id"] for f in page["features"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert [i for i in seen if i in made] == made and seen == sorted(seen) and len(seen) == len(set(seen))
        assert pages >= 3
        barrier = client.get("/api/v1/obstacles?kind=temporary_barrier&severity=impassable").get_json()
        assert {f["id"] for f in barrier["features"]} == {made[3], made[5]}
        lon, lat = spots[6]
        box = f"{lon - 2 * M_LON},{lat - 2 * M_LAT},{lon + 2 * M_LON},{lat + 2 * M_LAT}"
        assert [f["id"] for f in client.get(f"/api/v1/obstacles?bbox={box}").get_json()["features"]] == [made[6]]
        for bad in ("limit=0", "limit=x", "cursor=abc", "bbox=1,2,3", "kind=volcano", "active_at=yesterday",
                    "bbox=10,50,5,40"):
            assert_problem(client.get(f"/api/v1/obstacles?{bad}"), 422, "invalid-request")
    finally:
        for oid in made:
            delete(client, keyring, oid)


def test_audit_pages_and_filters(client, keyring):
    ids = [create(client, keyring, point(UNMARKED_102))["id"] for _ in range(3)]
    for oid in ids:
        delete(client, keyring, oid)
    headers = auth(keyring["admin"])
    first = client.get("/api/v1/audit?limit=2&entity=obstacle", headers=headers).get_json()
    second = client.get(f"/api/v1/audit?limit=2&entity=obstacle&cursor={first['next_cursor']}", headers=headers).get_json()
    a, b = [e["id"] for e in first["entries"]], [e["id"] for e in second["entries"]]
    assert a == sorted(a, reverse=True) and b == sorted(b, reverse=True) and a[-1] > b[0]
    by_actor = client.get("/api/v1/audit?actor=test-staff&limit=200", headers=headers).get_json()["entries"]
    assert by_actor and all(e["actor"]["name"] == "test-staff" for e in by_actor)
    since = (NOW + timedelta(days=365)).isoformat()
    assert client.get("/api/v1/audit", query_string={"since": since}, headers=headers).get_json()["entries"] == []
    keys_trail = client.get("/api/v1/audit?entity=api_key", headers=headers).get_json()["entries"]
    assert {"create"} <= {e["action"] for e in keys_trail}
    assert all("key_hash" not in (e["after"] or {}) for e in keys_trail)


def test_health_reports_the_obstacles_version(client, keyring):
    v0 = client.get("/api/v1/health").get_json()["obstacles_version"]
    created = create(client, keyring, point(UNMARKED_102))
    assert client.get("/api/v1/health").get_json()["obstacles_version"] == v0 + 1
    delete(client, keyring, created["id"])
    assert client.get("/api/v1/health").get_json()["obstacles_version"] == v0 + 2


def test_openapi_documents_the_staff_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["paths"]["/api/v1/obstacles"]["post"]["x-required-role"] == "staff"
    assert doc["paths"]["/api/v1/audit"]["get"]["x-required-role"] == "admin"
    assert "get" in doc["paths"]["/api/v1/obstacles/{obstacle_id}"]
    assert "urn:lotse:problem:route-blocked" in doc["components"]["x-problem-types"]
