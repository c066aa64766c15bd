"""Comparing a suite on two graph builds: which routes changed, and how."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from a11y import check_accessibility
from lotse.cli import main
from lotse.scenarios import load_suite_file
from lotse.scenarios.commands import run_with_graph
from lotse.scenarios.compare import compare_runs, instruction_diff
from lotse.scenarios.html import comparison_html
from lotse.scenarios.reports import comparison_text

ROOT = Path(__file__).resolve().parents[1]
DEMO_OSM = ROOT / "data" / "demo.osm"
DEMO_SUITE = ROOT / "data" / "suites" / "demo.yaml"
SOUND_ON_101 = '<tag k="traffic_signals:sound" v="yes"/>'


@pytest.fixture(scope="module")
def graphs(tmp_path_factory):
    """The demo map as it is, and after an 'update' that says crossing 101 has no acoustic signal."""
    from routing.pipeline import build_from_osm

    tmp = tmp_path_factory.mktemp("graphs")
    text = DEMO_OSM.read_text(encoding="utf-8")
    assert text.count(SOUND_ON_101) == 1
    after_osm = tmp / "after.osm"
    after_osm.write_text(text.replace(SOUND_ON_101, '<tag k="traffic_signals:sound" v="no"/>'), encoding="utf-8")
    before, after = tmp / "before.graph", tmp / "after.graph"
    build_from_osm(DEMO_OSM).save(before)
    build_from_osm(after_osm).save(after)
    return before, after, after_osm


@pytest.fixture(scope="module")
def comparison(graphs, tmp_path_factory):
    suite = load_suite_file(DEMO_SUITE)
    return compare_runs(run_with_graph(suite, str(graphs[0])), run_with_graph(suite, str(graphs[1])))


def test_the_changed_route_is_reported_with_figures_and_texts(comparison):
    assert comparison.before.passed and not comparison.after.passed
    changes = {c.name: c for c in comparison.changes}
    first = changes["Marktplatz to Benzinoring over the signalised crossing"]
    assert first.changed and (first.before_status, first.after_status) == ("passed", "failed")
    assert first.metrics["crossings_without_sound"] == {"before": 0, "after": 1, "delta": 1}
    assert any("Blindensignal" in t for t in first.removed)
    assert first.added and not any(t in first.removed for t in first.added)
    assert "max_crossings_without_sound: passed -> failed" in first.expectations_changed
    same = changes["Wheelchair takes the ramp, not the steps"]
    assert not same.changed


def test_comparison_text_and_html(comparison):
    text = comparison_text(comparison)
    assert "CHANGED  Marktplatz to Benzinoring over the signalised crossing (passed -> failed)" in text
    assert "crossings without sound: 0 -> 1 (+1)" in text
    assert "same     Wheelchair takes the ramp, not the steps" in text
    page = comparison_html(comparison)
    assert check_accessibility(page) == [], check_accessibility(page)
    assert "Instructions no longer said" in page and "New instructions" in page


def test_instruction_diff_keeps_order_and_repeats():
    added, removed = instruction_diff(["a", "b", "c", "b"], ["a", "x", "c", "b", "y"])
    assert removed == ["b"] and added == ["x", "y"]


def test_cli_compare_routes(graphs, tmp_path):
    before, after, after_osm = graphs
    runner = CliRunner()
    html, js = tmp_path / "diff.html", tmp_path / "diff.json"
    result = runner.invoke(main, ["compare-routes", str(DEMO_SUITE), "--before", str(before), "--after", str(after),
                                  "--html", str(html), "--json", str(js)])
    assert result.exit_code == 1, result.output  # an expectation fails after the change
    assert "1 of 7 routes changed" in result.output or "routes changed" in result.output
    assert check_accessibility(html.read_text(encoding="utf-8")) == []
    # the same graph twice: nothing changed, everything passes; --fail-on-change stays 0
    result = runner.invoke(main, ["test-routes", str(DEMO_SUITE), "--graph", str(before),
                                  "--compare-graph", str(before), "--fail-on-change"])
    assert result.exit_code == 0, result.output
    assert "0 of 7 routes changed" in result.output
    # an OSM extract is built on the fly
    result = runner.invoke(main, ["compare-routes", str(DEMO_SUITE), "--before", str(DEMO_OSM),
                                  "--after", str(after_osm)])
    assert result.exit_code == 1 and "CHANGED" in result.output
