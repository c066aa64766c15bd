"""Regressions from the review: odd ids and numbers are problems, not 500s; ended sessions leave no track."""

from __future__ import annotations

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
