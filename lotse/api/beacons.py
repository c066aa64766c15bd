"""``/api/v1/beacons``: the beacon registry — open to read, ``staff`` to write.

Ids contain ``:`` (``ibeacon:UUID:MAJOR:MINOR``) and free ids may contain
``/``, so the URL rule takes the rest of the path (``<path:beacon_id>``);
percent-encoding works too. Any spelling of an id finds the beacon (ids are
normalised). A write is in effect for the next request to any worker
(:mod:`lotse.beacon_registry`), and is in the audit trail.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request, url_for

from beacons.ids import BeaconIdError, normalize_beacon_id
from beacons.io import parse_time
from beacons.model import KINDS, Beacon, BeaconValidationError

from lotse.api import params
from lotse.api import beacon_schemas as S
from lotse.api.schemas import PROBLEM
from lotse.api.spec import documented, validated_json
from lotse.api.staff_schemas import query
from lotse.auth import require_role
from lotse.beacon_registry import Entry, get_registry
from lotse.beacon_models import BeaconRow
from lotse.db import get_db
from lotse.problems import Problem
from lotse.storage import beacons as store

bp = Blueprint("beacons", __name__)

_WRITE_ERRORS = {401: ("Missing or invalid API key", PROBLEM), 403: ("The key's role may not write", PROBLEM),
                 422: ("Invalid beacon: every invalid field is listed in `errors`", PROBLEM)}
_ID_NOTE = ("The id may be sent as is (`/beacons/ibeacon:f7826da6-…:100:1`) or percent-encoded; any spelling "
            "(upper case, UUID without hyphens, leading zeros) finds the beacon.")


def _beacon(body: dict[str, Any], beacon_id: str | None = None) -> Beacon:
    """A validated beacon from a request body; every invalid field in one ``invalid-request`` problem."""
    values = dict(body)
    if beacon_id is not None:
        values["id"] = beacon_id
    problems = []
    for name in ("installed_at", "last_seen"):  # parsed here so that every bad field is reported at once
        if isinstance(values.get(name), str):
            try:
                values[name] = parse_time(values[name])
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
                values[name] = None
    try:
        beacon = Beacon.from_dict(values, validate=False)
        problems += beacon.errors()
    except BeaconValidationError as exc:
        problems += exc.errors
    if problems:
        errors = [{"pointer": "/" + e.partition(": ")[0], "message": e.partition(": ")[2] or e} for e in problems]
        raise Problem("invalid-request", "; ".join(problems), errors=errors)
    return beacon


def _canonical(raw: str) -> str:
    try:
        return normalize_beacon_id(raw)
    except BeaconIdError as exc:
        raise Problem("not-found", f"no beacon with id {raw!r}: {exc}") from None


def _answer(row: BeaconRow, status: int = 200) -> Response:
    """A written beacon as the API shows it, with a warning when it is off the walkable network."""
    record = row.record()
    beacon = store.to_beacon(row)
    registry = get_registry()
    entry = Entry(beacon, "registry", registry.attachment(beacon.lat, beacon.lon),
                  {k: record[k] for k in ("revision", "created_at", "created_by", "updated_at", "updated_by")})
    body = entry.to_dict()
    if entry.attached is None:
        body["warnings"] = [f"no walkable way within {registry.attach_m:.0f} m: the beacon is used for "
                            "positioning, but routes do not announce it"]
    response = jsonify(body)
    response.status_code = status
    response.headers["Location"] = url_for("beacons.get_beacon", beacon_id=beacon.id)
    return response


def _locked(session, bid: str) -> BeaconRow | None:  # noqa: ANN001 - sqlalchemy Session
    """The registered row, locked for the write (PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the lock)."""
    try:
        return store.get(session, bid, for_update=True)
    except store.NotFound:
        return None


LIST_PARAMS = ("bbox", "kind", "active", "source", "limit", "cursor")


def _active_filter() -> bool | None:
    value = request.args.get("active")
    if value in (None, ""):
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise Problem("invalid-request", f"active must be true or false, not '{value}'")


def _in_bbox(entry: Entry, bbox: tuple[float, float, float, float] | None) -> bool:
    if bbox is None:
        return True
    min_lon, min_lat, max_lon, max_lat = bbox
    return min_lon <= entry.beacon.lon <= max_lon and min_lat <= entry.beacon.lat <= max_lat


@bp.get("/beacons")
@documented(
    "Beacons, filtered and paged (stable order: by id)", tag="beacons",
    description="The registry merged with the beacons built into the graph (`source`). Residents' apps may "
                "read it to know which beacons to listen for. An unknown or repeated query parameter is a 422.",
    parameters=[query("bbox", "min_lon,min_lat,max_lon,max_lat: beacons inside"),
                query("kind", "comma-separated kinds: " + ", ".join(KINDS)),
                query("active", "true or false", {"type": "boolean"}),
                query("source", "registry or graph", {"enum": ["registry", "graph"]}),
                query("limit", f"page size, 1 to {params.MAX_LIMIT} (default {params.DEFAULT_LIMIT})",
                      {"type": "integer"}),
                query("cursor", "next_cursor of the previous page")],
    responses={200: ("A page of beacons", S.BEACON_PAGE), 422: ("Invalid filter", PROBLEM)},
)
def list_beacons():
    params.only(LIST_PARAMS)  # a misspelt ?box= must not answer every beacon
    limit = params.limit()
    bbox = params.bbox()
    kinds = params.choices("kind", KINDS)
    active = _active_filter()
    source = params.choices("source", ("registry", "graph"))
    cursor = request.args.get("cursor") or None
    state = get_registry().current()
    page: list[Entry] = []
    more = False
    for bid, entry in state.entries.items():
        if cursor is not None and bid <= cursor:
            continue
        if (not _in_bbox(entry, bbox) or (kinds and entry.beacon.kind not in kinds)
                or (active is not None and entry.beacon.active != active) or (source and entry.source not in source)):
            continue
        if len(page) == limit:
            more = True
            break
        page.append(entry)
    return jsonify({"beacons": [e.to_dict() for e in page], "next_cursor": page[-1].beacon.id if more else None,
                    "version": state.version})


@bp.post("/beacons")
@documented(
    "Register a beacon; positioning, routes and the gazetteer use it from the next request", tag="beacons",
    auth="staff", request_schema=S.BEACON_CREATE,
    responses={201: ("The beacon, with where it meets the walkable network", S.BEACON),
               409: ("A beacon with this id exists", PROBLEM), **_WRITE_ERRORS},
)
@require_role("staff")
def create_beacon():
    beacon = _beacon(validated_json(S.BEACON_CREATE))
    if get_registry().is_graph_beacon(beacon.id):
        raise Problem("beacon-exists", f"the beacon {beacon.id} comes with the graph file; PUT "
                      f"/api/v1/beacons/{beacon.id} to replace it in the registry", beacon=beacon.id)
    with get_db().write() as session:
        try:
            row = store.create(session, beacon, g.caller)
        except store.Exists as exc:
            raise Problem("beacon-exists", f"{exc}; change it with PUT /api/v1/beacons/{beacon.id}",
                          beacon=beacon.id) from None
    return _answer(row, 201)


@bp.get("/beacons/<path:beacon_id>")
@documented("One beacon", tag="beacons", description=_ID_NOTE,
            responses={200: ("The beacon", S.BEACON), 404: ("No such beacon", PROBLEM)})
def get_beacon(beacon_id: str):
    bid = _canonical(beacon_id)
    entry = get_registry().current().entries.get(bid)
    if entry is None:
        raise Problem("not-found", f"no beacon with id {bid} is known")
    return jsonify(entry.to_dict())


@bp.put("/beacons/<path:beacon_id>")
@documented(
    "Replace a beacon's record (a beacon of the graph file is then overridden by the registry)", tag="beacons",
    auth="staff", request_schema=S.BEACON_PUT, description=_ID_NOTE,
    responses={200: ("The changed beacon", S.BEACON), 404: ("No such beacon", PROBLEM), **_WRITE_ERRORS},
)
@require_role("staff")
def put_beacon(beacon_id: str):
    bid = _canonical(beacon_id)
    body = validated_json(S.BEACON_PUT)
    if "id" in body:
        try:
            given = normalize_beacon_id(body["id"])
        except BeaconIdError as exc:
            raise Problem("invalid-request", f"id: {exc}", errors=[{"pointer": "/id", "message": str(exc)}]) from None
        if given != bid:
            raise Problem("invalid-request", f"id {given} in the body differs from {bid} in the URL; the id of a "
                          "beacon cannot change (delete it and register the new id)")
    beacon = _beacon(body, bid)
    from_graph = get_registry().is_graph_beacon(bid)
    with get_db().write() as session:  # read, check and write in one transaction: no lost updates
        row = _locked(session, bid)
        if row is not None:
            row = store.replace(session, row, beacon, g.caller)
        elif from_graph:
            row = store.create(session, beacon, g.caller)
        else:
            raise Problem("not-found", f"no beacon with id {bid} is registered; register it with POST /api/v1/beacons")
    return _answer(row)


@bp.delete("/beacons/<path:beacon_id>")
@documented(
    "Remove a beacon from the registry (the audit trail keeps it)", tag="beacons", auth="staff",
    description=_ID_NOTE + " A registered beacon that replaced one of the graph file gives way to it again; "
                           "a beacon of the graph file itself cannot be removed here (PUT it with active false).",
    responses={204: ("Removed", None), 404: ("No such beacon", PROBLEM),
               409: ("The beacon comes with the graph file", PROBLEM), **_WRITE_ERRORS},
)
@require_role("staff")
def delete_beacon(beacon_id: str):
    bid = _canonical(beacon_id)
    with get_db().write() as session:
        row = _locked(session, bid)
        if row is not None:
            store.delete(session, row, g.caller)
            return Response(status=204)
    if get_registry().is_graph_beacon(bid):
        raise Problem("beacon-read-only", f"the beacon {bid} comes with the graph file and cannot be removed here; "
                      f"switch it off with PUT /api/v1/beacons/{bid} and active false, or rebuild the graph "
                      "without it", beacon=bid)
    raise Problem("not-found", f"no beacon with id {bid} is registered")
