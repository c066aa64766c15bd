"""The data-quality map: gaps in accessibility data ranked by walking usage (demo map and Kaiserslautern)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lotse import create_app
from lotse.graphs import demo_graph_path
from lotse.storage import keys
from lotse.storage.audit import Actor
from routing.graph import CompiledGraph
from routing.quality import edge_usage, quality_map

from staff_support import cli, kl_graph


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return CompiledGraph.load(demo_graph_path(tmp_path_factory.mktemp("demo")))


@pytest.fixture(scope="module")
def usage(demo):
    return edge_usage(demo)


def by_id(doc) -> dict:
    return {f["id"]: f["properties"] for f in doc["features"]}


def test_usage_is_a_deterministic_share_of_trips(demo, usage):
    assert usage.shape == (demo.n_edges,)
    assert 0 <= usage.min() and usage.max() <= 1 and usage.sum() > 1  # a trip uses several edges
    assert np.array_equal(usage, edge_usage(demo))
    assert (usage[~demo.edge_walkable] == 0).all()


def test_demo_gaps_name_what_is_missing(demo, usage):
    doc = quality_map(demo, usage)
    gaps = by_id(doc)
    assert gaps["node/103"]["missing"] == ["traffic_signals_sound"]  # signals, sound not mapped
    assert next(p for k, p in gaps.items() if k.startswith("way/62/"))["missing"] == ["step_count", "handrail"]
    assert "node/101" not in gaps  # signals with sound, vibration, tactile paving, lowered kerb: complete
    assert not any(k.startswith("way/51/") for k in gaps)  # 12 steps with a handrail: complete
    usages = [f["properties"]["usage"] for f in doc["features"]]
    assert usages == sorted(usages, reverse=True)
    assert [f["properties"]["rank"] for f in doc["features"]] == list(range(1, len(usages) + 1))
    assert doc["total"] == len(doc["features"])


def test_filters_limit_and_a_feedback_source(demo, usage):
    class Feedback:
        """What the later feedback issue will plug in: open reports as places to survey."""

        def features(self, graph, usage):
            return [{"type": "Feature", "id": "feedback/1", "geometry": {"type": "Point", "coordinates": [7.76, 49.443]},
                     "properties": {"kind": "feedback", "missing": ["open feedback"], "usage": 1.0}}]

    doc = quality_map(demo, usage, [Feedback()])
    assert doc["features"][0]["id"] == "feedback/1"
    only_steps = quality_map(demo, usage, kinds=["steps"])
    assert {f["properties"]["kind"] for f in only_steps["features"]} == {"steps"}
    assert len(quality_map(demo, usage, limit=2)["features"]) == 2


def test_kaiserslautern_has_every_kind_of_gap():
    graph = CompiledGraph.load(kl_graph())
    doc = quality_map(graph, edge_usage(graph), limit=None)
    kinds = {f["properties"]["kind"] for f in doc["features"]}
    assert kinds == {"crossing", "steps", "street"}
    streets = [f for f in doc["features"] if f["properties"]["kind"] == "street"]
    assert all(f["properties"]["missing"] == ["sidewalk"] and f["geometry"]["type"] == "LineString" for f in streets)
    assert doc["features"][0]["properties"]["usage"] > 0.01


def test_api_needs_staff_and_caches_usage(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True})
    with app.extensions["lotse.db"].write() as session:
        _, staff = keys.create(session, "survey", "staff", Actor(None, "test", "admin"))
        _, partner = keys.create(session, "partner", "partner", Actor(None, "test", "admin"))
    client = app.test_client()
    assert client.get("/api/v1/quality").status_code == 401
    assert client.get("/api/v1/quality", headers={"Authorization": f"Bearer {partner}"}).status_code == 403
    response = client.get("/api/v1/quality?kind=crossing&limit=3", headers={"Authorization": f"Bearer {staff}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    doc = response.get_json()
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 3
    assert all(f["properties"]["kind"] == "crossing" for f in doc["features"])
    assert list((tmp_path / "quality").glob("usage-*.npy"))
    assert client.get("/api/v1/quality?limit=0", headers={"Authorization": f"Bearer {staff}"}).status_code == 422


def test_cli_writes_geojson(tmp_path):
    out = tmp_path / "quality.geojson"
    cli(tmp_path, "quality", "-o", str(out), "--kind", "steps")
    doc = json.loads(out.read_text())
    assert doc["type"] == "FeatureCollection" and doc["features"]
    assert {f["properties"]["kind"] for f in doc["features"]} == {"steps"}


@pytest.fixture(scope="module")
def staff_client(tmp_path_factory):
    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("quality-api")), "TESTING": True})
    with app.extensions["lotse.db"].write() as session:
        _, staff = keys.create(session, "survey", "staff", Actor(None, "test", "admin"))
    client = app.test_client()
    return lambda query: client.get(f"/api/v1/quality{query}", headers={"Authorization": f"Bearer {staff}"})


@pytest.mark.parametrize("query, words", [
    ("?bbox=abc", ["bbox 'abc'", "min_lon,min_lat,max_lon,max_lat"]),
    ("?bbox=7.76,49.45,7.75,49.44", ["minimum must not exceed maximum"]),
    ("?kinds=steps", ["unknown query parameter(s) kinds", "kind, limit, bbox"]),
    ("?foo=1&kind=steps", ["unknown query parameter(s) foo"]),
    ("?limit=3&limit=4", ["limit given more than once"]),
    ("?kind=stairs", ["kind: unknown value(s) stairs"]),
])
def test_quality_refuses_what_it_does_not_understand(staff_client, query, words):
    """'GET /api/v1/quality?bbox=abc' answered 200 with the whole map."""
    response = staff_client(query)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"].endswith("invalid-request")
    for w in words:
        assert w in problem["detail"], problem["detail"]


def test_quality_bbox_keeps_the_places_in_the_box_ranked_within_it(staff_client):
    whole = staff_client("?limit=10000").get_json()
    lon, lat = next(f["geometry"]["coordinates"] for f in whole["features"] if f["geometry"]["type"] == "Point")
    box = (lon - 0.0004, lat - 0.0003, lon + 0.0004, lat + 0.0003)  # about 60 x 65 m
    doc = staff_client("?bbox=" + ",".join(f"{v:.7f}" for v in box)).get_json()
    assert 0 < doc["total"] == len(doc["features"]) < whole["total"]
    assert doc["bbox"] == pytest.approx(list(box))
    assert [f["properties"]["rank"] for f in doc["features"]] == list(range(1, len(doc["features"]) + 1))
    inside = {f["id"] for f in whole["features"]
              if any(box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3]
                     for p in ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Point"
                               else f["geometry"]["coordinates"]))}
    assert [f["id"] for f in doc["features"]] == [f["id"] for f in whole["features"] if f["id"] in inside]
    assert staff_client("?bbox=" + ",".join(f"{v:.7f}" for v in box) + "&limit=1").get_json()["total"] == doc["total"]
    assert staff_client("?bbox=0,0,0.001,0.001").get_json()["features"] == []


def test_cli_bbox_is_the_apis(tmp_path, staff_client):
    # `lotse quality` had no --bbox: a district to survey could only be cut from the API.
    whole = staff_client("?limit=10000").get_json()
    lon, lat = next(f["geometry"]["coordinates"] for f in whole["features"] if f["geometry"]["type"] == "Point")
    box = ",".join(f"{v:.7f}" for v in (lon - 0.0004, lat - 0.0003, lon + 0.0004, lat + 0.0003))
    out = tmp_path / "district.geojson"
    cli(tmp_path, "quality", "-o", str(out), "--bbox", box)
    doc = json.loads(out.read_text())
    api = staff_client(f"?bbox={box}").get_json()
    assert doc["total"] == api["total"] > 0
    assert [f["id"] for f in doc["features"]] == [f["id"] for f in api["features"]]


@pytest.mark.parametrize("box", ["abc", "7.76,49.45,7.75,49.44"])
def test_cli_refuses_a_bad_bbox(tmp_path, box):
    from click.testing import CliRunner

    from lotse.cli import main

    result = CliRunner().invoke(main, ["quality", "--bbox", box], env={"LOTSE_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2 and "--bbox" in result.output, result.output
