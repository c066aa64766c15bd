"""README, Staff: an obstacle is answered as a GeoJSON Feature and written with flat fields or as a Feature."""

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


def test_a_feature_as_body_is_written_like_the_flat_fields(post):
    # GIS tools write Features; it was refused ("'properties', 'type' were unexpected").
    response = post({"type": "Feature", "geometry": GEOMETRY, "properties": FIELDS})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["properties"]["description"] == FIELDS["description"]


def test_a_feature_read_back_can_be_sent_again(post):
    answered = post({"geometry": GEOMETRY, **FIELDS}).get_json()     # with active, affected, revision, ...
    again = post({k: v for k, v in answered.items() if k != "id"} | {"id": answered["id"]})
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["id"] != answered["id"]


@pytest.mark.parametrize("body, said", [
    ({"type": "Feature", "geometry": GEOMETRY, "properties": "x"}, "properties: must be an object"),
    ({"type": "Feature", "geometry": GEOMETRY, "properties": FIELDS, "crs": {}}, "crs is not one of them"),
    ({"type": "Feature", "properties": FIELDS}, "geometry"),
    ({"type": "Feature", "geometry": GEOMETRY, "properties": {**FIELDS, "colour": "red"}}, "colour"),
])
def test_a_wrong_feature_says_what_is_wrong(post, body, said):
    response = post(body)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert said in response.get_json()["detail"], response.get_json()["detail"]
