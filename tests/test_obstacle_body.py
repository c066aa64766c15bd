"""README, Staff: an obstacle is answered as a GeoJSON Feature and written with flat fields."""

from __future__ import annotations

import pytest

from lotse import create_app
from staff_support import auth, make_key

GEOMETRY = {"type": "Point", "coordinates": [7.7593, 49.4430]}  # on the demo map's footway
FIELDS = {"radius_m": 4, "kind": "construction", "severity": "hazard", "description": "Baustelle auf dem Gehweg"}


@pytest.fixture(scope="module")
def post(tmp_path_factory):
    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("obstacle-body")), "TESTING": True})
    key = auth(make_key(app, "staff", "obstacle-body"))
    client = app.test_client()
    return lambda body: client.post("/api/v1/obstacles", json=body, headers=key)


def test_the_readme_example_is_written_and_answered_as_a_feature(post):
    response = post({"geometry": GEOMETRY, **FIELDS})
    assert response.status_code == 201, response.get_json()
    doc = response.get_json()
    assert doc["type"] == "Feature" and doc["geometry"]["type"] == "Point"
    assert doc["properties"]["kind"] == "construction" and "affected" in doc["properties"]


def test_a_feature_as_body_is_refused_saying_why(post):
    response = post({"type": "Feature", "geometry": GEOMETRY, "properties": FIELDS})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    detail = response.get_json()["detail"]
    assert "'properties', 'type' were unexpected" in detail
