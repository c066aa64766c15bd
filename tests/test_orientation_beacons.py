"""Where am I and what is around, from a BLE scan: the position located as POST /locate does."""

from __future__ import annotations

import pytest

STEIG_A = "ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:100:1"     # data/beacons.csv: Rathaus, Steig A
AMPEL = "ibeacon:f7826da6-4fa2-4e98-8024-bc5b71e0893e:100:2"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from lotse import create_app

    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("whereami-beacons")), "TESTING": True})
    return app.test_client()


def test_whereami_from_a_scan_names_the_place_and_says_how_it_was_located(client):
    # An app at a bus stop with no GPS fix asked "where am I" and got "'beacons' was unexpected".
    answer = client.post("/api/v1/whereami", json={"beacons": [{"id": STEIG_A, "rssi": -58}]})
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["position"]["method"] == "proximity" and body["position"]["accuracy_m"] > 0
    located = client.post("/api/v1/locate", json={"beacons": [{"id": STEIG_A, "rssi": -58}]}).json
    assert (body["position"]["lat"], body["position"]["lon"]) == pytest.approx((located["lat"], located["lon"]))
    assert "Rathaus" in body["text"], body["text"]


def test_whereami_with_gps_keeps_answering_for_the_fix_given(client):
    answer = client.post("/api/v1/whereami", json={"lat": 49.4430719, "lon": 7.7586169, "accuracy_m": 5})
    assert answer.status_code == 200
    assert answer.json["position"] == {"lat": 49.4430719, "lon": 7.7586169, "accuracy_m": 5, "method": "gps"}


def test_around_from_a_scan_with_gps_fuses_both(client):
    answer = client.post("/api/v1/around", json={"beacons": [{"id": STEIG_A, "rssi": -62}, {"id": AMPEL, "rssi": -75}],
                                                 "lat": 49.44306, "lon": 7.75865, "accuracy_m": 15})
    assert answer.status_code == 200, answer.json
    assert answer.json["position"]["method"].endswith("+gps")
    assert answer.json["items"], answer.json


@pytest.mark.parametrize("path", ["/api/v1/whereami", "/api/v1/around"])
@pytest.mark.parametrize("body, said", [
    ({}, "lat"),
    ({"lat": 49.44}, "lon"),
    ({"beacons": []}, "beacons"),
    ({"beacons": [{"id": "nope", "rssi": -60}]}, "nope: unknown"),
])
def test_no_position_is_a_clear_error(client, path, body, said):
    answer = client.post(path, json=body)
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json", answer.json
    assert said in answer.json["detail"], answer.json["detail"]
