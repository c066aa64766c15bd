"""Beacons as landmarks and route points on the demo map.

The demo graph is built with data/beacons.csv attached; routes from a beacon
say its label, beacons passed are announced ("Sie sind an der Ampel ..."),
and a beacon registered after the build — through another app instance on
the same database, or another gunicorn worker — is a route point, a landmark
and a place name at the next request, without a restart.
"""

from __future__ import annotations

import pytest

from lotse import create_app
from staff_support import auth, make_key
from routing.maneuvers import find_maneuvers
from routing.router import Router

UUID = "f7826da6-4fa2-4e98-8024-bc5b71e0893e"
RATHAUS_A = f"ibeacon:{UUID}:100:1"
NORTH_101, SOUTH_101 = f"ibeacon:{UUID}:100:2", f"ibeacon:{UUID}:100:3"
STEPS = "demo-treppe-unten"
SE = {"lat": 49.4433597, "lon": 7.7593084}  # Marktplatz SE corner (node 130)
NE = {"lat": 49.4424604, "lon": 7.7593084}  # Benzinoring NE corner (node 131)
M_LAT, M_LON = 1 / 111195.08, 1 / 72299.51
#: 30 m south of the unmarked crossing 102, 3 m east of footway 36 (which the walk from SE to NE takes).
PLAYGROUND = {"id": "spielplatz-eingang", "lat": 49.4430000 - 30 * M_LAT, "lon": 7.7593084 + 3 * M_LON,
              "label": "Eingang Spielplatz", "label_en": "playground entrance", "kind": "entrance"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("beacon-landmarks")


@pytest.fixture(scope="module")
def app(data_dir):
    return create_app({"DATA_DIR": str(data_dir), "TESTING": True})


@pytest.fixture(scope="module")
def staff_key(app):
    return auth(make_key(app, "staff", "landmark-staff"))


def route(client, a, b, **extra) -> dict:
    response = client.post("/api/v1/routes", json={"from": a, "to": b, **extra})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def texts(body: dict) -> str:
    return " ".join(t for s in body["steps"] for t in (s["text"]["main"], s["text"]["post"] or ""))


def beacon_ids(body: dict) -> list[str]:
    return [lm["id"] for s in body["steps"] for lm in s.get("landmarks", []) if lm["kind"] == "beacon"]


def test_a_route_from_a_beacon_announces_the_beacons_it_passes(app):
    client = app.test_client()
    body = route(client, {"beacon": RATHAUS_A}, NE, profile="blind_cane")
    steps = body["steps"]
    assert steps[0]["kind"] == "depart"
    assert "Sie sind an der Bushaltestelle Rathaus, Steig A" in steps[0]["text"]["main"]
    # At the kerb the crossing instruction is said, not the kerb's beacon; the far side's beacon,
    # 16 m across, confirms the crossing.
    assert beacon_ids(body) == [RATHAUS_A, SOUTH_101]  # in walking order
    said = texts(body)
    assert "Nordseite" not in said
    assert "sind Sie an der Ampel Mainzer Straße, Südseite" in said
    # The map's stop "Rathaus" is where the beacon is: said once, by the beacon's more precise label.
    assert not any(lm["kind"] == "bus_stop" for s in steps for lm in s.get("landmarks", []))
    assert body["route"]["properties"]["beacons_version"] == 0
    english = route(client, {"beacon": RATHAUS_A}, NE, profile="blind_cane", lang="en")
    assert "You are at Rathaus bus stop, platform A" in english["steps"][0]["text"]["main"]
    assert "Mainzer Straße traffic lights, south side" in texts(english)
    assert "north side" not in texts(english)


def test_a_route_to_a_beacon_arrives_at_it(app):
    body = route(app.test_client(), SE, {"beacon": "DEMO-TREPPE-UNTEN".lower()})
    arrive = body["steps"][-1]
    assert arrive["kind"] == "arrive"
    assert [lm["id"] for lm in arrive["landmarks"]] == [STEPS]
    assert "Sie sind an der Treppe zur Altenhofterrasse, unten" in arrive["text"]["main"]


def test_unknown_inactive_and_malformed_beacons_are_unknown_beacon_problems(app, staff_key):
    client = app.test_client()
    for point, needle in (({"beacon": "gibt-es-nicht"}, "no beacon with id"),
                          ({"beacon": "ibeacon:123:1:1"}, "32 hex digits")):
        response = client.post("/api/v1/routes", json={"from": point, "to": NE})
        assert response.status_code == 422
        problem = response.get_json()
        assert problem["type"] == "urn:lotse:problem:unknown-beacon" and needle in problem["detail"]
        assert problem["pointer"] == "/from/beacon"
    off = dict(PLAYGROUND, id="aus", active=False)
    assert client.post("/api/v1/beacons", json=off, headers=staff_key).status_code == 201
    response = client.post("/api/v1/routes", json={"from": SE, "to": {"beacon": "aus"}})
    assert response.status_code == 422 and "switched off" in response.get_json()["detail"]
    assert response.get_json()["pointer"] == "/to/beacon"
    response = client.post("/api/v1/routes", json={"from": {"beacon": RATHAUS_A, "lat": 1}, "to": NE})
    assert response.status_code == 422 and response.get_json()["type"].endswith("invalid-request")
    assert client.delete("/api/v1/beacons/aus", headers=staff_key).status_code == 204


def test_beacons_are_place_names(app):
    client = app.test_client()
    found = client.get("/api/v1/places?q=Bushaltestelle Rathaus Steig A").get_json()["places"]
    assert found[0]["id"] == f"beacon:{RATHAUS_A}" and found[0]["kind"] == "beacon"
    body = route(client, {"place": "Bushaltestelle Rathaus, Steig A"}, NE)
    assert body["steps"][0]["landmarks"][0]["id"] == RATHAUS_A


def test_extra_landmarks_in_the_library(app):
    """routing.find_maneuvers attaches extra points within 20 m of the route, with side and distance."""
    router: Router = app.extensions["lotse.graphs"].router
    planned = router.plan((SE["lat"], SE["lon"]), (NE["lat"], NE["lon"]), "walk")
    near = {"kind": "beacon", "name": "Eingang Spielplatz", "label_en": "x", "lat": PLAYGROUND["lat"],
            "lon": PLAYGROUND["lon"], "id": "near"}
    far = dict(near, id="far", lon=7.7593084 + 25 * M_LON)  # 25 m off the footway
    plain = find_maneuvers(router.graph, planned)
    with_extra = find_maneuvers(router.graph, planned, extra_landmarks=[near, far])
    assert [m.kind for m in plain] == [m.kind for m in with_extra]
    marks = [(i, lm) for i, m in enumerate(with_extra) for lm in m.landmarks]
    assert [lm.id for _, lm in marks] == ["near"]
    (i, lm), = marks
    assert lm.side == "left" and lm.label_en == "x"  # walking south, east is on the left
    start = sum(m.distance_m for m in with_extra[:i])
    assert start + lm.distance_m == pytest.approx(70.0, abs=3.0)  # 40 m to the crossing, then 30 m south


def _register_and_check(writer, reader, staff_key) -> None:
    """Register PLAYGROUND through ``writer``; ``reader`` must use it at once, and stop when it is deleted."""
    before = route(reader, SE, NE)
    assert "spielplatz-eingang" not in beacon_ids(before)
    response = writer.post("/api/v1/beacons", json=PLAYGROUND, headers=staff_key)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["attached"]["distance_m"] == pytest.approx(3.0, abs=0.5)

    passing = route(reader, SE, NE)
    assert beacon_ids(passing) == ["spielplatz-eingang"]
    assert "Nach 30 Metern sind Sie am Eingang Spielplatz" in texts(passing)
    assert passing["route"]["properties"]["beacons_version"] > before["route"]["properties"]["beacons_version"]
    starting = route(reader, {"beacon": "spielplatz-eingang"}, SE, lang="en")
    assert "You are at playground entrance" in starting["steps"][0]["text"]["main"]
    found = reader.get("/api/v1/places?q=Eingang Spielplatz").get_json()["places"]
    assert found[0]["id"] == "beacon:spielplatz-eingang"
    fix = reader.post("/api/v1/locate", json={"beacons": [{"id": "spielplatz-eingang", "rssi": -62}]}).get_json()
    assert fix["nearest_beacon"]["label"] == "Eingang Spielplatz"

    assert writer.delete("/api/v1/beacons/spielplatz-eingang", headers=staff_key).status_code == 204
    assert "spielplatz-eingang" not in beacon_ids(route(reader, SE, NE))
    gone = reader.post("/api/v1/routes", json={"from": {"beacon": "spielplatz-eingang"}, "to": SE})
    assert gone.status_code == 422 and gone.get_json()["type"].endswith("unknown-beacon")
    assert not reader.get("/api/v1/places?q=Eingang Spielplatz&kind=beacon").get_json()["places"]


def test_a_beacon_registered_after_the_build_works_in_another_instance_without_restart(app, data_dir, staff_key):
    other = create_app({"DATA_DIR": str(data_dir), "TESTING": True})  # a second process on the same database
    reader = other.test_client()
    route(reader, {"beacon": RATHAUS_A}, SE)  # its registry, gazetteer and graph are loaded before the write
    reader.get("/api/v1/places?q=Rathaus")
    _register_and_check(app.test_client(), reader, staff_key)


@pytest.mark.slow
def test_a_beacon_registered_through_one_gunicorn_worker_is_used_by_both(tmp_path):
    from staff_support import Server, create_key

    class Client:
        """The test-client interface of _register_and_check, over HTTP."""

        def __init__(self, server: Server):
            self.server = server

        def _call(self, method: str, path: str, json=None, headers=None):
            key = (headers or {}).get("Authorization", "").removeprefix("Bearer ") or None
            status, body = self.server.call(method, path, json, key)
            return _Response(status, body)

        def post(self, path, json=None, headers=None):
            return self._call("POST", path, json, headers)

        def get(self, path, headers=None):
            return self._call("GET", path.replace(" ", "%20"), None, headers)

        def delete(self, path, headers=None):
            return self._call("DELETE", path, None, headers)

    key = create_key(tmp_path, "staff", "landmarks-http")
    with Server(tmp_path, None, workers=2) as server:
        client = Client(server)
        for _ in range(6):  # both workers load graph and registry before the write
            route(client, {"beacon": RATHAUS_A}, NE)
        _register_and_check(client, client, {"Authorization": f"Bearer {key}"})
        for _ in range(8):  # whichever worker answers: the beacon is gone for all of them
            assert "spielplatz-eingang" not in beacon_ids(route(client, SE, NE))


class _Response:
    def __init__(self, status: int, body):
        self.status_code = status
        self._body = body

    def get_json(self):
        return self._body

    def get_data(self, as_text: bool = False):
        return str(self._body)


def test_the_beacon_a_route_starts_from_is_said_however_far_it_hangs_from_the_way(app):
    """A beacon on a wall 12 m from footway 36 (attached there, within the 30 m limit) is still where one stands."""
    router: Router = app.extensions["lotse.graphs"].router
    wall = {"kind": "beacon", "name": "Eingang Spielplatz", "label_en": "playground entrance", "id": "wand",
            "lat": PLAYGROUND["lat"], "lon": 7.7593084 + 12 * M_LON}
    planned = router.plan((PLAYGROUND["lat"], 7.7593084), (SE["lat"], SE["lon"]), "walk")
    as_start = find_maneuvers(router.graph, planned, extra_landmarks=[dict(wall, start=True)])
    assert [lm.id for lm in as_start[0].landmarks] == ["wand"]
    assert as_start[0].landmarks[0].distance_m == 0.0
    # Not asked for, the same beacon 12 m off the way is not said: the walker passes, not reaches it.
    passing = find_maneuvers(router.graph, planned, extra_landmarks=[wall])
    assert not [lm for m in passing for lm in m.landmarks if lm.id == "wand"]
