"""Profiles as data: presets, documented parameters, per-request options and their validation."""

from __future__ import annotations

import math

import pytest

from routing.profiles import PARAMETERS, PRESETS, Parameter, Profile, ProfileError, describe, resolve

DEMO_FROM = {"lat": 49.4433597, "lon": 7.7593084}  # demo map node 130
DEMO_TO = {"lat": 49.4424604, "lon": 7.7593084}  # demo map node 131


def test_the_five_presets_exist():
    assert set(PRESETS) == {"walk", "blind_cane", "guide_dog", "low_vision", "wheelchair"}
    assert resolve(None).name == "walk"


def test_every_parameter_is_documented():
    for p in PARAMETERS.values():
        assert p.meaning and len(p.meaning) > 15, p.name
        if isinstance(p.default, bool):
            assert p.minimum is None and p.maximum is None
        else:
            assert p.unit, p.name
            assert p.minimum is not None and p.maximum is not None and p.minimum <= p.default <= p.maximum, p.name
    for name, preset in PRESETS.items():
        assert preset["meaning"] and preset["why"], name
        assert set(preset["params"]) <= set(PARAMETERS), name


def test_walk_is_the_penalty_free_baseline():
    walk = resolve("walk").params
    for key, value in walk.items():
        if key in ("walking_speed", "island_factor", "max_incline"):
            continue
        assert value in (0.0, False), f"walk must be the shortest route, but {key}={value}"


def test_blind_profiles_weigh_crossings_by_control():
    for name in ("blind_cane", "guide_dog", "low_vision"):
        p = resolve(name).params
        assert 0 < p["crossing_signals"] < p["crossing_zebra"] < p["crossing_marked"] < p["crossing_uncontrolled"]
        assert p["crossing_uncontrolled"] <= p["crossing_unmarked"]
        assert p["crossing_signals"] < p["crossing_unknown"] < p["crossing_unmarked"], "unknown lies between"
        assert p["unknown_crossing"] > 0 and p["unknown_signal_aids"] > 0, "unknown data has a price"
        assert p["turn_cost"] > 0 and not p["avoid_steps"]


def test_wheelchair_never_steps():
    p = resolve("wheelchair").params
    assert p["avoid_steps"] is True and p["raised_kerb"] > 0 and p["min_width"] > 0


def test_options_override_the_preset():
    profile = resolve("blind_cane", {"turn_cost": 30, "forbid_unsignalised_major_crossings": True})
    assert profile["turn_cost"] == 30.0
    assert profile["forbid_unsignalised_major_crossings"] is True
    assert profile["crossing_unmarked"] == PRESETS["blind_cane"]["params"]["crossing_unmarked"]
    assert profile.options == {"turn_cost": 30.0, "forbid_unsignalised_major_crossings": True}
    assert resolve("blind_cane").options == {}


def test_equal_options_give_equal_keys():
    """Costs are cached by the profile key: 30 and 30.0 are one entry."""
    assert resolve("blind_cane", {"turn_cost": 30}).key == resolve("blind_cane", {"turn_cost": 30.0}).key
    assert resolve("blind_cane", {"turn_cost": 10}).key == resolve("blind_cane").key
    assert resolve("blind_cane", {"turn_cost": 11}).key != resolve("blind_cane").key
    assert isinstance(resolve("walk"), Profile)


@pytest.mark.parametrize(
    "name, options, message",
    [
        ("jogger", None, "unknown profile 'jogger'"),
        ("walk", {"turn_penalty": 3}, "unknown option 'turn_penalty'"),
        ("walk", {"turn_cost": -1}, "at least 0"),
        ("walk", {"walking_speed": 9}, "at most 2.5"),
        ("walk", {"walking_speed": "fast"}, "must be a number"),
        ("walk", {"turn_cost": True}, "must be a number"),
        ("walk", {"turn_cost": math.nan}, "finite"),
        ("walk", {"turn_cost": math.inf}, "finite"),
        ("walk", {"avoid_steps": 1}, "true or false"),
        ("walk", {"island_factor": 1.5}, "at most 1"),
        ("walk", ["turn_cost"], "options must be an object"),
    ],
)
def test_invalid_options_are_refused(name, options, message):
    with pytest.raises(ProfileError, match=message):
        resolve(name, options)


def test_parameter_validate_converts_ints():
    p = Parameter("x", 1.0, 0, 10, "a test parameter of some length")
    assert p.validate(3) == 3.0 and isinstance(p.validate(3), float)


def test_describe_lists_presets_with_parameters_and_meaning():
    described = {d["name"]: d for d in describe()}
    assert set(described) == set(PRESETS)
    blind = described["blind_cane"]
    assert "long cane" in blind["meaning"]
    assert set(blind["parameters"]) == set(PARAMETERS)
    turn = blind["parameters"]["turn_cost"]
    assert turn["value"] == 10 and turn["default"] == 0 and turn["unit"] == "s" and turn["minimum"] == 0
    assert turn["meaning"] and turn["group"] == "turns"


def test_profiles_endpoint_and_option_errors_over_http():
    from lotse import create_app

    client = create_app().test_client()
    body = client.get("/api/v1/profiles").get_json()
    names = [p["name"] for p in body["profiles"]]
    assert names == list(PRESETS)
    bad = client.post("/api/v1/routes", json={"from": DEMO_FROM, "to": DEMO_TO, "profile": "blind_cane",
                                              "options": {"turn_cost": 10_000}})
    assert bad.status_code == 422
    assert bad.headers["Content-Type"].startswith("application/problem+json")
    assert "turn_cost" in bad.get_json()["detail"]
    unknown = client.post("/api/v1/routes", json={"from": DEMO_FROM, "to": DEMO_TO, "options": {"nope": 1}})
    assert unknown.status_code == 422 and "unknown option 'nope'" in unknown.get_json()["detail"]
    ok = client.post("/api/v1/routes", json={"from": DEMO_FROM, "to": DEMO_TO, "profile": "blind_cane",
                                             "options": {"turn_cost": 25}})
    assert ok.status_code == 200
