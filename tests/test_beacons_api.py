"""Beacon registry API and ``POST /api/v1/locate`` on the demo map.

Ids in URLs (``:`` and ``/`` in ids, any spelling, percent-encoding), keys and
roles, validation, paging and filters, the audit trail, the graph's own beacons
(data/beacons.csv is built into the demo map), each positioning method,
ignored and rejected readings, snapping onto the graph, and a live guidance
session fed with beacon scans only.
"""

from __future__ import annotations

import math
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator

from beacons.io import read_beacons
from lotse import create_app
from staff_support import auth, make_key
from lotse.graphs import DEMO_BEACONS
from routing.geo import LocalFrame, haversine_m

UUID = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"
RATHAUS_A = f"ibeacon:{UUID}:100:1"  # data/beacons.csv: bus stop Rathaus, platform A
NORTH_101 = f"ibeacon:{UUID}:100:2"  # north end of the signalised crossing 101
SOUTH_101 = f"ibeacon:{UUID}:100:3"
MARKT = "eddystone:6c6f7473652d64656d6f:000000000004"
M_LAT, M_LON = 1 / 111195.08, 1 / 72299.51  # degrees per metre (data/README.md)
#: A spot on the footway 36 south of the unmarked crossing 102 (demo map), 20 m from Mainzer Straße.
SPOT = (49.4430000 - 20 * M_LAT, 7.7593084)
FRAME = LocalFrame(*SPOT)
TX, N, H = -59.0, 2.0, 1.0


def rssi_at(beacon_xy: tuple[float, float], xy: tuple[float, float], tx: float = TX, n: float = N) -> float:
    """The log-distance model's RSSI (antenna height H) of a beacon at ``beacon_xy`` heard at ``xy``."""
    d = math.hypot(beacon_xy[0] - xy[0], beacon_xy[1] - xy[1])
    return tx - 10 * n * math.log10(math.hypot(d, H))


def latlon(x: float, y: float) -> tuple[float, float]:
    lat, lon = FRAME.to_latlon(x, y)
    return float(lat), float(lon)


#: Four test beacons on a 16 m square around SPOT, plus a switched-off one.
SQUARE = {"test:sw": (-8.0, -8.0), "test:se": (8.0, -8.0), "test:ne": (8.0, 8.0), "test:nw": (-8.0, 8.0)}
OFF = "test:off"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({"DATA_DIR": str(tmp_path_factory.mktemp("beacons-api")), "TESTING": True})


@pytest.fixture(scope="module")
def keyring(app):
    return {role: make_key(app, role, f"beacon-test-{role}") for role in ("staff", "partner", "admin")}


@pytest.fixture
def client(app):
    return app.test_client()


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == f"urn:lotse:problem:{slug}", body
    assert body["detail"]
    return body


def beacon_body(bid: str, x: float = 0.0, y: float = 0.0, **extra) -> dict:
    lat, lon = latlon(x, y)
    return {"id": bid, "lat": lat, "lon": lon, "label": f"Testbake {bid}", "kind": "waypoint", **extra}


def post(client, keyring, body, status: int = 201) -> dict:
    response = client.post("/api/v1/beacons", json=body, headers=auth(keyring["staff"]))
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture(scope="module")
def square(app, keyring):
    """The test square registered once (module scope), and one inactive beacon."""
    client = app.test_client()
    for bid, (x, y) in SQUARE.items():
        post(client, keyring, beacon_body(bid, x, y))
    post(client, keyring, beacon_body(OFF, 0.0, 0.0, active=False))
    return SQUARE


def locate(client, body, status: int = 200) -> dict:
    response = client.post("/api/v1/locate", json=body)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def scan(at: tuple[float, float], ids) -> list[dict]:
    return [{"id": bid, "rssi": round(rssi_at(SQUARE[bid], at), 1)} for bid in ids]


def error_m(fix: dict, at: tuple[float, float]) -> float:
    return float(haversine_m(fix["lat"], fix["lon"], *latlon(*at)))


# -- ids in URLs -------------------------------------------------------------------------


def test_ids_with_colons_and_slashes_work_in_urls_in_any_spelling(client, keyring):
    raw = "IBEACON:" + UUID.replace("-", "").upper() + ":00200:0007"
    canonical = f"ibeacon:{UUID}:200:7"
    response = client.post("/api/v1/beacons", json=beacon_body(raw, 0, 30), headers=auth(keyring["staff"]))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["id"] == canonical
    assert response.headers["Location"].endswith(f"/api/v1/beacons/{canonical}")
    for path in (canonical, raw, quote(canonical, safe=""), quote(raw, safe=""), response.headers["Location"]):
        url = path if path.startswith("/") else f"/api/v1/beacons/{path}"
        got = client.get(url)
        assert got.status_code == 200, (url, got.get_data(as_text=True))
        assert got.get_json()["id"] == canonical

    free = "Rathaus/Eingang Süd:2"  # free ids keep their case and may hold '/', ':' and spaces
    created = post(client, keyring, beacon_body(free, 5, 30))
    assert created["id"] == free
    for url in (f"/api/v1/beacons/{free}", f"/api/v1/beacons/{quote(free, safe='')}"):
        assert client.get(url).get_json()["id"] == free
    assert_problem(client.get(f"/api/v1/beacons/{free.lower()}"), 404, "not-found")

    eddy = "eddystone:00112233445566778899:AABBCCDDEEFF"
    assert post(client, keyring, beacon_body(eddy, 10, 30))["id"] == eddy.lower()
    assert client.get(f"/api/v1/beacons/{eddy}").status_code == 200

    body = assert_problem(client.get("/api/v1/beacons/ibeacon:nope:1:2"), 404, "not-found")
    assert "32 hex digits" in body["detail"]

    for bid in (canonical, free, eddy.lower()):
        response = client.delete(f"/api/v1/beacons/{quote(bid, safe='/:')}", headers=auth(keyring["staff"]))
        assert response.status_code == 204
        assert response.data == b"" and "Content-Type" not in response.headers  # no body, so no type
        assert_problem(client.get(f"/api/v1/beacons/{bid}"), 404, "not-found")


def test_openapi_documents_the_beacon_routes(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert set(doc["paths"]["/api/v1/beacons"]) == {"get", "post"}
    assert set(doc["paths"]["/api/v1/beacons/{beacon_id}"]) == {"get", "put", "delete"}
    assert "post" in doc["paths"]["/api/v1/locate"]
    point = doc["paths"]["/api/v1/routes"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert any("beacon" in alt.get("properties", {}) for alt in point["properties"]["from"]["oneOf"])


# -- writes: keys, validation, audit -------------------------------------------------------


def test_writes_need_a_staff_key(client, keyring):
    body = beacon_body("test:auth", 0, 40)
    assert_problem(client.post("/api/v1/beacons", json=body), 401, "unauthorized")
    assert_problem(client.post("/api/v1/beacons", json=body, headers=auth(keyring["partner"])), 403, "forbidden")
    assert_problem(client.post("/api/v1/beacons", json=body, headers={"Authorization": "Bearer nope"}),
                   401, "unauthorized")
    assert post(client, keyring, body)["created_by"] == "beacon-test-staff"
    for method in (client.put, client.delete):
        assert_problem(method("/api/v1/beacons/test:auth", json=body), 401, "unauthorized")
        assert_problem(method("/api/v1/beacons/test:auth", json=body, headers=auth(keyring["partner"])),
                       403, "forbidden")
    assert client.delete("/api/v1/beacons/test:auth", headers=auth(keyring["admin"])).status_code == 204


def test_invalid_beacons_are_422_problems_naming_each_field(client, keyring):
    def bad(body, *fields):
        problem = assert_problem(client.post("/api/v1/beacons", json=body, headers=auth(keyring["staff"])),
                                 422, "invalid-request")
        for name in fields:
            assert name in problem["detail"], (name, problem)
        return problem

    base = beacon_body("test:valid", 0, 50)
    bad({**base, "lat": 91}, "lat")
    bad({**base, "tx_power": 5, "path_loss_exponent": 9, "kind": "hydrant"}, "tx_power", "path_loss_exponent", "kind")
    bad({k: v for k, v in base.items() if k != "label"}, "label")
    bad({**base, "tx_pwr": -60}, "tx_pwr")
    bad({**base, "battery": 120}, "battery")
    assert "spell out" in bad({**base, "label": "Haltestelle Uni, Bhst. 3"}, "label")["detail"]  # as import does
    problem = bad({**base, "id": "ibeacon:1234:1:1"}, "id")
    assert problem["errors"][0]["pointer"] == "/id"
    problem = bad({**base, "label": " Rathaus", "installed_at": "gestern"}, "label", "installed_at")
    assert {e["pointer"] for e in problem["errors"]} == {"/label", "/installed_at"}
    assert_problem(client.post("/api/v1/beacons", data="{", content_type="application/json",
                               headers=auth(keyring["staff"])), 400, "malformed-json")
    assert_problem(client.post("/api/v1/beacons", data='{"id": "x", "lat": NaN}', content_type="application/json",
                               headers=auth(keyring["staff"])), 422, "invalid-request")
    assert_problem(client.get("/api/v1/beacons/test:valid"), 404, "not-found")


def test_create_put_delete_with_audit_trail(client, keyring):
    bid = "test:lifecycle"
    created = post(client, keyring, beacon_body(bid, 0, 60, battery=80, installed_at="2024-05-01"))
    assert created["revision"] == 1 and created["source"] == "registry"
    assert created["attached"]["distance_m"] < 30
    assert_problem(client.post("/api/v1/beacons", json=beacon_body(bid, 0, 60), headers=auth(keyring["staff"])),
                   409, "beacon-exists")

    changed = beacon_body(bid, 0, 61, label="Testbake geändert", battery=None, active=False)
    response = client.put(f"/api/v1/beacons/{bid}", json={k: v for k, v in changed.items() if k != "id"},
                          headers=auth(keyring["staff"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["label"] == "Testbake geändert" and body["revision"] == 2 and body["active"] is False
    assert body["battery"] is None and body["installed_at"] is None  # PUT replaces the whole record
    assert client.get(f"/api/v1/beacons/{bid}").get_json()["label"] == "Testbake geändert"

    assert_problem(client.put(f"/api/v1/beacons/{bid}", json={**changed, "id": "test:other"},
                              headers=auth(keyring["staff"])), 422, "invalid-request")
    assert_problem(client.put("/api/v1/beacons/test:missing", json={**changed, "id": "test:missing"},
                              headers=auth(keyring["staff"])),
                   404, "not-found")
    assert client.delete(f"/api/v1/beacons/{bid}", headers=auth(keyring["staff"])).status_code == 204
    assert_problem(client.delete(f"/api/v1/beacons/{bid}", headers=auth(keyring["staff"])), 404, "not-found")

    trail = client.get(f"/api/v1/audit?entity=beacon&entity_id={quote(bid)}", headers=auth(keyring["admin"]))
    entries = trail.get_json()["entries"]
    assert [e["action"] for e in entries] == ["delete", "update", "create"]
    assert entries[1]["before"]["label"] == f"Testbake {bid}" and entries[1]["after"]["label"] == "Testbake geändert"
    assert entries[0]["after"] is None and entries[0]["actor"]["name"] == "beacon-test-staff"


def test_a_beacon_off_the_network_is_kept_with_a_warning(client, keyring):
    far = post(client, keyring, beacon_body("test:far", 0, 0) | {"lat": SPOT[0] + 400 * M_LAT})
    assert far["attached"] is None
    assert "positioning" in far["warnings"][0]
    assert client.delete("/api/v1/beacons/test:far", headers=auth(keyring["staff"])).status_code == 204


# -- listing ---------------------------------------------------------------------------


def test_listing_filters_and_pages(client, keyring, square):
    demo_ids = {b.id for b in read_beacons(DEMO_BEACONS).beacons}
    listed, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/beacons?limit=2" + (f"&cursor={quote(cursor)}" if cursor else "")
        page = client.get(url).get_json()
        Draft202012Validator(schema_of(client, "/api/v1/beacons", "get")).validate(page)
        listed += page["beacons"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    ids = [b["id"] for b in listed]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert demo_ids | set(SQUARE) | {OFF} <= set(ids)
    assert pages == math.ceil(len(ids) / 2)
    by_id = {b["id"]: b for b in listed}
    assert {by_id[i]["source"] for i in demo_ids} == {"graph"}
    assert by_id["test:sw"]["source"] == "registry"

    def ids_of(query: str) -> set[str]:
        response = client.get(f"/api/v1/beacons?{query}")
        assert response.status_code == 200, response.get_data(as_text=True)
        return {b["id"] for b in response.get_json()["beacons"]}

    lat0, lon0 = latlon(-9, -9)
    lat1, lon1 = latlon(9, 9)
    assert ids_of(f"bbox={lon0},{lat0},{lon1},{lat1}&limit=200") == set(SQUARE) | {OFF}
    assert ids_of("active=false&limit=200") == {OFF}
    assert ids_of("kind=crossing&limit=200") == {NORTH_101, SOUTH_101}
    assert ids_of("source=graph&limit=200") == demo_ids
    assert_problem(client.get("/api/v1/beacons?kind=hydrant"), 422, "invalid-request")
    assert_problem(client.get("/api/v1/beacons?bbox=1,2,3"), 422, "invalid-request")
    assert_problem(client.get("/api/v1/beacons?active=maybe"), 422, "invalid-request")
    assert_problem(client.get("/api/v1/beacons?limit=0"), 422, "invalid-request")


def schema_of(client, path: str, method: str, status: str = "200") -> dict:
    doc = client.get("/api/v1/openapi.json").get_json()
    return doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


def test_beacons_of_the_graph_file_are_read_only_but_can_be_overridden(client, keyring):
    graph_beacon = client.get(f"/api/v1/beacons/{MARKT}").get_json()
    assert graph_beacon["source"] == "graph" and graph_beacon["attached"] is not None
    assert_problem(client.delete(f"/api/v1/beacons/{MARKT}", headers=auth(keyring["staff"])),
                   409, "beacon-read-only")
    assert_problem(client.post("/api/v1/beacons", json={k: graph_beacon[k] for k in ("id", "lat", "lon", "label")},
                               headers=auth(keyring["staff"])), 409, "beacon-exists")
    body = {k: graph_beacon[k] for k in ("lat", "lon", "label", "label_en", "kind", "tx_power")} | {"active": False}
    response = client.put(f"/api/v1/beacons/{MARKT}", json=body, headers=auth(keyring["staff"]))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["source"] == "registry"
    fix = locate(client, {"beacons": [{"id": MARKT, "rssi": -60}], "gps": {"lat": SPOT[0], "lon": SPOT[1],
                                                                            "accuracy_m": 10}})
    assert fix["ignored"] == [{"id": MARKT, "reason": "inactive"}] and fix["method"] == "gps"
    assert client.delete(f"/api/v1/beacons/{MARKT}", headers=auth(keyring["staff"])).status_code == 204
    again = client.get(f"/api/v1/beacons/{MARKT}").get_json()
    assert again["source"] == "graph" and again["active"] is True  # the graph's record is in force again


# -- locate ----------------------------------------------------------------------------


def test_locate_likelihood_with_three_or_more_beacons(client, square):
    at = (2.0, -3.0)
    fix = locate(client, {"beacons": scan(at, SQUARE)})
    Draft202012Validator(schema_of(client, "/api/v1/locate", "post")).validate(fix)
    assert fix["method"] == "likelihood"
    assert error_m(fix, at) < 2.0
    assert 0.5 <= fix["accuracy_m"] < 10
    assert sorted(fix["used"]) == sorted(SQUARE)
    assert fix["nearest_beacon"]["id"] == "test:se" and fix["nearest_beacon"]["label"] == "Testbake test:se"
    assert fix["ignored"] == [] and fix["rejected"] == []
    three = locate(client, {"beacons": scan(at, ["test:sw", "test:se", "test:ne"])})
    assert three["method"] == "likelihood" and error_m(three, at) < 3.0


def test_locate_with_two_beacons_and_with_one(client, square):
    """Two heard: the posterior, pulled away from the two silent ones; one heard: near it, on the side
    the silent beacons leave (its accuracy covers the truth)."""
    two = locate(client, {"beacons": scan((0.0, -6.0), ["test:sw", "test:se"])})
    assert two["method"] == "likelihood"
    assert error_m(two, (0.0, -6.0)) < 3.0 and two["accuracy_m"] >= error_m(two, (0.0, -6.0))
    one = locate(client, {"beacons": scan((7.0, 7.0), ["test:ne"])})
    assert one["method"] == "proximity"
    assert error_m(one, (7.0, 7.0)) <= one["accuracy_m"]
    assert error_m(one, SQUARE["test:ne"]) < 16.0  # "near X": within the square the beacons span
    assert one["nearest_beacon"]["id"] == "test:ne"
    # one meaning for every method: the distance from the estimate to the beacon
    assert one["nearest_beacon"]["distance_m"] == pytest.approx(error_m(one, SQUARE["test:ne"]), abs=0.1)
    assert one["accuracy_m"] >= one["nearest_beacon"]["distance_m"]


def test_locate_fuses_gps_or_uses_it_alone(client, square):
    at = (0.0, 0.0)
    beacons_only = locate(client, {"beacons": scan(at, SQUARE)})
    gps = {"lat": latlon(4, 0)[0], "lon": latlon(4, 0)[1], "accuracy_m": 8.0}
    fused = locate(client, {"beacons": scan(at, SQUARE), "gps": gps})
    assert fused["method"] == "likelihood+gps"
    assert fused["accuracy_m"] <= min(beacons_only["accuracy_m"], 8.0) + 1e-6
    assert 0.0 < error_m(fused, at) < 4.0  # pulled a little towards the GPS fix
    alone = locate(client, {"gps": gps})
    assert alone["method"] == "gps" and alone["accuracy_m"] == 8.0 and alone["nearest_beacon"] is None
    assert error_m(alone, (4, 0)) < 0.05
    prox = locate(client, {"beacons": scan((7.0, 7.0), ["test:ne"]), "gps": gps})
    assert prox["method"] == "proximity+gps"


def test_unknown_and_inactive_beacons_are_ignored_and_bad_rssi_rejected(client, square):
    readings = scan((1.0, 1.0), SQUARE) + [
        {"id": "test:nobody", "rssi": -70},
        {"id": OFF, "rssi": -50},
        {"id": "test:ne", "rssi": 12},  # above 0 dBm: no BLE radio reports that
        {"id": "test:sw", "rssi": -140},  # below any receiver's sensitivity
        {"id": "ibeacon:zz:1:1", "rssi": -60},
    ]
    fix = locate(client, {"beacons": readings})
    assert fix["method"] == "likelihood"
    assert {(s["id"], s["reason"]) for s in fix["ignored"]} == {("test:nobody", "unknown"), (OFF, "inactive")}
    rejected = {s["id"]: s["reason"] for s in fix["rejected"]}
    assert set(rejected) == {"test:ne", "test:sw", "ibeacon:zz:1:1"}
    assert "outside plausible" in rejected["test:ne"] and "invalid id" in rejected["ibeacon:zz:1:1"]
    assert error_m(fix, (1.0, 1.0)) < 2.0  # the good readings of the same beacons still count


def test_nothing_usable_is_a_422_problem_saying_why(client, square):
    body = assert_problem(client.post("/api/v1/locate", json={"beacons": [
        {"id": "test:nobody", "rssi": -70}, {"id": OFF, "rssi": -60}, {"id": "test:ne", "rssi": 3}]}),
        422, "no-position")
    assert "test:nobody: unknown" in body["detail"] and "inactive" in body["detail"]
    assert "outside plausible" in body["detail"]
    assert {s["id"] for s in body["ignored"]} == {"test:nobody", OFF}
    assert [s["id"] for s in body["rejected"]] == ["test:ne"]
    assert_problem(client.post("/api/v1/locate", json={"beacons": []}), 422, "no-position")
    assert_problem(client.post("/api/v1/locate", json={}), 422, "invalid-request")
    assert_problem(client.post("/api/v1/locate", json={"beacons": [{"id": "x"}]}), 422, "invalid-request")
    assert_problem(client.post("/api/v1/locate", json={"beacons": [{"id": "x", "rssi": "-60"}]}),
                   422, "invalid-request")
    assert_problem(client.post("/api/v1/locate", json={"gps": {"lat": 49.4, "lon": 7.7}}), 422, "invalid-request")
    assert_problem(client.post("/api/v1/locate", json={"gps": {"lat": 49.4, "lon": 7.7, "accuracy_m": 0}}),
                   422, "invalid-request")
    assert_problem(client.post("/api/v1/locate", data="[1,", content_type="application/json"), 400, "malformed-json")


def test_locate_snaps_onto_the_graph_with_the_street_name(client):
    # On Mainzer Straße (way 3, east of the junction), 3 m north of its centreline.
    on_street = locate(client, {"gps": {"lat": 49.4430000 + 3 * M_LAT, "lon": 7.7600000 + 60 * M_LON,
                                        "accuracy_m": 5}})
    graph = on_street["on_graph"]
    assert graph["street"] == "Mainzer Straße"
    assert graph["distance_m"] == pytest.approx(3.0, abs=0.3)
    assert graph["lat"] == pytest.approx(49.4430000, abs=2 * M_LAT)
    # On the unnamed footway 36: no street name, but the kind of way.
    footway = locate(client, {"gps": {"lat": SPOT[0], "lon": SPOT[1] + 2 * M_LON, "accuracy_m": 5}})["on_graph"]
    assert footway["street"] is None and footway["way_kind"] == "footway" and footway["distance_m"] < 2.5
    # Far from every walkable way (more than MAX_SNAP_M = 150 m): no on_graph, but a position.
    far = locate(client, {"gps": {"lat": 49.4430000 + 600 * M_LAT, "lon": 7.76, "accuracy_m": 5}})
    assert far["on_graph"] is None and far["method"] == "gps"


def test_a_guidance_session_takes_positions_from_beacons_only(client, square):
    start = latlon(0, -20)  # on footway 36, south of the square, walking north to SE (Marktplatz corner)
    response = client.post("/api/v1/sessions", json={"from": {"lat": start[0], "lon": start[1]},
                                                     "to": {"lat": 49.4433597, "lon": 7.7593084}})
    assert response.status_code == 201, response.get_data(as_text=True)
    sid = response.get_json()["id"]
    for y in (-8.0, -2.0, 4.0):
        update = client.post(f"/api/v1/sessions/{sid}/positions", json={"beacons": scan((0.0, y), SQUARE)})
        assert update.status_code == 200, update.get_data(as_text=True)
        answer = update.get_json()
        assert answer["position"]["method"] == "likelihood"
        assert answer["position"]["on_route"] is True
    assert answer["progress"]["distance_done_m"] > 15
    unknown = client.post(f"/api/v1/sessions/{sid}/positions", json={"beacons": [{"id": "test:nobody", "rssi": -60}]})
    assert unknown.status_code == 422
    assert "unknown" in unknown.get_json()["detail"] or "no usable" in unknown.get_json()["detail"]
    assert client.delete(f"/api/v1/sessions/{sid}").status_code == 204


def test_the_attachment_cache_keeps_only_registered_positions(app, client, keyring):
    # Each moved or deleted beacon left its attachment cached for the life of the process.
    registry = app.extensions["lotse.beacons"]
    bid = "test:cache"
    post(client, keyring, beacon_body(bid, 0, 60))
    for y in (61, 62, 63):
        moved = beacon_body(bid, 0, y)
        assert client.put(f"/api/v1/beacons/{bid}", json={k: v for k, v in moved.items() if k != "id"},
                          headers=auth(keyring["staff"])).status_code == 200
        registry.current()
    assert client.delete(f"/api/v1/beacons/{bid}", headers=auth(keyring["staff"])).status_code == 204
    state = registry.current()
    registered = {(e.beacon.lat, e.beacon.lon) for e in state.entries.values() if e.source == "registry"}
    assert set(registry._attached) <= registered
