"""Review of the beacons capability: regressions found by using it as staff and partners would.

Hand-made maps from tests/conftest.py's metre grid unless a test says otherwise.
"""

from __future__ import annotations

import pytest

from landmark_support import beacon_landmark
from routing.maneuvers import find_maneuvers


def test_the_stop_one_starts_at_is_no_reference_when_a_later_platform_has_a_beacon_too(zob):
    """Kaiserslautern Rathaus: from the beacon at platform B, 'Mit Blick zur Bushaltestelle Rathaus ist das
    hinter Ihnen' - the stop was shadowed at the start and 54 m on, and the later place overwrote the first."""
    graph, router, ll = zob
    beacons = [beacon_landmark(ll, 20, 3, "Bushaltestelle ZOB, Steig 3"),
               beacon_landmark(ll, 45, 3, "Bushaltestelle ZOB, Steig 4")]
    ms = find_maneuvers(graph, router.plan(ll(20, 0), ll(300, 0), "walk"), extra_landmarks=beacons)
    assert ms[0].reference is None, ms[0].reference


def _record(**overrides):
    from beacons.model import Beacon

    values = dict(id="rathaus-a", lat=49.443, lon=7.759, label="Bushaltestelle Rathaus")
    values.update(overrides)
    return Beacon(**values)


@pytest.mark.parametrize("level", [1e308, 1e29, -1000.0])
def test_a_level_no_building_has_is_refused(level):
    """POST /beacons with "level": 1e308 was stored, and /locate answered "level": 1e+308."""
    errors = _record(level=level).errors()
    assert errors and errors[0].startswith("level:") and "-20..200" in errors[0], errors
    assert not _record(level=-2).errors() and not _record(level=0.5).errors()


@pytest.mark.parametrize("field, value, said", [
    ("tx_power", "x", "tx_power: 'x' is not a number"),
    ("path_loss_exponent", None, "path_loss_exponent: null is not a number"),
    ("battery", True, "battery: true is not a number or null"),
    ("lat", "49.4", "lat: '49.4' is not a number"),
])
def test_a_wrong_type_is_said_as_such_not_as_out_of_range(field, value, said):
    """A GeoJSON "tx_power": "x" was reported as "'x' dBm is outside the plausible range -100..0"."""
    assert _record(**{field: value}).errors() == [said]


def test_last_seen_given_as_a_date_says_what_to_write_without_python_reprs():
    """The API answered "last_seen: datetime.date(2024, 1, 1) must be a date and time"."""
    from datetime import date

    (error,) = _record(last_seen=date(2024, 1, 1)).errors()
    assert "datetime" not in error and "2024-01-01T" in error, error


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """The demo service and a staff key."""
    from lotse import create_app
    from staff_support import make_key

    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("beacon-review")), "TESTING": True})
    return app, make_key(app, "staff", "beacon-review-staff")


def test_the_api_refuses_a_huge_level(service):
    from staff_support import auth

    app, key = service
    answer = app.test_client().post("/api/v1/beacons", headers=auth(key),
                                    json={"id": "review-level", "lat": 49.443, "lon": 7.759, "label": "Test",
                                          "level": 1e308})
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json", answer.json
    assert answer.json["detail"].startswith("level:"), answer.json


@pytest.mark.parametrize("query", ["box=7.75,49.44,7.76,49.45", "kinds=bus_stop", "bbox=7.75,49.44,7.76,49.45&bbox=0,0,1,1"])
def test_listing_beacons_refuses_a_misspelt_or_repeated_filter(service, query):
    """GET /beacons?box=... answered every beacon with 200, as /quality did before it was fixed."""
    app, _ = service
    answer = app.test_client().get(f"/api/v1/beacons?{query}")
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json", answer.status_code
    assert "query parameter" in answer.json["detail"], answer.json
    assert app.test_client().get("/api/v1/beacons?bbox=7.75,49.44,7.76,49.45&kind=bus_stop&limit=5").status_code == 200


def test_a_route_from_a_beacon_far_from_every_way_names_thebeacon_landmark(service):
    """A beacon with a typo in its position gave 'point (0.000000, 0.000000) is more than 150 m ...' for a
    route that named no coordinates: which point, and which record to fix?"""
    from staff_support import auth

    app, key = service
    client = app.test_client()
    made = client.post("/api/v1/beacons", headers=auth(key),
                       json={"id": "review-null-island", "lat": 0.0, "lon": 0.0, "label": "Eingang Rathaus"})
    assert made.status_code == 201, made.json
    answer = client.post("/api/v1/routes", json={"from": {"lat": 49.4433597, "lon": 7.7593084},
                                                 "to": {"beacon": "review-null-island"}})
    assert answer.status_code == 422 and answer.json["type"].endswith("point-off-network"), answer.json
    detail = answer.json["detail"]
    assert detail.startswith("to: the beacon review-null-island (Eingang Rathaus)") and "check its position" in detail
    assert answer.json["beacon"] == "review-null-island"


def test_a_route_from_a_beacon_says_that_beacon_at_the_start_not_every_one_around_it(zob):
    """From the beacon 'Eingang oben' the start said 'Sie sind am Eingang oben. Sie sind am Eingang oben
    Zwei.' (a second beacon 3.6 m on) - as the arrival at a beacon already names only that one."""
    graph, router, ll = zob
    here = dict(beacon_landmark(ll, 100, 1, "Eingang Nord", kind="entrance"), start=True)
    near = beacon_landmark(ll, 103.5, 1, "Eingang Süd", kind="entrance")
    later = beacon_landmark(ll, 130, 1, "Eingang Ost", kind="entrance")
    ms = find_maneuvers(graph, router.plan(ll(100, 0), ll(300, 0), "walk"), extra_landmarks=[here, near, later])
    assert [lm.label for lm in ms[0].landmarks] == ["Eingang Nord", "Eingang Ost"], ms[0].landmarks
    unmarked = find_maneuvers(graph, router.plan(ll(100, 0), ll(300, 0), "walk"),
                              extra_landmarks=[dict(here, start=False), near, later])
    assert [lm.label for lm in unmarked[0].landmarks] == ["Eingang Nord", "Eingang Süd", "Eingang Ost"]


def test_the_start_beacon_is_marked_only_for_the_start_asked_for(service):
    """A session planning again from the walker's fix must not take the old start beacon as where they are."""
    from lotse.api.routes import _landmarks

    beacons = [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]
    marked = _landmarks(beacons, {"lat": 1, "lon": 2}, None, {"beacon": "a"})
    assert [b.get("start") for b in marked] == [True, None]
    assert [b.get("start") for b in _landmarks(beacons, {"lat": 1, "lon": 2}, None, {})] == [None, None]


def test_a_session_fix_with_no_usable_beacon_says_which_and_why(service):
    """POST /sessions/<id>/positions with an unknown beacon said '(1 ignored, 0 rejected)', not which one."""
    app, _ = service
    client = app.test_client()
    started = client.post("/api/v1/sessions", json={"from": {"lat": 49.4433597, "lon": 7.7593084},
                                                    "to": {"lat": 49.4424604, "lon": 7.7593084}})
    assert started.status_code == 201, started.json
    answer = client.post(f"/api/v1/sessions/{started.json['id']}/positions",
                         json={"beacons": [{"id": "review-unknown", "rssi": -60}, {"id": "ibeacon:zz", "rssi": -60}]})
    assert answer.status_code == 422 and answer.json["type"].endswith("invalid-request"), answer.json
    assert "review-unknown: unknown" in answer.json["detail"] and "ibeacon:zz: invalid id" in answer.json["detail"]
    assert answer.json["ignored"] == [{"id": "review-unknown", "reason": "unknown"}]


@pytest.mark.parametrize("body, said", [
    ({"gps": None}, "gps: null is not of type 'object'"),
    ({"beacons": [{"id": "x", "rssi": True}]}, "beacons.0.rssi: true is not of type 'number'"),
])
def test_validation_messages_speak_json_not_python(service, body, said):
    """/locate answered "gps: None is not of type 'object'" and "True is not of type 'number'"."""
    app, _ = service
    answer = app.test_client().post("/api/v1/locate", json=body)
    assert answer.status_code == 422 and answer.json["detail"] == said, answer.json


@pytest.mark.parametrize("label, at", [("Mensa", "an der Mensa"), ("ZOB", "am ZOB"), ("Taxistand", "am Taxistand"),
                                       ("Querungshilfe Nord", "an der Querungshilfe Nord"), ("Kaufland", "bei Kaufland")])
def test_more_beacon_labels_take_their_article(label, at):
    """'Sie sind bei Mensa', 'bei ZOB': heads of beacon labels the gender table did not know."""
    from voice.german import landmark_phrase

    assert landmark_phrase(label).at == at
