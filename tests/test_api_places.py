"""GET /api/v1/places and place names as route points, on the demo map; nothing goes online."""

from __future__ import annotations

import socket

import pytest
from jsonschema import Draft202012Validator

from lotse import create_app, geocoder
from routing.geo import haversine_m
from routing.places import Place, gazetteer_for

PHARMACY = (49.4430899, 7.7608299)
TOWN_HALL = (49.4440972, 7.7590318)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def client(data_dir):
    return create_app({"DATA_DIR": data_dir, "TESTING": True}).test_client()


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test on any attempt to reach the network or to create a geocoder."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("went online")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr("geopy.geocoders.Nominatim", refuse)
    geocoder._cached.cache_clear()
    return calls


def assert_problem(response, slug: str, status: int = 422) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == f"urn:lotse:problem:{slug}" and body["title"] and body["detail"]
    return body


def near(lonlat, latlon, metres: float) -> bool:
    return float(haversine_m(lonlat[1], lonlat[0], latlon[0], latlon[1])) < metres


# ---- search ---------------------------------------------------------------------------


def test_search_ranks_exact_first_and_matches_its_schema(client):
    response = client.get("/api/v1/places?q=Rathaus")
    assert response.status_code == 200
    body = response.get_json()
    first = body["places"][0]
    assert first["name"] == "Rathaus" and first["kind"] == "amenity:townhall" and first["score"] == 100
    assert first["id"] == "osm:node/122" and (first["lat"], first["lon"]) == pytest.approx(TOWN_HALL)
    assert {m["kind"] for m in first["members"]} == {"amenity:townhall", "bus_stop"}
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/places"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"q", "limit", "kind"}
    Draft202012Validator(op["responses"]["200"]["content"]["application/json"]["schema"]).validate(body)


def test_search_is_tolerant(client):
    for q in ("loewen apotheke", "Löwen Apoteke", "LÖWEN-APO"):
        places = client.get("/api/v1/places", query_string={"q": q}).get_json()["places"]
        assert places[0]["name"] == "Löwen-Apotheke", q
    places = client.get("/api/v1/places", query_string={"q": "Schillerstraße"}).get_json()["places"]
    assert places[0]["name"] == "Schillerstr." and places[0]["kind"] == "street"
    assert places[0]["label"] == "Schillerstr. / Pariser Straße"


def test_search_limit_and_kind(client):
    places = client.get("/api/v1/places?q=Rathaus&kind=bus_stop").get_json()["places"]
    assert [p["id"] for p in places] == ["osm:node/120"]
    streets = client.get("/api/v1/places?q=str&kind=street,square&limit=50").get_json()["places"]
    assert streets and all(p["kind"] in ("street", "square") for p in streets)
    assert len(client.get("/api/v1/places?q=a&limit=2").get_json()["places"]) <= 2
    assert client.get("/api/v1/places?q=Xylophon").get_json()["places"] == []


@pytest.mark.parametrize("query", ["", "?q=", "?q=%20%20", "?q=Rathaus&limit=0", "?q=Rathaus&limit=abc",
                                   "?q=Rathaus&limit=51", "?q=" + "x" * 201])
def test_search_needs_a_query(client, query):
    assert_problem(client.get("/api/v1/places" + query), "invalid-request")


# ---- route points -----------------------------------------------------------------------


def test_route_between_places(client):
    response = client.post("/api/v1/routes", json={"from": {"place": "Löwen-Apotheke"}, "to": {"place": "rathaus"}})
    assert response.status_code == 200, response.get_data(as_text=True)
    line = response.get_json()["route"]["geometry"]["coordinates"]
    assert near(line[0], PHARMACY, 30) and near(line[-1], TOWN_HALL, 60)


def test_route_from_coordinates_to_a_street_and_to_a_stop_by_kind(client):
    start = {"lat": 49.4433597, "lon": 7.7593084}
    response = client.post("/api/v1/routes", json={"from": start, "to": {"place": "Schillerstraße"}})
    assert response.status_code == 200, response.get_data(as_text=True)
    response = client.post("/api/v1/routes", json={"from": start, "to": {"place": "Rathaus", "kind": "bus_stop"}})
    assert response.status_code == 200
    assert near(response.get_json()["route"]["geometry"]["coordinates"][-1], (49.4430719, 7.7586169), 15)


def test_the_place_asked_for_is_named_on_arrival(client):
    """'Dort ist die Löwen-Apotheke': what is at the goal, when the walker asked for a place by name."""
    for lang, words in (("de", "Dort ist die Löwen-Apotheke."), ("en", "Löwen-Apotheke is there.")):
        body = {"from": {"place": "Rathaus"}, "to": {"place": "Löwen-Apotheke"}, "lang": lang}
        arrive = client.post("/api/v1/routes", json=body).get_json()["steps"][-1]
        assert words in arrive["text"]["main"]
        assert arrive["text"]["main"].count("Löwen-Apotheke") == 1
    # to coordinates, nothing is claimed about what is there
    to = client.post("/api/v1/routes", json={"from": {"place": "Rathaus"}, "to": {"place": "Löwen-Apotheke"}})
    coords = client.post("/api/v1/routes", json={"from": {"place": "Rathaus"}, "to": to.get_json()["to"]})
    assert "Löwen-Apotheke" not in coords.get_json()["steps"][-1]["text"]["main"]


def test_a_square_is_reached_where_the_route_meets_it(client):
    """To the Marktplatz (an open area) from the pharmacy: the route ends at its ring, and says so."""
    body = {"from": {"place": "Löwen-Apotheke"}, "to": {"place": "Marktplatz", "kind": "square"}}
    square = client.post("/api/v1/routes", json=body).get_json()
    arrive = square["steps"][-1]
    assert arrive["side"] == "area" and "Hier beginnt der Marktplatz" in arrive["text"]["main"]
    # the point that names the square lies farther along its ring: going there is longer
    point = client.post("/api/v1/routes", json={**body, "to": square["to"]}).get_json()
    assert square["route"]["properties"]["distance_m"] < point["route"]["properties"]["distance_m"]


def test_ambiguous_word(client):
    body = assert_problem(client.post("/api/v1/routes", json={"from": {"place": "Altenhof"}, "to": {"place": "Rathaus"}}),
                          "ambiguous-place")
    assert body["pointer"] == "/from" and body["query"] == "Altenhof"
    assert {c["name"] for c in body["candidates"]} == {"Am Altenhof", "Altenhofterrasse"}
    assert all({"id", "name", "kind", "lat", "lon", "score", "label"} <= set(c) for c in body["candidates"])
    assert "Am Altenhof" in body["detail"]


def test_same_name_far_apart_is_ambiguous(data_dir):
    app = create_app({"DATA_DIR": data_dir, "TESTING": True})  # its own graph, so its own gazetteer
    with app.app_context():
        gaz = gazetteer_for(app.extensions["lotse.graphs"].graph)
    gaz.add([Place("beacon:other-town-hall", "Rathaus", "beacon", 49.4700, 7.7600)])  # 3 km north
    body = assert_problem(app.test_client().post(
        "/api/v1/routes", json={"from": {"place": "Löwen-Apotheke"}, "to": {"place": "Rathaus"}}), "ambiguous-place")
    assert body["pointer"] == "/to"
    assert {c["id"] for c in body["candidates"]} == {"osm:node/122", "beacon:other-town-hall"}
    assert all(c["exact"] for c in body["candidates"])


def test_unknown_place_with_and_without_suggestions(client, no_network):
    body = assert_problem(client.post("/api/v1/routes", json={"from": {"place": "Xylophon"}, "to": {"place": "Rathaus"}}),
                          "unknown-place")
    assert body["candidates"] == [] and body["pointer"] == "/from"
    body = assert_problem(client.post("/api/v1/routes", json={"from": {"place": "Rathaus"}, "to": {"place": "Lowen"}}),
                          "unknown-place")
    assert [c["name"] for c in body["candidates"]] == ["Löwen-Apotheke"]
    assert "Löwen-Apotheke" in body["detail"]
    assert no_network == []


@pytest.mark.parametrize("point", [{"place": ""}, {"place": 5}, {"place": "Rathaus", "lat": 49.44},
                                   {"place": "Rathaus", "beacon": "x"}])
def test_malformed_place_points(client, point):
    assert_problem(client.post("/api/v1/routes", json={"from": point, "to": {"place": "Rathaus"}}), "invalid-request")


# ---- the online geocoder --------------------------------------------------------------------


def test_geocoder_is_off_by_default_and_nothing_goes_online(client, no_network):
    assert client.application.config["GEOCODER"] is None
    assert client.get("/api/v1/places?q=Eiffelturm").get_json()["places"] == []
    assert_problem(client.post("/api/v1/routes", json={"from": {"place": "Eiffelturm"}, "to": {"place": "Rathaus"}}),
                   "unknown-place")
    assert no_network == []


class _FakeLocation:
    def __init__(self, name, lat, lon):
        self.latitude, self.longitude = lat, lon
        self.address = f"{name}, Kaiserslautern"
        self.raw = {"name": name, "osm_type": "node", "osm_id": 1, "class": "amenity", "type": "cafe"}


def test_geocoder_fallback_when_switched_on(data_dir, monkeypatch):
    asked = []

    class FakeNominatim:
        def __init__(self, user_agent, domain, timeout):
            assert "lotse" in user_agent

        def geocode(self, query, **kwargs):
            asked.append((query, kwargs["viewbox"], kwargs["bounded"]))
            return [_FakeLocation("Café Kante", 49.4431, 7.7601)] if query == "Cafe Kante" else None

    monkeypatch.setattr("geopy.geocoders.Nominatim", FakeNominatim)
    monkeypatch.setattr(geocoder, "MIN_INTERVAL_S", 0.0)
    geocoder._cached.cache_clear()
    client = create_app({"DATA_DIR": data_dir, "TESTING": True, "GEOCODER": "nominatim"}).test_client()
    places = client.get("/api/v1/places?q=Cafe Kante").get_json()["places"]
    assert places[0]["source"] == "nominatim" and places[0]["name"] == "Café Kante"
    response = client.post("/api/v1/routes", json={"from": {"place": "Cafe Kante"}, "to": {"place": "Rathaus"}})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(asked) == 1 and asked[0][2] is True  # cached, bounded to the graph
    client.get("/api/v1/places?q=Rathaus")
    assert len(asked) == 1  # the gazetteer knew it: not asked
    geocoder._cached.cache_clear()


def test_arriving_at_a_beacon_names_that_beacon_only(client):
    beacons = client.get("/api/v1/beacons").get_json()
    items = beacons.get("features") or beacons.get("beacons") or beacons
    for item in items[:4]:
        props = item.get("properties", item)
        bid, label = item.get("id") or props["id"], props["label"]
        body = {"from": {"lat": 49.4433597, "lon": 7.7593084}, "to": {"beacon": bid}, "profile": "blind_cane"}
        main = client.post("/api/v1/routes", json=body).get_json()["steps"][-1]["text"]["main"]
        assert main.count("Sie sind") == 1 and label.split(",")[0] in main, (bid, main)
