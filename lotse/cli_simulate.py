"""``lotse simulate``: walk a route through live guidance and print what was said."""

from __future__ import annotations

import json
from dataclasses import asdict

import click


@click.command("simulate")
@click.argument("origin", metavar="FROM")
@click.argument("destination", metavar="TO")
@click.option("--graph", type=click.Path(exists=True, dir_okay=False), help="compiled graph (default: demo map)")
@click.option("--url", help="send the positions to a running server (e.g. http://127.0.0.1:5000) instead of "
                            "an in-process app")
@click.option("--profile", default="walk", show_default=True)
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
@click.option("--noise-m", default=5.0, show_default=True, type=click.FloatRange(0, 100),
              help="GPS noise: standard deviation per axis, metres")
@click.option("--interval-s", default=1.0, show_default=True, type=click.FloatRange(0.1, 120),
              help="seconds between fixes")
@click.option("--speed", default=1.3, show_default=True, type=click.FloatRange(0.1, 5), help="walking speed, m/s")
@click.option("--seed", default=0, show_default=True, type=int, help="seed of the noise")
@click.option("--wrong-turn-at", type=click.IntRange(1), default=None,
              help="index of the step where the walker goes another way (needs the graph)")
@click.option("--wrong-turn-m", default=60.0, show_default=True, type=click.FloatRange(10, 500),
              help="how far the walker goes the wrong way before a new route is followed")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
def simulate_command(origin: str, destination: str, graph: str | None, url: str | None, profile: str, lang: str,
                     noise_m: float, interval_s: float, speed: float, seed: int, wrong_turn_at: int | None,
                     wrong_turn_m: float, as_json: bool) -> None:
    """Walk from FROM to TO ('lat,lon') with noisy GPS through the session API; print the spoken timeline."""
    from lotse import create_app
    from lotse.cli import parse_point
    from lotse.simulator import FlaskClient, HttpClient, SimConfig, SimulationError, format_timeline, simulate

    a, b = parse_point(origin), parse_point(destination)
    compiled = None
    if url:
        client = HttpClient(url)
        if wrong_turn_at is not None:
            if not graph:
                raise click.UsageError("--wrong-turn-at with --url needs --graph (the graph the server serves)")
            from routing.graph import CompiledGraph

            compiled = CompiledGraph.load(graph)
    else:
        app = create_app({"GRAPH_PATH": graph} if graph else None)
        client = FlaskClient(app)
        compiled = app.extensions["lotse.graphs"].graph if wrong_turn_at is not None else None
    config = SimConfig(noise_m=noise_m, interval_s=interval_s, speed_mps=speed, seed=seed, profile=profile,
                       lang=lang, wrong_turn_at=wrong_turn_at, wrong_turn_m=wrong_turn_m)
    try:
        result = simulate(client, a, b, config, compiled)
    except SimulationError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        out = {"said": [asdict(s) for s in result.said], "fixes": result.fixes, "arrived": result.arrived,
               "off_route_at_m": result.off_route_at, "routes": len(result.routes),
               "wrong_turn": asdict(result.wrong_turn) if result.wrong_turn else None}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    click.echo(format_timeline(result))
