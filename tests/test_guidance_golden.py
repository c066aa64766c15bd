"""Golden guidance: whole routes as spoken, German and English, on the demo map and Kaiserslautern.

A change in wording, maneuvers or routing shows up here as a diff of what a
blind walker would hear. After checking the diff, regenerate with
``LOTSE_UPDATE_GOLDEN=1 python -m pytest tests/test_guidance_golden.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lotse import create_app

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("LOTSE_UPDATE_GOLDEN") == "1"

# Demo map routes (data/README.md), chosen so that together they cover every maneuver kind.
DEMO_ROUTES = {
    "unmarked_shortcut": ((49.4433597, 7.7593084), (49.4424604, 7.7593084), "walk"),
    "signalised_detour": ((49.4433597, 7.7593084), (49.4424604, 7.7593084), "blind_cane"),
    "rathaus_stop_to_pharmacy": ((49.44301, 7.7570), (49.4430899, 7.7608299), "blind_cane"),
    "park_steps_terrace": ((49.4438094, 7.7602), (49.4438094, 7.7612), "blind_cane"),
    "park_ramp_wheelchair": ((49.4438094, 7.7602), (49.4438094, 7.7612), "wheelchair"),
    "square_to_zebra": ((49.4437, 7.7575), (49.4438094, 7.7604), "blind_cane"),
    "car_park_lift": ((49.4425, 7.7612), (49.4421, 7.7618), "walk"),
    "benzinoring_uncontrolled": ((49.4424604, 7.7593084), (49.4420107, 7.7588), "blind_cane"),
}


def spoken(body: dict) -> str:
    """The route as a listener hears it: summary, then each step's pre / main / post."""
    lines = [body["route"]["properties"]["summary"]]
    for i, step in enumerate(body["steps"], 1):
        lines.append(f"{i}. [{step['kind']}]")
        for key in ("pre", "main", "post"):
            if step["text"].get(key):
                lines.append(f"   {key}: {step['text'][key]}")
    return "\n".join(lines) + "\n"


def check(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"golden file {path.name} was missing and has been written; check it and run again")
    assert text == path.read_text(encoding="utf-8"), f"guidance differs from {path.name}"


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory):
    return create_app({"DATA_DIR": str(tmp_path_factory.mktemp("data"))}).test_client()


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("name", sorted(DEMO_ROUTES))
def test_demo_routes(demo_client, name, lang):
    a, b, profile = DEMO_ROUTES[name]
    response = demo_client.post("/api/v1/routes", json={
        "from": {"lat": a[0], "lon": a[1]}, "to": {"lat": b[0], "lon": b[1]}, "profile": profile, "lang": lang})
    assert response.status_code == 200, response.get_json()
    check(f"demo_{name}_{lang}", spoken(response.get_json()))


def test_demo_routes_cover_every_maneuver_kind(demo_client):
    kinds = set()
    for a, b, profile in DEMO_ROUTES.values():
        body = demo_client.post("/api/v1/routes", json={
            "from": {"lat": a[0], "lon": a[1]}, "to": {"lat": b[0], "lon": b[1]}, "profile": profile}).get_json()
        kinds |= {s["kind"] for s in body["steps"]}
        kinds |= {"landmark" for s in body["steps"] if s.get("landmarks")}
    assert {"depart", "turn", "cross", "steps", "elevator", "enter_area", "leave_area", "landmark",
            "arrive"} <= kinds, kinds


@pytest.mark.realdata
@pytest.mark.parametrize("lang", ["de", "en"])
def test_kaiserslautern_hauptbahnhof_to_rathaus(kl_graph_file, tmp_path_factory, lang):
    client = create_app({"GRAPH_PATH": str(kl_graph_file), "DATA_DIR": str(tmp_path_factory.mktemp("d"))}).test_client()
    response = client.post("/api/v1/routes", json={
        "from": {"lat": 49.43598, "lon": 7.76893}, "to": {"lat": 49.44566, "lon": 7.76869},
        "profile": "blind_cane", "lang": lang})
    assert response.status_code == 200
    check(f"kl_hbf_rathaus_blind_cane_{lang}", spoken(response.get_json()))
