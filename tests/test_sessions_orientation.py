"""Where am I and what is around me: on the demo map over HTTP, and the side-of-street rules on a hand-made map."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from lotse import create_app
from lotse.api import session_schemas as S
from routing.orientation import Orientation

M_PER_DEG_LAT, M_PER_DEG_LON = 111195.08, 72299.51


def demo_xy(x: float, y: float) -> dict:
    """x m east, y m north of the demo map's origin (the signalised junction 100)."""
    return {"lat": 49.4430 + y / M_PER_DEG_LAT, "lon": 7.7600 + x / M_PER_DEG_LON}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return create_app({"DATA_DIR": str(tmp_path_factory.mktemp("orientation"))}).test_client()


def _where(client, **body) -> dict:
    r = client.post("/api/v1/whereami", json=body)
    assert r.status_code == 200, r.get_json()
    answer = r.get_json()
    assert not list(Draft202012Validator(S.WHEREAMI_ANSWER).iter_errors(answer))
    return answer


def test_whereami_names_the_street_the_side_from_the_offset_and_the_junction_ahead(client):
    # 7 m north of the centreline of Mainzer Straße (east part, sidewalk=both), walking east
    a = _where(client, **demo_xy(100, 7), accuracy_m=5, heading=90)
    assert a["street"]["name"] == "Mainzer Straße"
    assert (a["street"]["side"], a["street"]["side_source"]) == ("left", "offset")
    assert a["junction"]["streets"] == ["Fauthweg"] and a["junction"]["distance_m"] == pytest.approx(40, abs=2)
    assert a["junction"]["clock"] == 12
    assert a["text"].startswith("Sie sind auf der Mainzer Straße. Sie sind auf der linken Straßenseite.")
    assert "Die nächste Kreuzung mit dem Fauthweg kommt in 40 Metern." in a["text"]
    assert a["stop"]["kind"] == "stop"


def test_whereami_names_the_nearest_beacon(client):
    """The demo map's beacon at the north end of the signalised crossing of Mainzer Straße (data/beacons.csv)."""
    a = _where(client, **demo_xy(-12, 20), heading=180)
    assert a["beacon"]["label"] == "Ampel Mainzer Straße, Nordseite" and a["beacon"]["clock"] == 12
    assert a["beacon"]["distance_m"] == pytest.approx(12, abs=1)
    assert a["text"].endswith("Der nächste Orientierungspunkt ist die Ampel Mainzer Straße, Nordseite, "
                              "12 Meter entfernt, auf 12 Uhr.")
    en = _where(client, **demo_xy(-12, 20), heading=180, lang="en")
    assert en["beacon"]["id"] == a["beacon"]["id"] and "north side" in en["beacon"]["label"]


def test_whereami_walking_the_other_way_mirrors_the_side_and_finds_the_signalised_junction(client):
    a = _where(client, **demo_xy(100, 7), accuracy_m=5, heading=270, lang="en")
    assert a["street"]["side"] == "right"
    assert a["junction"]["signals"] is True and "Pariser Straße" in a["junction"]["streets"]
    assert "You are on the right-hand side of the street." in a["text"]
    assert "with traffic lights" in a["text"]


@pytest.mark.parametrize("body", [
    {"accuracy_m": 10, "heading": 90},  # the offset (7 m) is within the accuracy: the side is not known
    {"accuracy_m": 5},  # no heading: left or right of what?
])
def test_whereami_says_the_side_is_unknown_rather_than_guessing(client, body):
    a = _where(client, **demo_xy(100, 7), **body)
    assert a["street"]["side"] == "unknown" and a["street"]["side_source"] is None
    assert "Auf welcher Straßenseite Sie sind, ist nicht bekannt." in a["text"]


def test_whereami_without_heading_gives_compass_directions(client):
    a = _where(client, **demo_xy(100, 7))
    assert a["junction"]["clock"] is None and "Richtung" in a["text"]
    assert "Ohne Gehrichtung" in a["text"]


def test_whereami_far_from_every_way(client):
    a = _where(client, lat=49.4500, lon=7.7700)
    assert a["street"] is None and a["junction"] is None
    assert "kein Weg" in a["text"]


def test_around_lists_crossings_stops_and_places_with_clock_directions(client):
    r = client.post("/api/v1/around", json={**demo_xy(-12, 0), "heading": 0, "radius_m": 100})
    assert r.status_code == 200
    a = r.get_json()
    assert not list(Draft202012Validator(S.AROUND_ANSWER).iter_errors(a))
    kinds = {(t["kind"], t["name"]) for t in a["items"]}
    assert {("crossing", "Mainzer Straße"), ("stop", "Rathaus"), ("stop", "Marktplatz"),
            ("place", "Löwen-Apotheke"), ("crossing", "Pariser Straße")} <= kinds
    distances = [t["distance_m"] for t in a["items"]]
    assert distances == sorted(distances) and max(distances) <= 100
    rathaus = next(t for t in a["items"] if t["name"] == "Rathaus")
    assert rathaus["clock"] == 9  # west of a walker facing north
    signal = a["items"][0]
    assert signal["detail"]["control"] == "signals" and signal["detail"]["sound"] == "yes"
    assert a["text"].startswith("Im Umkreis von 100 Metern: Ampel über die Mainzer Straße, mit Blindensignal, hier;")
    assert "Haltestelle Rathaus, 90 Meter, auf 9 Uhr" in a["text"]


def test_around_defaults_to_50_m_refuses_more_than_300_and_speaks_english(client):
    a = client.post("/api/v1/around", json={**demo_xy(-12, 0), "lang": "en"}).get_json()
    assert a["radius_m"] == 50 and all(t["distance_m"] <= 50 for t in a["items"])
    assert a["text"].startswith("Within 50 metres: traffic light crossing of Mainzer Straße, with acoustic signal")
    r = client.post("/api/v1/around", json={**demo_xy(-12, 0), "radius_m": 500})
    assert r.status_code == 422 and "300" in r.get_json()["detail"]
    r = client.post("/api/v1/around", json={"lat": 49.44})
    assert r.status_code == 422 and "lon" in r.get_json()["detail"]


def test_around_in_an_empty_spot(client):
    a = client.post("/api/v1/around", json={"lat": 49.4500, "lon": 7.7700, "radius_m": 20}).get_json()
    assert a["items"] == [] and a["text"] == "Im Umkreis von 20 Metern ist nichts verzeichnet."


def test_session_whereami_uses_the_last_fix_and_adds_the_route(client):
    body = client.post("/api/v1/sessions", json={"from": {"lat": 49.4433597, "lon": 7.7593084},
                                                 "to": {"lat": 49.4424604, "lon": 7.7593084}}).get_json()
    sid = body["id"]
    r = client.get(f"/api/v1/sessions/{sid}/whereami")
    assert r.status_code == 422 and "no position yet" in r.get_json()["detail"]
    client.post(f"/api/v1/sessions/{sid}/positions",
                json={"lat": 49.4433597 - 10 / M_PER_DEG_LAT, "lon": 7.7593084, "accuracy_m": 5, "heading": 180})
    a = client.get(f"/api/v1/sessions/{sid}/whereami").get_json()
    assert a["route"]["next_step_index"] == 1 and a["heading"] == 180
    assert "Weiter" in a["text"]  # the distance to the next maneuver
    b = client.post(f"/api/v1/sessions/{sid}/whereami", json={**demo_xy(100, 7), "heading": 90, "lang": "en"})
    assert b.status_code == 200 and b.get_json()["street"]["name"] == "Mainzer Straße"
    assert b.get_json()["text"].startswith("You are on Mainzer Straße")


# --- the side of the street on a hand-made map -----------------------------------------------

def test_a_sidewalk_on_one_side_only_says_the_side(osm_doc, compile_xml):
    xml = osm_doc(
        {1: (0, 0), 2: (200, 0), 3: (100, 0), 4: (100, -80)},
        {10: ([1, 3, 2], {"highway": "residential", "name": "Lindenweg", "sidewalk": "right"}),
         11: ([3, 4], {"highway": "residential", "name": "Birkenweg", "sidewalk": "both"})},
    )
    graph = compile_xml(xml)
    o = Orientation(graph)
    lat, lon = osm_doc.latlon(50, 1)  # 1 m off the centreline: the offset says nothing, the tag does
    east = o.where_am_i(lat, lon, 5.0, 90.0)
    assert (east.street.name, east.street.side, east.street.side_source) == ("Lindenweg", "right", "sidewalk")
    west = o.where_am_i(lat, lon, 5.0, 270.0)
    assert west.street.side == "left"
    assert east.junction.streets == ["Birkenweg"] and east.junction.distance_m == pytest.approx(50, abs=1)
    assert west.junction.kind == "dead_end"
    # on the street with sidewalks on both sides, 1 m off: unknown
    lat, lon = osm_doc.latlon(101, -40)
    assert o.where_am_i(lat, lon, 5.0, 180.0).street.side == "unknown"
