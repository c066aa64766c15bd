"""``lotse db``, ``lotse keys`` and ``lotse quality``: the staff side of the service from a shell.

They use the same settings as the server (``LOTSE_DATA_DIR``, ``DATABASE_URL``,
``LOTSE_GRAPH``), so a key created here works on the running server at once.
"""

from __future__ import annotations

import getpass
import json
import math

import click

from lotse import create_app
from lotse.storage.audit import Actor


def _app(**config):
    return create_app({k: v for k, v in config.items() if v is not None})


def _cli_actor() -> Actor:
    """Changes made from a shell are recorded under the shell user, with admin rights."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = "unknown"
    return Actor(id=None, name=f"cli:{user}", role="admin")


@click.group()
def db() -> None:
    """The database (SQLite in the data folder, or DATABASE_URL)."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply schema migrations up to the newest (the server also does this at start)."""
    app = _app(AUTO_MIGRATE=False)
    database = app.extensions["lotse.db"]
    before, after = database.upgrade()
    if before == after:
        click.echo(f"{database.display_url}: already at {after}")
    else:
        click.echo(f"{database.display_url}: migrated from {before or 'empty'} to {after}")


@db.command("current")
def db_current() -> None:
    """Show the migration the database is at and the newest this code has."""
    database = _app(AUTO_MIGRATE=False).extensions["lotse.db"]
    click.echo(f"{database.display_url}: at {database.current_revision() or 'empty'}, "
               f"newest {database.head_revision()}")


@click.group()
def keys() -> None:
    """API keys: create (shown once), list, revoke."""


@keys.command("create")
@click.option("--role", required=True, type=click.Choice(["staff", "partner", "admin"]))
@click.option("--name", required=True, help="who or what uses the key, e.g. 'tablet-tiefbauamt'")
def keys_create(role: str, name: str) -> None:
    """Create a key and print it once (only its hash is stored)."""
    from lotse.storage import keys as store

    database = _app().extensions["lotse.db"]
    try:
        with database.write() as session:
            row, secret = store.create(session, name, role, _cli_actor())
            ident = row.id
    except store.KeyOperationError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created key {ident} '{name}' with role {role}; copy it now, it is not shown again:", err=True)
    click.echo(secret)


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def keys_list(as_json: bool) -> None:
    """List keys (never their secrets)."""
    from lotse.storage import keys as store

    with _app().extensions["lotse.db"].read() as session:
        rows = [r.public() for r in store.all_keys(session)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(f"{'id':>4}  {'name':<24} {'role':<8} {'prefix':<12} {'created':<21} revoked")
    for r in rows:
        click.echo(f"{r['id']:>4}  {r['name']:<24} {r['role']:<8} {r['prefix'] + '…':<12} "
                   f"{(r['created_at'] or '')[:19]:<21} {(r['revoked_at'] or '-')[:19]}")


@keys.command("revoke")
@click.argument("ident", metavar="ID|NAME")
def keys_revoke(ident: str) -> None:
    """Revoke a key by id or by the name of an active key; it stops working at once."""
    from lotse.storage import keys as store

    try:
        with _app().extensions["lotse.db"].write() as session:
            row = store.revoke(session, ident, _cli_actor())
            click.echo(f"revoked key {row.id} '{row.name}' ({row.role})")
    except store.KeyOperationError as exc:
        raise click.ClickException(str(exc)) from None


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``min_lon,min_lat,max_lon,max_lat`` as ``GET /quality?bbox=`` takes it."""
    if not value:
        return None
    try:
        parts = tuple(float(p) for p in value.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
        raise click.BadParameter(f"'{value}' must be min_lon,min_lat,max_lon,max_lat")
    min_lon, min_lat, max_lon, max_lat = parts
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise click.BadParameter(f"'{value}': minimum must not exceed maximum, lon within ±180, lat within ±90")
    return min_lon, min_lat, max_lon, max_lat


@click.command()
@click.option("--graph", type=click.Path(exists=True, dir_okay=False), help="compiled graph (default: demo map)")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="GeoJSON file to write (default: stdout)")
@click.option("--limit", type=click.IntRange(1), help="only the N busiest places")
@click.option("--kind", type=click.Choice(["crossing", "steps", "street", "feedback"]), multiple=True,
              help="only these kinds (repeatable)")
@click.option("--bbox", metavar="MIN_LON,MIN_LAT,MAX_LON,MAX_LAT", callback=lambda ctx, param, value: _bbox(value),
              help="only places with a point in this box (a district to survey), ranked within it")
def quality(graph: str | None, output: str | None, limit: int | None, kind: tuple[str, ...],
            bbox: tuple[float, float, float, float] | None) -> None:
    """Where accessibility data is missing, as GeoJSON, busiest places first."""
    from lotse.quality import quality_map

    app = _app(GRAPH_PATH=graph)
    store = app.extensions["lotse.graphs"]
    with app.app_context():  # sources (e.g. feedback) read the app's database
        doc = quality_map(store.graph, app.config["DATA_DIR"], app.extensions.get("lotse.quality_sources", []),
                          kinds=kind or None, limit=limit, bbox=bbox)
    text = json.dumps(doc, ensure_ascii=False)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"{output}: {len(doc['features'])} places of {doc['total']} with missing data", err=True)
    else:
        click.echo(text)
