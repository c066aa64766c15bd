"""``lotse beacons``: the beacon registry from a shell — import, export, list, calibrate.

Import is **per row**: every valid row is created or updated, every invalid
row is reported with its line (CSV) or feature number (GeoJSON), the field
and the reason, and the exit status is 1 when any row was rejected — so a
script notices, while a typo in one row does not hold back a hundred good
ones. All accepted rows are written in one transaction (one audit entry per
beacon; workers see all of them at once or none). ``--replace`` also removes
registered beacons the file does not list; it refuses to run when any row is
rejected, since a rejected row would otherwise delete its beacon.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from beacons.io import BeaconFileError, read_beacons, to_csv, to_geojson
from lotse.cli_staff import _app, _cli_actor


class _DryRun(Exception):
    """Raised inside the write transaction of ``--dry-run`` to roll it back."""


#: ``--graph FILE``: the map beacons are attached to (as ``lotse serve --graph``).
graph_option = click.option(
    "--graph", type=click.Path(exists=True, dir_okay=False),
    help="compiled graph the service uses, to check where beacons meet the network "
         "(default: LOTSE_GRAPH, else the demo map)")


def _graph_app(graph: str | None):
    """The service as ``lotse serve --graph GRAPH`` would run it (GRAPH None: LOTSE_GRAPH or the demo map)."""
    return _app(GRAPH_PATH=graph)


def map_name(app) -> str:  # noqa: ANN001
    """Which map an app's beacons are attached to, for messages: 'hb.graph (herrenberg.osm.pbf)', 'the demo map'."""
    store = app.extensions["lotse.graphs"]
    if store.is_demo:
        return "the demo map (give --graph FILE or set LOTSE_GRAPH for the city's map)"
    source = store.graph.meta.get("source")
    return f"{store.graph_path}" + (f" ({source})" if source else "")


@click.group()
def beacons() -> None:
    """Bluetooth beacons: import a CSV/GeoJSON file, export, list, calibrate positioning from a survey."""


@beacons.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson"]), help="default: from the file's suffix")
@click.option("--replace", is_flag=True, help="also remove registered beacons the file does not list")
@click.option("--dry-run", is_flag=True, help="check the file and show what would change; write nothing")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@graph_option
def import_(file: str, fmt: str | None, replace: bool, dry_run: bool, as_json: bool, graph: str | None) -> None:
    """Create or update beacons from FILE (rows with errors are reported and skipped).

    Each written beacon is checked against the map the service runs on
    (--graph, else LOTSE_GRAPH, else the demo map): one farther than 30 m
    from every walkable way is reported, since routes will not announce it.
    """
    from lotse.storage import beacons as store

    try:
        result = read_beacons(file, fmt)
    except BeaconFileError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    rejected = [e.to_dict() for e in result.errors]
    if replace and rejected:
        _report(file, None, rejected, [], as_json, dry_run, None)
        raise click.ClickException(f"{len(result.rejected)} row(s) rejected: nothing imported, because --replace "
                                   "would remove the beacons of the rejected rows; fix them first")
    app = _graph_app(graph)
    registry = app.extensions["lotse.beacons"]
    summary = None
    try:
        with app.extensions["lotse.db"].write() as session:
            summary = store.import_beacons(session, result.beacons, _cli_actor(), replace_all=replace)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    written = set(summary.created + summary.updated)
    checked = map_name(app) if written else None
    warnings = [f"{b.id} ({b.label}): no walkable way within {registry.attach_m:.0f} m on {checked}; used for "
                "positioning, not announced on routes" for b in result.beacons
                if b.id in written and registry.attachment(b.lat, b.lon) is None]
    _report(file, summary, rejected, warnings, as_json, dry_run, checked)
    if rejected:
        sys.exit(1)


def _report(file: str, summary, rejected: list[dict], warnings: list[str], as_json: bool,  # noqa: ANN001
            dry_run: bool, checked: str | None) -> None:
    counts = summary.counts() if summary else {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    counts["rejected"] = len({(r["where"]) for r in rejected})
    if as_json:
        doc = {"file": file, "dry_run": dry_run, **counts, "rejected_rows": rejected, "warnings": warnings,
               "checked_against": checked}
        if summary:
            doc.update(ids={"created": summary.created, "updated": summary.updated, "deleted": summary.deleted})
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    for r in rejected:
        click.echo(f"{file}: {r['where']}: {r['field']}: {r['reason']}", err=True)
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    what = ", ".join(f"{n} {k}" for k, n in counts.items())
    click.echo(f"{file}: {what}{' (dry run: nothing written)' if dry_run else ''}")
    if checked:
        click.echo(f"beacons checked against {checked}", err=True)


@beacons.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="file to write (default: stdout)")
@click.option("--format", "fmt", type=click.Choice(["csv", "geojson"]), help="default: from -o's suffix, else csv")
@click.option("--all", "with_graph", is_flag=True, help="include the beacons built into the graph file")
@graph_option
def export(output: str | None, fmt: str | None, with_graph: bool, graph: str | None) -> None:
    """Write the registered beacons as CSV or GeoJSON (the format import reads)."""
    fmt = fmt or ("geojson" if output and Path(output).suffix.lower() in (".geojson", ".json") else "csv")
    entries = _entries(with_graph, _graph_app(graph))
    items = [e.beacon for e in entries]
    text = to_csv(items) if fmt == "csv" else json.dumps(to_geojson(items), ensure_ascii=False, indent=1) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"{output}: {len(items)} beacons", err=True)
    else:
        click.echo(text, nl=False)


def _entries(with_graph: bool, app):  # noqa: ANN001
    """Registered beacons (and the graph's, with ``with_graph``), by id."""
    state = app.extensions["lotse.beacons"].current() if with_graph else None
    if state is not None:
        return list(state.entries.values())
    from lotse.beacon_registry import Entry
    from lotse.storage import beacons as store

    with app.extensions["lotse.db"].read() as session:
        return [Entry(store.to_beacon(r), "registry", None) for r in store.all_rows(session)]


@beacons.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@graph_option
def list_(as_json: bool, graph: str | None) -> None:
    """List the beacons the service uses: registered ones and those built into the graph."""
    app = _graph_app(graph)
    entries = _entries(True, app)
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2))
        return
    click.echo(f"{'id':<52} {'kind':<9} {'active':<6} {'source':<8} {'way':>6}  label")
    for e in entries:
        b = e.beacon
        way = f"{e.attached.distance_m:.0f} m" if e.attached else "-"
        click.echo(f"{b.id:<52} {b.kind:<9} {'yes' if b.active else 'no':<6} {e.source:<8} {way:>6}  {b.label}")
    click.echo(f"{len(entries)} beacons; distances to the network on {map_name(app)}", err=True)


@beacons.command("calibrate")
@click.argument("survey", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="calibration file (JSON)")
@click.option("--radio-map/--no-radio-map", default=True, show_default=True,
              help="also learn where the path-loss model is wrong, per beacon, over the surveyed places")
@click.option("--per-beacon", is_flag=True, help="also fit each beacon's tx power")
@graph_option
def calibrate_(survey: str, output: str, radio_map: bool, per_beacon: bool, graph: str | None) -> None:
    """Fit positioning to this deployment from SURVEY, a CSV of labelled scans.

    One row per reading: scan,lat,lon,id,rssi[,spot] (rows of one scan share
    'scan'; 'spot' names a stop of the walk). Serve the result with
    LOTSE_BEACON_CALIBRATION=FILE. Accuracy scales are fitted by
    cross-validation over the surveyed places, so they hold between them.
    """
    from beacons.calibration import CalibrationError, calibrate, describe_set_aside, read_survey

    try:
        samples = read_survey(survey)
        click.echo(f"{survey}: fitting {len(samples)} scans"
                   + (" and a radio map (about a minute per thousand scans)" if radio_map else ""), err=True)
        state = _graph_app(graph).extensions["lotse.beacons"].current()
        cal = calibrate(samples, [e.beacon for e in state.entries.values()],
                        per_beacon=per_beacon, radio_map=radio_map)
    except CalibrationError as exc:
        raise click.ClickException(f"{survey}: {exc}") from None
    Path(output).write_text(json.dumps(cal.to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
    rmap = cal.radio_map
    scales = ", ".join(f"{k} {v:.2f}" for k, v in sorted(cal.accuracy_scales.items()))
    click.echo(f"{output}: {cal.n_scans} scans, {cal.n_readings} readings, {len(cal.surveyed)} beacons; "
               f"tx_power {cal.tx_power:.1f} dBm, exponent {cal.path_loss_exponent:.2f}, noise {cal.noise_db:.1f} dB"
               + ("" if cal.orientation_sd_db is None else f", direction effect {cal.orientation_sd_db:.1f} dB")
               + (f"; radio map over {len(rmap.lat)} places (length {rmap.length_m:.1f} m, "
                  f"shadows along rays {rmap.ray_db:.1f} dB)" if rmap else "")
               + (f"; accuracy scales {scales}" if scales else "; no accuracy scales (survey too small to test them)")
               + (f"; set aside {sum(cal.set_aside.values())} readings: {describe_set_aside(cal.set_aside)}"
                  if cal.set_aside else ""))
