"""Running suites on the demo map: checks, failures with figures, reports, CLI exit codes."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import xmlschema
from click.testing import CliRunner

from a11y import check_accessibility
from lotse import create_app
from lotse.cli import main
from lotse.scenarios import load_suite, load_suite_file, run_suite
from lotse.scenarios.clients import HttpApi, app_beacon, app_graph_info, app_route, beacon_position
from lotse.scenarios.html import run_html
from lotse.scenarios.reports import json_report, junit_xml, text_summary

ROOT = Path(__file__).resolve().parents[1]
DEMO_SUITE = ROOT / "data" / "suites" / "demo.yaml"
JUNIT_XSD = Path(__file__).resolve().parent / "fixtures" / "junit.xsd"

SE = {"lat": 49.4433597, "lon": 7.7593084}  # node 130
NE = {"lat": 49.4424604, "lon": 7.7593084}  # node 131

FAILING = f"""\
name: Failing on purpose
scenarios:
  - name: shortcut is too long and unsafe
    from: {json.dumps(SE)}
    to: {json.dumps(NE)}
    profile: walk
    expect:
      max_length_m: 90
      max_unsignalised_major_crossings: 0
      must_mention: [Ampel]
  - name: fine
    from: {json.dumps(SE)}
    to: {json.dumps(NE)}
    profile: blind_cane
    expect: {{max_length_m: 200}}
  - name: no such profile
    from: {json.dumps(SE)}
    to: {json.dumps(NE)}
    profile: rocket
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({"DATA_DIR": str(tmp_path_factory.mktemp("data")), "TESTING": True})


@pytest.fixture(scope="module")
def demo_run(app):
    suite = load_suite_file(DEMO_SUITE)
    return run_suite(suite, app_route(app), beacon=app_beacon(app), graph=app_graph_info(app))


@pytest.fixture(scope="module")
def failing_run(app):
    return run_suite(load_suite(FAILING, source="failing.yaml"), app_route(app), graph=app_graph_info(app))


def test_the_demo_suite_passes(demo_run):
    assert demo_run.passed, text_summary(demo_run)
    assert demo_run.totals == {"scenarios": 7, "passed": 7, "failed": 0, "error": 0}
    first = demo_run.results[0]
    assert first.measured["crossings_without_sound"] == 0
    assert first.measured["detour_factor"] == pytest.approx(1.3, abs=0.05)
    names = [c.name for c in first.checks]
    assert names == ["max_length_m", "max_detour_factor", "max_unsignalised_major_crossings",
                     "max_crossings_without_sound", "no_steps", "max_turns", "must_pass", "must_avoid",
                     "must_mention"]


def test_a_failing_expectation_fails_with_its_figures(failing_run):
    assert not failing_run.passed
    bad, fine, refused = failing_run.results
    assert (bad.status, fine.status, refused.status) == ("failed", "passed", "error")
    failed = {c.name: c for c in bad.failures}
    assert set(failed) == {"max_length_m", "max_unsignalised_major_crossings", "must_mention"}
    assert failed["max_length_m"].measured == pytest.approx(100, abs=1)
    assert failed["max_length_m"].message == "length: 100 m (at most 90 m), 10 m over"
    assert "never says 'Ampel'" in failed["must_mention"].message
    assert "unknown-profile" in refused.message
    summary = text_summary(failing_run)
    assert "FAIL   shortcut is too long and unsafe" in summary
    assert "FAILED max_length_m: length: 100 m (at most 90 m), 10 m over" in summary
    assert "FAILED: 1 passed, 1 failed, 1 error of 3 scenarios" in summary


def test_expected_problems_pass_only_when_they_match(app):
    suite = load_suite(f"""
scenarios:
  - {{name: refused as expected, from: {{lat: 49.5, lon: 7.9}}, to: {json.dumps(NE)}, expect_problem: point-off-network}}
  - {{name: refused otherwise, from: {{lat: 49.5, lon: 7.9}}, to: {json.dumps(NE)}, expect_problem: no-route}}
  - {{name: not refused, from: {json.dumps(SE)}, to: {json.dumps(NE)}, expect_problem: no-route}}
""")
    statuses = [r.status for r in run_suite(suite, app_route(app)).results]
    assert statuses == ["passed", "failed", "failed"]


def test_detour_factor_falls_back_to_the_shortest_walk():
    """An audit without detour_factor: the runner plans the walk baseline itself."""
    def fake_route(request):
        length = 100.0 if request.get("profile") == "walk" else 180.0
        return 200, {"route": {"geometry": {"coordinates": [[7.0, 49.0], [7.001, 49.0]]},
                               "properties": {"distance_m": length, "summary": "", "audit": {"turns": 0}}},
                     "steps": []}
    suite = load_suite("scenarios:\n - {name: x, from: {lat: 49, lon: 7}, to: {lat: 49, lon: 7.001}, "
                       "profile: blind_cane, expect: {max_detour_factor: 1.5}}\n")
    (result,) = run_suite(suite, fake_route).results
    assert result.status == "failed" and result.measured["detour_factor"] == 1.8
    assert "detour factor 1.80" in result.message


@pytest.mark.parametrize("factor, limit, said", [
    (1.053, 1.05, "detour factor 1.053 against the shortest walk (at most 1.05)"),
    (1.0504, 1.05, "detour factor 1.05 against the shortest walk (at most 1.05)"),  # compared to 3 decimals
    (1.8, 1.5, "detour factor 1.80 against the shortest walk (at most 1.50)"),
    (1.05, 1.05, "detour factor 1.05 against the shortest walk (at most 1.05)"),
])
def test_a_failing_comparison_shows_the_decimals_that_fail_it(factor, limit, said):
    """'FAILED max_detour_factor: detour factor 1.05 ... (at most 1.05)' hid why it failed."""
    from lotse.scenarios.expectations import check

    route = {"route": {"geometry": {"coordinates": [[7.0, 49.0], [7.001, 49.0]]},
                       "properties": {"distance_m": 1000.4, "summary": "", "audit": {"detour_factor": factor}}},
             "steps": []}
    (detour,) = check({"max_detour_factor": limit}, route)
    assert detour.message == said
    assert detour.passed == (round(factor, 3) <= limit)
    (length,) = check({"max_length_m": 1000}, route)
    assert not length.passed and length.message == "length: 1000.4 m (at most 1000 m), 0.4 m over"


def test_beacons_in_must_pass_are_looked_up():
    def fake_route(request):
        return 200, {"route": {"geometry": {"coordinates": [[7.0, 49.0], [7.001, 49.0]]},
                               "properties": {"distance_m": 73.0, "summary": ""}}, "steps": []}
    beacons = {"near": (49.00005, 7.0005), "far": (49.01, 7.0)}
    suite = load_suite("scenarios:\n - name: x\n   from: {lat: 49, lon: 7}\n   to: {lat: 49, lon: 7.001}\n"
                       "   expect:\n     must_pass: [{beacon: near, radius_m: 10}]\n"
                       "     must_avoid: [{beacon: far}, {beacon: unknown}]\n")
    (result,) = run_suite(suite, fake_route, beacon=beacons.get).results
    assert [c.passed for c in result.checks] == [True, True, False]
    assert "not known to the server" in result.checks[2].message


def test_a_route_callable_that_raises_is_an_error_not_a_crash():
    def broken(request):
        raise ConnectionError("server down")
    suite = load_suite("scenarios:\n - {name: x, from: {lat: 49, lon: 7}, to: {lat: 49, lon: 7.001}}\n")
    (result,) = run_suite(suite, broken).results
    assert result.status == "error" and "server down" in result.message


def test_junit_xml_validates_and_counts(demo_run, failing_run):
    schema = xmlschema.XMLSchema(JUNIT_XSD)
    for run in (demo_run, failing_run):
        schema.validate(junit_xml(run))
    xml = junit_xml(failing_run)
    assert 'tests="3" failures="1" errors="1"' in xml
    assert '<failure message="length: 100 m (at most 90 m), 10 m over;' in xml
    assert "<error " in xml and "unknown-profile" in xml


def test_junit_xml_survives_control_characters(failing_run):
    failing_run.results[0].summary = "bad\x01char"
    xmlschema.XMLSchema(JUNIT_XSD).validate(junit_xml(failing_run))


def test_html_reports_pass_the_accessibility_check(demo_run, failing_run):
    for run in (demo_run, failing_run):
        page = run_html(run)
        assert check_accessibility(page) == [], check_accessibility(page)
    page = run_html(failing_run)
    assert '<html lang="en">' in page and '<ol lang="de">' in page
    assert "Failed</span>" in page and "10 m over" in page
    assert "invented data" in run_html(demo_run)  # the demo map is not OSM data


def test_the_accessibility_check_catches_problems():
    bad = ('<html><head></head><body><h1>A</h1><h3>B</h3><h1>C</h1><table><tr><th>x</th></tr></table>'
           '<input id="q"><span class="status-failed">✗</span><a href="#nowhere"></a><script></script>'
           '</body></html>')
    problems = " | ".join(check_accessibility(bad))
    for fragment in ("DOCTYPE", "lang", "<title>", "one <h1>", "level skipped", "caption", "no scope",
                     "without a label", "without a word", "link without text", "missing id", "scripts"):
        assert fragment in problems, fragment


def test_json_report_round_trips(failing_run):
    data = json.loads(json_report(failing_run))
    assert data["passed"] is False and data["totals"]["failed"] == 1
    assert data["scenarios"][0]["checks"][0]["name"] == "max_length_m"


def test_cli_exit_codes_and_files(tmp_path):
    runner = CliRunner()
    out = {k: tmp_path / f"r.{k}" for k in ("xml", "html", "json")}
    result = runner.invoke(main, ["test-routes", str(DEMO_SUITE), "--junit", str(out["xml"]),
                                  "--html", str(out["html"]), "--json", str(out["json"])])
    assert result.exit_code == 0, result.output
    assert "PASSED: 7 passed, 0 failed, 0 errors of 7 scenarios" in result.output
    xmlschema.XMLSchema(JUNIT_XSD).validate(str(out["xml"]))
    assert check_accessibility(out["html"].read_text(encoding="utf-8")) == []
    assert json.loads(out["json"].read_text(encoding="utf-8"))["passed"] is True

    failing = tmp_path / "failing.yaml"
    failing.write_text(FAILING, encoding="utf-8")
    result = runner.invoke(main, ["test-routes", str(failing)])
    assert result.exit_code == 1
    assert "FAILED max_length_m: length: 100 m (at most 90 m), 10 m over" in result.output

    malformed = tmp_path / "bad.yaml"
    malformed.write_text("scenarios:\n  - name: x\n    from: {lat: 1}\n    to: {lat: 1, lon: 2}\n", encoding="utf-8")
    result = runner.invoke(main, ["test-routes", str(malformed)])
    assert result.exit_code == 2
    assert "line 3, scenario 'x'" in result.output
    assert runner.invoke(main, ["test-routes", str(tmp_path / "missing.yaml")]).exit_code == 2


def test_runs_against_a_server_over_http(app):
    """The same suite against a live server (a partner's CI against staging)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        api = HttpApi(f"http://127.0.0.1:{server.server_port}", timeout_s=30)
        run = run_suite(load_suite_file(DEMO_SUITE), api.route, beacon=api.beacon, graph=api.graph_info())
        assert run.passed, text_summary(run)
        assert run.graph.get("source") == "demo.osm"
        assert api.beacon("no-such-beacon") is None
        result = CliRunner().invoke(main, ["test-routes", str(DEMO_SUITE), "--url", api.base_url])
        assert result.exit_code == 0, result.output
        assert "PASSED: 7 passed" in result.output
        assert CliRunner().invoke(main, ["test-routes", str(DEMO_SUITE), "--url", api.base_url,
                                         "--graph", str(DEMO_SUITE)]).exit_code == 2
    finally:
        server.shutdown()


def test_beacon_documents_in_several_shapes():
    assert beacon_position({"lat": 1, "lon": 2}) == (1.0, 2.0)
    assert beacon_position({"position": {"lat": 1, "lon": 2}}) == (1.0, 2.0)
    assert beacon_position({"geometry": {"type": "Point", "coordinates": [2, 1]}}) == (1.0, 2.0)
    assert beacon_position({"id": "x"}) is None and beacon_position(None) is None
