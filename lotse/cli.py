"""The ``lotse`` command line: the same service from a shell."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from lotse import create_app


def _progress_printer():
    """Print build stages on a terminal; stay quiet when output is piped."""
    if not sys.stderr.isatty():
        return None
    state = {"stage": None}

    def show(stage: str, count: int) -> None:
        if stage != state["stage"]:
            if state["stage"] is not None:
                click.echo("", err=True)
            state["stage"] = stage
        label = {"nodes": "reading nodes", "ways": "reading ways", "graph": "building graph",
                 "islands": "removing islands", "compile": "compiling"}.get(stage, stage)
        click.echo(f"\r{label}: {count:,}" if count else f"\r{label} ...", err=True, nl=False)

    return show


def parse_point(text: str) -> tuple[float, float]:
    """``"lat,lon"`` -> (lat, lon), with a clear error."""
    try:
        lat_s, lon_s = text.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        raise click.BadParameter(f"'{text}' is not 'lat,lon' (e.g. 49.4447,7.7690)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise click.BadParameter(f"'{text}': latitude must be within ±90 and longitude within ±180")
    return lat, lon


@click.group()
@click.version_option(package_name="lotse")
def main() -> None:
    """Lotse: accessible pedestrian routing and spoken guidance."""


@main.command()
@click.option("--osm", "osm_file", type=click.Path(dir_okay=False), help="OSM file: .osm, .osm.gz, .osm.bz2 or .osm.pbf")
@click.option("--place", help='Place to download through osmnx (online), e.g. "Kaiserslautern, Germany"')
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="compiled graph file to write")
@click.option("--beacons", "beacons_file", type=click.Path(exists=True, dir_okay=False),
              help="beacons (CSV or GeoJSON, as for 'lotse beacons import') to attach as landmarks")
@click.option("--beacon-attach-m", default=30.0, show_default=True, type=click.FloatRange(1, 150),
              help="beacons farther than this from every walkable way are not attached (a warning)")
def build(osm_file: str | None, place: str | None, output: str, beacons_file: str | None = None,
          beacon_attach_m: float = 30.0) -> None:
    """Build a compiled pedestrian graph from OpenStreetMap data."""
    from routing.osm_import import OsmDataError
    from routing.pipeline import build_from_osm

    if bool(osm_file) == bool(place):
        raise click.UsageError("give exactly one of --osm FILE or --place NAME")
    records = _beacon_records(beacons_file) if beacons_file else None  # a bad file fails before the long build
    started = time.perf_counter()
    if place:
        from lotse.download import DownloadError, download_place

        try:
            osm_file = str(download_place(place, Path(output).with_suffix(".osm")))
        except DownloadError as exc:
            raise click.ClickException(str(exc)) from None
    try:
        graph = build_from_osm(osm_file, _progress_printer())
    except OsmDataError as exc:
        raise click.ClickException(str(exc)) from None
    if sys.stderr.isatty():
        click.echo("", err=True)
    if records is not None:
        from routing.landmarks import attach_beacons

        attach_beacons(graph, records, beacon_attach_m)
        click.echo(_beacon_summary(graph.meta.get("beacons") or []), err=True)
    graph.save(output)
    for warning in graph.meta.get("warnings", []):
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"{output}: {graph.n_nodes:,} nodes, {int(graph.edge_walkable.sum()):,} walkable edges, "
        f"{graph.n_transitions:,} turns; built in {time.perf_counter() - started:.1f} s"
    )


def _beacon_summary(stored: list[dict]) -> str:
    """How many beacons routes will announce: attached and switched on (an inactive one is only kept)."""
    attached = [b for b in stored if b.get("attached")]
    landmarks = sum(1 for b in attached if b.get("active", True))
    off = len(attached) - landmarks
    return (f"{landmarks} of {len(stored)} beacons attached as landmarks"
            + (f" ({off} more attached but switched off)" if off else ""))


def _beacon_records(path: str) -> list[dict]:
    """The beacons of a file for a build; any rejected row fails the build (a graph is built to be served)."""
    from beacons.io import BeaconFileError, read_beacons

    try:
        result = read_beacons(path)
    except BeaconFileError as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    if result.errors:
        for error in result.errors:
            click.echo(f"{path}: {error}", err=True)
        raise click.ClickException(f"{path}: {len(result.rejected)} row(s) rejected; fix them (see above)")
    return [b.to_dict() for b in result.beacons]


@main.command()
@click.option("--graph", type=click.Path(exists=True, dir_okay=False), help="compiled graph (default: demo map)")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="worker processes")
def serve(graph: str | None, host: str, port: int, workers: int) -> None:
    """Run the HTTP service (gunicorn)."""
    from lotse.server import run

    if graph is not None:
        from routing.graph import CompiledGraph

        try:  # a file the workers cannot read is said now, not as a 500 in every request
            CompiledGraph.load(graph)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    from lotse.beacon_registry import load_calibration
    from lotse.config import defaults

    try:  # likewise a damaged beacon calibration (LOTSE_BEACON_CALIBRATION): one line, not a traceback
        load_calibration(defaults()["BEACON_CALIBRATION"])
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    run(graph, host, port, workers)


@main.command()
@click.argument("origin", metavar="FROM")
@click.argument("destination", metavar="TO")
@click.option("--graph", type=click.Path(exists=True, dir_okay=False), help="compiled graph (default: demo map)")
@click.option("--profile", default="walk", show_default=True)
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
@click.option("--units", type=click.Choice(["metres", "steps"]), default="metres", show_default=True)
@click.option("--directions", type=click.Choice(["relative", "clock"]), default="relative", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print the API's JSON response")
@click.option("--gpx", "gpx_file", type=click.Path(dir_okay=False), help="also write the route as GPX 1.1")
@click.option("--geojson", "geojson_file", type=click.Path(dir_okay=False), help="also write it as GeoJSON")
@click.option("--say", "say_dir", type=click.Path(file_okay=False), help="write the spoken audio (WAV) into this folder")
@click.option("--rate", default=175, show_default=True, type=click.IntRange(80, 400), help="speech rate, words per minute")
def route(origin: str, destination: str, graph: str | None, profile: str, lang: str, units: str,
          directions: str, as_json: bool, gpx_file: str | None = None, geojson_file: str | None = None,
          say_dir: str | None = None, rate: int = 175) -> None:
    """Plan a route between two 'lat,lon' points and print its steps."""
    a, b = parse_point(origin), parse_point(destination)
    app = create_app({"GRAPH_PATH": graph} if graph else None)
    body = {"from": {"lat": a[0], "lon": a[1]}, "to": {"lat": b[0], "lon": b[1]}, "profile": profile,
            "lang": lang, "units": units, "directions": directions}
    if say_dir:
        body.update(audio=True, speech_rate=rate)
    with app.test_client() as client:
        response = client.post("/api/v1/routes", json=body)
        data = response.get_json()
        if response.status_code != 200:
            raise click.ClickException(data.get("detail", "route failed"))
        if say_dir:
            _save_audio(client, data, Path(say_dir))
    if gpx_file or geojson_file:
        from lotse.exports import write_route_files

        write_route_files(data, app.extensions["lotse.graphs"].is_demo, gpx_file, geojson_file)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    props = data["route"]["properties"]
    click.echo(props["summary"])
    for i, step in enumerate(data["steps"], 1):
        click.echo(f"{i:2d}. {step['text']['main']}")
        if step["text"].get("post"):
            click.echo(f"    {step['text']['post']}")


def _save_audio(client, data: dict, folder: Path) -> None:
    """Write the summary and every step's texts as numbered WAV files (00_summary.wav, 01_main.wav, ...)."""
    if not data.get("audio", {}).get("available"):
        raise click.ClickException(data.get("audio", {}).get("detail", "audio is unavailable"))
    folder.mkdir(parents=True, exist_ok=True)
    files = [("00_summary", data["route"]["properties"]["summary_audio"])]
    for i, step in enumerate(data["steps"], 1):
        files += [(f"{i:02d}_{kind}", url) for kind, url in step.get("audio", {}).items()]
    for name, url in files:
        (folder / f"{name}.wav").write_bytes(client.get(url).data)
    click.echo(f"{len(files)} audio files written to {folder}", err=True)


from lotse.cli_staff import db, keys, quality  # noqa: E402  (staff commands live in their own module)

main.add_command(db)
main.add_command(keys)
main.add_command(quality)

from lotse.cli_beacons import beacons  # noqa: E402  (the beacon registry)

main.add_command(beacons)

from lotse.scenarios.commands import compare_routes, test_routes  # noqa: E402  (route test suites)

main.add_command(test_routes)
main.add_command(compare_routes)

from lotse.cli_simulate import simulate_command  # noqa: E402  (live guidance replay)

main.add_command(simulate_command)
