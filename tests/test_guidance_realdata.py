"""Spoken guidance on real Kaiserslautern routes: left is left, and German stays German."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lotse import create_app
from routing.geo import bearing_deg, turn_angle_deg

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def client(kl_graph_file, tmp_path_factory):
    app = create_app({"GRAPH_PATH": str(kl_graph_file), "DATA_DIR": str(tmp_path_factory.mktemp("data"))})
    return app.test_client()


def _pairs(client, n: int, seed: int = 7):
    graph = client.application.extensions["lotse.graphs"].graph
    rng = np.random.default_rng(seed)
    nodes = rng.choice(graph.n_nodes, size=(n, 2))
    for a, b in nodes:
        yield ((float(graph.node_lat[a]), float(graph.node_lon[a])),
               (float(graph.node_lat[b]), float(graph.node_lon[b])))


def _routes(client, n: int, seed: int = 7, **options):
    """The answers of blind_cane routes between ``n`` random node pairs (those that found a route)."""
    for a, b in _pairs(client, n, seed):
        body = {"from": {"lat": a[0], "lon": a[1]}, "to": {"lat": b[0], "lon": b[1]}, "profile": "blind_cane",
                **options}
        response = client.post("/api/v1/routes", json=body)
        if response.status_code == 200:
            yield response.get_json()


def _geometric_turn(coords: list[list[float]], lon: float, lat: float) -> float | None:
    """Turn of the route line itself at the vertex nearest to a maneuver, from ~10 m before to ~10 m after."""
    c = np.array(coords)
    i = int(np.argmin((c[:, 0] - lon) ** 2 + (c[:, 1] - lat) ** 2))

    def walk(step: int) -> int:
        j, walked = i, 0.0
        while 0 <= j + step < len(c) and walked < 10.0:
            a, b = c[j], c[j + step]
            walked += float(np.hypot((b[0] - a[0]) * 72300, (b[1] - a[1]) * 111195))
            j += step
        return j

    before, after = walk(-1), walk(1)
    if before == i or after == i:
        return None
    b_in = bearing_deg(c[before][1], c[before][0], c[i][1], c[i][0])
    b_out = bearing_deg(c[i][1], c[i][0], c[after][1], c[after][0])
    return turn_angle_deg(b_in, b_out)


@pytest.mark.parametrize("lang, left, right", [("de", "links", "rechts"), ("en", "left", "right")])
def test_spoken_turns_match_the_route_geometry(client, lang, left, right):
    """On many real routes every clear turn is said in the direction the line really bends."""
    checked = 0
    for data in _routes(client, 120, lang=lang, directions="relative"):
        coords = data["route"]["geometry"]["coordinates"]
        for step in data["steps"]:
            if step["kind"] != "turn" or abs(step["turn_angle"]) < 60 or step.get("then"):
                continue
            geometric = _geometric_turn(coords, *step["location"])
            if geometric is None or abs(geometric) < 45:
                continue
            said = step["text"]["main"].lower().split(". ")[0]  # the instruction; later sentences name landmarks
            expected, wrong = (right, left) if geometric > 0 else (left, right)
            assert re.search(rf"\b{expected}\b", said) and not re.search(rf"\b{wrong}\b", said), (step, geometric)
            checked += 1
    assert checked >= 50, checked


def test_no_english_words_in_german_guidance(client):
    """German output of real routes uses no word of the English catalogue (street names aside)."""
    english = {"turn", "left", "right", "continue", "cross", "street", "steps", "stairs", "head", "the",
               "unknown", "traffic", "lights", "signal", "kerb", "handrail", "destination", "arrive", "metres",
               "minutes", "about", "now", "onto", "crossing", "you", "your", "on", "at", "of", "and", "with"}
    streets = set()
    texts = []
    for data in _routes(client, 25, seed=11):
        texts.append(data["route"]["properties"]["summary"])
        for step in data["steps"]:
            texts += [t for t in step["text"].values() if t]
            for name in (step.get("street"), (step.get("crossing") or {}).get("street")):
                if name:
                    streets.update(w.lower() for w in re.findall(r"\w+", name))
            for lm in step.get("landmarks", []):
                streets.update(w.lower() for w in re.findall(r"\w+", lm["label"]))
    assert len(texts) > 100
    words = {w.lower() for t in texts for w in re.findall(r"[^\W\d_]+", t)}
    leftovers = (words & english) - streets
    assert not leftovers, leftovers


def test_step_distances_add_up_to_the_route_and_survive_a_round_trip(client):
    """Each step's distance runs to the next step (a compound turn's parts counted from the part before):
    the steps add up to the route, and a session rebuilt from the steps places every maneuver the same."""
    from lotse.session_plan import maneuver_from_step

    compounds = 0
    for answer in _routes(client, 40, seed=11):
        steps = answer["steps"]
        total = answer["route"]["properties"]["distance_m"]
        assert sum(s["distance_m"] for s in steps) == pytest.approx(total, abs=0.1 * len(steps) + 0.5)
        for step in steps:
            if step.get("then"):
                compounds += 1
                assert sum(part["distance_m"] for part in step["then"]) <= step["distance_m"] + 0.1
            assert maneuver_from_step(step).to_next_m == pytest.approx(step["distance_m"], abs=0.05)
    assert compounds > 0
