"""Route test suites: the schema, defaults, and errors that point at the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from lotse.scenarios import SuiteError, load_suite, load_suite_file
from lotse.scenarios.schema import EXPECTATIONS, MAX_SCENARIOS, SUITE

SUITES = Path(__file__).resolve().parents[1] / "data" / "suites"

GOOD = """\
name: Example
defaults:
  profile: blind_cane
  options: {turn_cost: 10}
  expect:
    max_unsignalised_major_crossings: 0
    no_steps: true
scenarios:
  - name: one
    from: {lat: 49.4433597, lon: 7.7593084}
    to: {place: Rathaus}
    options: {walking_speed: 1.0}
    expect:
      no_steps: false
      max_length_m: 2e2
  - name: two
    from: {beacon: "ibeacon:1:2:3"}
    to: {lat: 49.44, lon: 7.76}
    profile: walk
    lang: en
"""


def errors_of(text: str, fmt: str = "yaml") -> list:
    with pytest.raises(SuiteError) as info:
        load_suite(text, fmt=fmt)
    return info.value.issues


def test_the_schema_is_valid_json_schema_and_names_every_expectation():
    Draft202012Validator.check_schema(SUITE)
    expect = SUITE["properties"]["scenarios"]["items"]["properties"]["expect"]["properties"]
    assert set(expect) == set(EXPECTATIONS) >= {
        "max_length_m", "max_detour_factor", "max_unsignalised_major_crossings", "max_crossings_without_sound",
        "no_steps", "max_turns", "must_pass", "must_avoid", "must_mention"}


def test_defaults_apply_and_scenarios_override_them():
    suite = load_suite(GOOD)
    one, two = suite.scenarios
    assert suite.name == "Example"
    assert one.request == {"from": {"lat": 49.4433597, "lon": 7.7593084}, "to": {"place": "Rathaus"},
                           "profile": "blind_cane", "options": {"turn_cost": 10, "walking_speed": 1.0}}
    assert one.expect == {"max_unsignalised_major_crossings": 0, "no_steps": False, "max_length_m": 200.0}
    assert two.request["profile"] == "walk" and two.request["lang"] == "en"
    assert two.request["from"] == {"beacon": "ibeacon:1:2:3"}
    assert two.expect == {"max_unsignalised_major_crossings": 0, "no_steps": True}
    assert one.line == 9 and two.line == 16


def test_yaml_words_stay_words():
    """YAML 1.1 would turn a scenario named 'off' or a word 'no' into a boolean."""
    suite = load_suite("scenarios:\n - name: off\n   from: {lat: 1, lon: 2}\n   to: {lat: 1, lon: 2}\n"
                       "   expect: {must_mention: [no, Nein, yes]}\n")
    assert suite.scenarios[0].name == "off"
    assert suite.scenarios[0].expect["must_mention"] == ["no", "Nein", "yes"]


def test_anchors_live_under_x_keys():
    suite = load_suite("x-station: &station {lat: 49.43598, lon: 7.76893}\n"
                       "x-route: &route\n  from: *station\n  to: {place: Rathaus}\n"
                       "scenarios:\n  - {name: a, from: *station, to: {place: Rathaus}}\n"
                       "  - <<: *route\n    name: b\n")
    assert [s.request["from"] for s in suite.scenarios] == [{"lat": 49.43598, "lon": 7.76893}] * 2
    assert suite.scenarios[1].request["to"] == {"place": "Rathaus"}


def test_errors_name_the_line_the_scenario_and_what_to_change():
    text = """\
scenarios:
  - name: first
    from: {lat: 49.44, lon: 7.76}
    to: {lat: 49.45, lon: 7.77}
    expect:
      max_turns: -1
      max_lenght_m: 300
  - name: second
    from: {lat: 49.44}
    to: {lat: 49.45, lon: 7.77}
    max_turns: 3
  - name: first
    from: {lat: 49.44, lon: 7.76}
    to: {lat: 49.45, lon: 7.77}
    lang: fr
"""
    issues = errors_of(text)
    found = {(i.line, i.scenario): i.message for i in issues}
    assert "minimum of 0" in found[(6, "first")]
    assert "unknown key 'max_lenght_m'" in found[(7, "first")] and "did you mean 'max_length_m'" in found[(7, "first")]
    assert "'lon' is a required property" in found[(9, "second")]
    assert "expectations go under 'expect:'" in found[(11, "second")]
    assert "used twice" in found[(12, "first")]
    assert "'fr' is not one of" in found[(15, "first")]
    text_of_all = str(SuiteError(issues, "suite.yaml"))
    assert "line 7, scenario 'first'" in text_of_all


@pytest.mark.parametrize("text, fragment, line", [
    ("", "empty", None),
    ("scenarios: [\n", "not valid YAML", 2),
    ("- just a list\n", "a suite is a mapping", 1),
    ("scenarios: 3\n", "not of type 'array'", 1),
    ("scenarios: []\n", "must not be empty", 1),
    ("name: x\nname: y\nscenarios: []\n", "appears twice", 2),
    ("a: &x [*x]\n", "nested too deeply", None),
    ("scenarios:\n - name: x\n   from: {lat: .nan, lon: 2}\n   to: {lat: 1, lon: 2}\n", "not a finite number", 3),
    ("scenarios:\n - name: x\n   from: {lat: 1, lon: 2}\n   to: {lat: 1, lon: 2}\n   when: 2020-01-01\n",
     "unknown key 'when'", 5),
    ("scenarios:\n - name: x\n   from: {lat: 1, lon: 2}\n   to: {lat: 1, lon: 2}\n"
     "   expect: {must_pass: [{lat: 1, lon: 2, radius_m: 0}]}\n", "expected an area", 5),
])
def test_malformed_suites(text, fragment, line):
    issues = errors_of(text)
    assert any(fragment in i.message and (line is None or i.line == line) for i in issues), issues


def test_json_suites_name_the_scenario_and_pointer():
    good = json.dumps({"scenarios": [{"name": "j", "from": {"lat": 1e1, "lon": 2}, "to": {"lat": 1, "lon": 2}}]})
    assert load_suite(good, fmt="json").scenarios[0].request["from"]["lat"] == 10.0
    bad = json.dumps({"scenarios": [{"name": "j", "from": {"lat": 1, "lon": 2}, "to": {"lat": 1}}]})
    (issue,) = errors_of(bad, "json")
    assert issue.scenario == "j" and issue.pointer == "/scenarios/0/to" and "'lon'" in issue.message
    for text in ('{"scenarios": [{"name": "j", "from": {"lat": NaN, "lon": 2}, "to": {"lat": 1, "lon": 2}}]}',
                 '{"scenarios": Infinity}'):
        (issue,) = errors_of(text, "json")
        assert "is not a number JSON allows" in issue.message
    (issue,) = errors_of("[" * 100_000 + "]" * 100_000, "json")
    assert "nested too deeply" in issue.message
    (issue,) = errors_of('{"scenarios": [}', "json")
    assert issue.line == 1 and "not valid JSON" in issue.message


def test_too_many_scenarios_is_its_own_error():
    one = "  - {name: s%d, from: {lat: 1, lon: 2}, to: {lat: 1, lon: 2}}\n"
    text = "scenarios:\n" + "".join(one % i for i in range(MAX_SCENARIOS + 1))
    with pytest.raises(SuiteError) as info:
        load_suite(text, max_scenarios=MAX_SCENARIOS)
    assert info.value.too_large and f"at most {MAX_SCENARIOS}" in info.value.issues[0].message
    assert len(load_suite(text).scenarios) == MAX_SCENARIOS + 1


def test_a_missing_file_is_a_suite_error(tmp_path):
    with pytest.raises(SuiteError, match="cannot read"):
        load_suite_file(tmp_path / "nope.yaml")


@pytest.mark.parametrize("name", ["demo.yaml", "kaiserslautern.yaml"])
def test_the_shipped_suites_load(name):
    suite = load_suite_file(SUITES / name)
    assert len(suite.scenarios) >= 6
    assert any(s.expect_problem for s in suite.scenarios)
    assert all(s.expect or s.expect_problem for s in suite.scenarios)
