"""``lotse test-routes`` and ``lotse compare-routes``: suites from a shell or a partner's CI.

Exit codes are the contract with CI: 0 every expectation held, 1 at least
one failed (or a route was refused), 2 the suite is malformed or a file is
missing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

import click

from lotse.scenarios import html, reports
from lotse.scenarios.compare import compare_runs
from lotse.scenarios.loader import Suite, SuiteError, load_suite_file
from lotse.scenarios.runner import SuiteRun, run_suite

OSM_SUFFIXES = (".osm", ".osm.gz", ".osm.bz2", ".osm.pbf", ".pbf")

EXIT_OK, EXIT_FAILED, EXIT_MALFORMED = 0, 1, 2


def _load(path: str) -> Suite:
    try:
        return load_suite_file(path)
    except SuiteError as exc:
        click.echo(f"error: the suite cannot be run\n{exc.describe()}", err=True)
        raise SystemExit(EXIT_MALFORMED) from None


@contextlib.contextmanager
def _graph_file(path: str | None) -> Iterator[str | None]:
    """A compiled graph for ``path``: as is, or built into a temporary file from an OSM extract."""
    if path is None or not path.lower().endswith(OSM_SUFFIXES):
        yield path
        return
    from routing.osm_import import OsmDataError
    from routing.pipeline import build_from_osm

    with tempfile.TemporaryDirectory(prefix="lotse-suite-") as tmp:
        out = Path(tmp) / "graph.npz"
        click.echo(f"building a graph from {path} ...", err=True)
        try:
            build_from_osm(path).save(out)
        except (OsmDataError, OSError) as exc:
            click.echo(f"error: cannot build a graph from {path}: {exc}", err=True)
            raise SystemExit(EXIT_MALFORMED) from None
        yield str(out)


def run_with_graph(suite: Suite, graph: str | None) -> SuiteRun:
    """Run ``suite`` in this process against ``graph`` (compiled or OSM; None: the demo map)."""
    from lotse import create_app
    from lotse.scenarios.clients import app_beacon, app_graph_info, app_route

    with _graph_file(graph) as path:
        app = create_app({"GRAPH_PATH": path} if path else None)
        try:
            app.extensions["lotse.graphs"].router  # load now: a bad file is a usage error, not N errors
        except (OSError, ValueError, KeyError) as exc:
            click.echo(f"error: cannot load the graph {graph}: {exc}", err=True)
            raise SystemExit(EXIT_MALFORMED) from None
        info = app_graph_info(app)
        if graph and info:
            info["file"] = os.path.basename(graph)
        return run_suite(suite, app_route(app), beacon=app_beacon(app), graph=info)


def run_with_server(suite: Suite, url: str, api_key: str | None) -> SuiteRun:
    """Run ``suite`` against a Lotse server over HTTP."""
    from lotse.scenarios.clients import HttpApi

    api = HttpApi(url, api_key)
    return run_suite(suite, api.route, beacon=api.beacon, graph=api.graph_info() | {"url": url})


def _write(path: str | None, text: str, what: str) -> None:
    if path:
        Path(path).write_text(text, encoding="utf-8")
        click.echo(f"{what} written to {path}", err=True)


_existing = click.Path(exists=True, dir_okay=False)


@click.command("test-routes")
@click.argument("suite_file", metavar="SUITE", type=click.Path(dir_okay=False))
@click.option("--graph", type=_existing, help="compiled graph or OSM extract (default: demo map)")
@click.option("--compare-graph", type=_existing, help="also run against this graph and report what changed")
@click.option("--url", help="run against a Lotse server instead of in this process, e.g. http://localhost:5000")
@click.option("--api-key", envvar="LOTSE_API_KEY", help="API key for --url (or LOTSE_API_KEY)")
@click.option("--junit", "junit_file", type=click.Path(dir_okay=False), help="write JUnit XML here")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="write the HTML report here")
@click.option("--json", "json_file", type=click.Path(dir_okay=False), help="write the JSON report here")
@click.option("-v", "--verbose", is_flag=True, help="also list the expectations that held")
@click.option("--fail-on-change", is_flag=True, help="with --compare-graph: exit 1 when any route changed")
def test_routes(suite_file: str, graph: str | None, compare_graph: str | None, url: str | None,
                api_key: str | None, junit_file: str | None, html_file: str | None, json_file: str | None,
                verbose: bool, fail_on_change: bool) -> None:
    """Run a route test suite; exit 1 when an expectation fails, 2 when the suite is malformed."""
    if url and (graph or compare_graph):
        raise click.UsageError("--url runs against a server's graph: leave out --graph and --compare-graph")
    if compare_graph:
        _compare(suite_file, graph, compare_graph, junit_file, html_file, json_file, fail_on_change)
        return
    if not Path(suite_file).is_file():
        click.echo(f"error: suite file {suite_file} not found", err=True)
        raise SystemExit(EXIT_MALFORMED)
    suite = _load(suite_file)
    run = run_with_server(suite, url, api_key) if url else run_with_graph(suite, graph)
    click.echo(reports.text_summary(run, verbose=verbose))
    _write(junit_file, reports.junit_xml(run), "JUnit XML")
    _write(html_file, html.run_html(run), "HTML report")
    _write(json_file, reports.json_report(run), "JSON report")
    raise SystemExit(EXIT_OK if run.passed else EXIT_FAILED)


@click.command("compare-routes")
@click.argument("suite_file", metavar="SUITE", type=click.Path(dir_okay=False))
@click.option("--before", required=True, type=_existing, help="graph (compiled or OSM) before the change")
@click.option("--after", required=True, type=_existing, help="graph (compiled or OSM) after the change")
@click.option("--junit", "junit_file", type=click.Path(dir_okay=False), help="JUnit XML of the 'after' run")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="write the HTML comparison here")
@click.option("--json", "json_file", type=click.Path(dir_okay=False), help="write the JSON comparison here")
@click.option("--fail-on-change", is_flag=True, help="exit 1 when any route changed")
def compare_routes(suite_file: str, before: str, after: str, junit_file: str | None, html_file: str | None,
                   json_file: str | None, fail_on_change: bool) -> None:
    """Run a suite against two graphs and report which routes changed and how.

    Exits 1 when an expectation fails on the 'after' graph (or, with
    --fail-on-change, when any route changed), 2 when the suite is malformed.
    """
    _compare(suite_file, before, after, junit_file, html_file, json_file, fail_on_change)


def _compare(suite_file: str, before: str | None, after: str, junit_file: str | None, html_file: str | None,
             json_file: str | None, fail_on_change: bool) -> None:
    if not Path(suite_file).is_file():
        click.echo(f"error: suite file {suite_file} not found", err=True)
        raise SystemExit(EXIT_MALFORMED)
    suite = _load(suite_file)
    cmp = compare_runs(run_with_graph(suite, before), run_with_graph(suite, after))
    click.echo(reports.comparison_text(cmp))
    _write(junit_file, reports.junit_xml(cmp.after), "JUnit XML")
    _write(html_file, html.comparison_html(cmp), "HTML comparison")
    _write(json_file, reports.comparison_json(cmp), "JSON comparison")
    failed = not cmp.after.passed or (fail_on_change and bool(cmp.changed))
    raise SystemExit(EXIT_FAILED if failed else EXIT_OK)
