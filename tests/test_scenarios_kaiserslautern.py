"""The Kaiserslautern suite on a graph built from the real OSM extract (never skipped)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import xmlschema

from a11y import check_accessibility
from lotse.scenarios import load_suite_file
from lotse.scenarios.commands import run_with_graph
from lotse.scenarios.html import run_html
from lotse.scenarios.reports import junit_xml, text_summary

ROOT = Path(__file__).resolve().parents[1]
KL_SUITE = ROOT / "data" / "suites" / "kaiserslautern.yaml"
OSM_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "osm"
JUNIT_XSD = Path(__file__).resolve().parent / "fixtures" / "junit.xsd"

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def kl_graph(tmp_path_factory) -> Path:
    source = OSM_DIR / "kaiserslautern.osm.gz"
    if not source.is_file():
        pytest.fail(f"shared data missing: {source} (CI must provide ../shared/osm)")
    from routing.pipeline import build_from_osm

    path = tmp_path_factory.mktemp("kl") / "kl.graph"
    build_from_osm(source).save(path)
    return path


@pytest.fixture(scope="module")
def kl_run(kl_graph):
    suite = load_suite_file(KL_SUITE)
    started = time.perf_counter()
    run = run_with_graph(suite, str(kl_graph))
    print(f"\nKaiserslautern suite: {len(suite.scenarios)} scenarios in {run.duration_s:.2f} s "
          f"(with app start {time.perf_counter() - started:.2f} s)")
    return run


def test_the_kaiserslautern_suite_passes(kl_run):
    assert kl_run.passed, text_summary(kl_run)
    assert kl_run.graph["source"] == "kaiserslautern.osm.gz"
    station = kl_run.results[0]
    assert station.name == "Hauptbahnhof to Rathaus"
    assert station.request["profile"] == "blind_cane"
    assert station.measured["unsignalised_major_crossings"] == 0
    assert 1000 < station.measured["distance_m"] < 1700


def test_it_runs_fast_enough(kl_run):
    assert kl_run.duration_s < 20, f"{kl_run.duration_s:.1f} s for {len(kl_run.results)} scenarios"


def test_kaiserslautern_reports(kl_run):
    xmlschema.XMLSchema(JUNIT_XSD).validate(junit_xml(kl_run))
    page = run_html(kl_run)
    assert check_accessibility(page) == []
    assert "© OpenStreetMap contributors" in page


def test_a_tightened_expectation_fails_clearly(kl_graph):
    """The pilot route with a limit it cannot meet: the run fails and says by how much."""
    from lotse.scenarios import load_suite

    suite = load_suite("""
scenarios:
  - name: Hauptbahnhof to Rathaus, too strict
    from: {lat: 49.43598, lon: 7.76893}
    to: {lat: 49.44566, lon: 7.76869}
    profile: blind_cane
    expect: {max_length_m: 800, no_steps: true}
""")
    run = run_with_graph(suite, str(kl_graph))
    (result,) = run.results
    assert not run.passed and result.status == "failed"
    assert result.message.startswith("length: ") and "(at most 800 m)" in result.message
