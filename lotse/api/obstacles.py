"""``/api/v1/obstacles``: obstacles mapped by staff, in effect for the next route request.

Reading is open to everyone (a client may show obstacles on its map); writing
needs a ``staff`` or ``admin`` key. A write is validated against the graph
served and answered with the edges it affects.
"""

from __future__ import annotations

import re

from datetime import datetime, timedelta, timezone
from typing import Any

from flask import Blueprint, Response, g, jsonify, url_for

from routing.obstacles import KINDS, SEVERITIES, ObstacleError

from lotse.api import params
from lotse.api import staff_schemas as S
from lotse.api.schemas import PROBLEM
from lotse.api.spec import documented, json_body, validate
from lotse.auth import require_role
from lotse.db import get_db
from lotse.models import ObstacleRow
from lotse.obstacles import get_service
from lotse.problems import Problem
from lotse.storage import obstacles as store

bp = Blueprint("obstacles", __name__)

DEFAULT_START_SLACK = timedelta(seconds=5)

_SLUGS = {"invalid-geometry": "invalid-geometry", "too-large": "obstacle-too-large",
          "off-network": "obstacle-off-network"}
_WRITE_ERRORS = {401: ("Missing or invalid API key", PROBLEM), 403: ("The key's role may not write", PROBLEM),
                 422: ("Invalid obstacle: geometry, size, validity or off the network", PROBLEM)}


def feature(row: ObstacleRow, now: datetime | None = None) -> dict[str, Any]:
    """An obstacle as a GeoJSON Feature with the edges it affects."""
    record = row.record()
    obstacle = store.to_obstacle(row)
    props = {k: record[k] for k in ("kind", "severity", "radius_m", "description", "description_en",
                                    "valid_from", "valid_until")}
    props["active"] = obstacle.active_at(now or datetime.now(timezone.utc))
    props.update({k: record[k] for k in ("revision", "created_at", "created_by", "updated_at", "updated_by")})
    props["affected"] = get_service().affected(obstacle)
    return {"type": "Feature", "id": row.id, "geometry": row.geometry, "properties": props}


#: Properties of an answered Feature that the server keeps itself: a Feature sent back as it was read
#: (a GIS tool's round trip) drops them instead of failing on them.
_SERVER_KEPT = ("active", "affected", "revision", "created_at", "created_by", "updated_at", "updated_by")


def _flat(body: Any) -> Any:
    """A GeoJSON Feature body as the flat fields; any other body as it is (validation says what is wrong).

    GIS tools (QGIS, geojson.io) write Features, and a Feature read from
    ``GET /obstacles/<id>`` is the natural thing to edit and send back.
    """
    if not (isinstance(body, dict) and body.get("type") == "Feature"):
        return body
    unknown = sorted(set(body) - {"type", "id", "bbox", "geometry", "properties"})
    if unknown:
        raise Problem("invalid-request", f"a Feature has type, geometry and properties; {', '.join(unknown)} "
                                         "is not one of them")
    props = body.get("properties") or {}
    if not isinstance(props, dict):
        raise Problem("invalid-request", "properties: must be an object with the obstacle's fields")
    out = {k: v for k, v in props.items() if k not in _SERVER_KEPT}
    if body.get("geometry") is not None:
        out["geometry"] = body["geometry"]
    return out


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    """Request members -> column values (times parsed); only members present."""
    out = {k: v for k, v in body.items() if k not in ("valid_from", "valid_until")}
    if "description" in out:
        out["description"] = out["description"].strip()
        if len(out["description"]) < 3:
            raise Problem("invalid-request", "description must say what is there, in plain German (3 characters or more)")
    for name in ("valid_from", "valid_until"):
        if name in body:
            if body[name] is None and name == "valid_from":
                raise Problem("invalid-request", "valid_from may not be null; leave it out to mean 'now'")
            out[name] = None if body[name] is None else params.parse_time(body[name], name)
    return out


def _validate(merged: dict[str, Any]) -> None:
    """Checks on the whole obstacle after a create or patch: validity window and geometry."""
    start, end = merged.get("valid_from"), merged.get("valid_until")
    if start is not None and end is not None and end <= start:
        raise Problem("invalid-request", f"valid_until ({end.isoformat()}) must be after valid_from ({start.isoformat()})")
    if merged["geometry"].get("type") != "Point" and merged.get("radius_m") is not None:
        raise Problem("invalid-geometry", "radius_m is only for Point geometries; leave it out or set it to null")
    try:
        get_service().check(merged["geometry"], merged.get("radius_m"))
    except ObstacleError as exc:
        raise Problem(_SLUGS[exc.reason], str(exc), **exc.extra) from None


def _id(obstacle_id: str) -> int:
    if not re.fullmatch(r"[0-9]{1,18}", obstacle_id):  # ASCII digits only; str.isdigit accepts '²' and '١'
        raise Problem("not-found", f"no obstacle with id '{obstacle_id}'")
    return int(obstacle_id)


@bp.get("/obstacles")
@documented(
    "Obstacles, filtered and paged (stable order: by id)", tag="obstacles",
    parameters=[S.query("bbox", "min_lon,min_lat,max_lon,max_lat: obstacles whose extent meets it"),
                S.query("kind", "comma-separated kinds: " + ", ".join(KINDS)),
                S.query("severity", "impassable or hazard"),
                S.query("active_at", "ISO 8601 time or 'now': only obstacles in effect then (default: all)"),
                S.query("limit", f"page size, 1 to {params.MAX_LIMIT} (default {params.DEFAULT_LIMIT})",
                        {"type": "integer"}),
                S.query("cursor", "next_cursor of the previous page")],
    responses={200: ("A page of obstacles as a GeoJSON FeatureCollection", S.OBSTACLE_PAGE),
               422: ("Invalid filter", PROBLEM)},
)
def list_obstacles():
    limit = params.limit()
    filters = dict(bbox=params.bbox(), kinds=params.choices("kind", KINDS),
                   severities=params.choices("severity", SEVERITIES), active_at=params.query_time("active_at"),
                   after_id=params.cursor())
    with get_db().read() as session:
        rows = store.page(session, limit=limit + 1, **filters)
    more = len(rows) > limit
    rows = rows[:limit]
    now = datetime.now(timezone.utc)
    return jsonify({"type": "FeatureCollection", "features": [feature(r, now) for r in rows],
                    "next_cursor": str(rows[-1].id) if more else None})


@bp.post("/obstacles")
@documented(
    "Map an obstacle; it is in effect for the next route request", tag="obstacles", auth="staff",
    description="The fields flat as below, or a GeoJSON Feature with them in `properties` (those the server "
                "keeps itself - active, affected, revision, who and when - are dropped).",
    request_schema=S.OBSTACLE_CREATE,
    responses={201: ("The obstacle with the edges it affects", S.OBSTACLE), **_WRITE_ERRORS},
)
@require_role("staff")
def create_obstacle():
    body = validate(_flat(json_body()), S.OBSTACLE_CREATE)
    fields = _fields(body)
    # "From now": a little before, so servers whose clocks differ slightly all apply it at once.
    fields.setdefault("valid_from", datetime.now(timezone.utc) - DEFAULT_START_SLACK)
    _validate(fields)
    with get_db().write() as session:
        row = store.create(session, fields, g.caller)
    response = jsonify(feature(row))
    response.status_code = 201
    response.headers["Location"] = url_for("obstacles.get_obstacle", obstacle_id=row.id)
    return response


@bp.get("/obstacles/<obstacle_id>")
@documented("One obstacle with the edges it affects", tag="obstacles",
            responses={200: ("The obstacle", S.OBSTACLE), 404: ("No such obstacle", PROBLEM)})
def get_obstacle(obstacle_id: str):
    with get_db().read() as session:
        try:
            row = store.get(session, _id(obstacle_id))
        except store.NotFound as exc:
            raise Problem("not-found", str(exc)) from None
    return jsonify(feature(row))


@bp.patch("/obstacles/<obstacle_id>")
@documented(
    "Change an obstacle (members given replace the stored ones; null clears optional ones)", tag="obstacles",
    auth="staff", request_schema=S.OBSTACLE_PATCH,
    description="Flat members, or a GeoJSON Feature with them in `properties` (as for POST).",
    responses={200: ("The changed obstacle", S.OBSTACLE), 404: ("No such obstacle", PROBLEM), **_WRITE_ERRORS},
)
@require_role("staff")
def patch_obstacle(obstacle_id: str):
    oid = _id(obstacle_id)
    body = validate(_flat(json_body()), S.OBSTACLE_PATCH)
    changes = _fields(body)
    if "geometry" in changes and changes["geometry"].get("type") != "Point" and "radius_m" not in changes:
        changes["radius_m"] = None  # a line or area has no radius; keep a point's radius out of it
    with get_db().write() as session:  # read, check and write in one transaction: no lost updates
        try:
            row = store.get(session, oid, for_update=True)
        except store.NotFound as exc:
            raise Problem("not-found", str(exc)) from None
        merged = {name: getattr(row, name) for name in store.FIELDS}
        merged.update(changes)
        _validate(merged)
        store.update_(session, row, changes, g.caller)
    return jsonify(feature(row))


@bp.delete("/obstacles/<obstacle_id>")
@documented("Remove an obstacle (the audit trail keeps it)", tag="obstacles", auth="staff",
            responses={204: ("Removed", None), 404: ("No such obstacle", PROBLEM), **_WRITE_ERRORS})
@require_role("staff")
def delete_obstacle(obstacle_id: str):
    oid = _id(obstacle_id)
    with get_db().write() as session:
        try:
            row = store.get(session, oid, for_update=True)
        except store.NotFound as exc:
            raise Problem("not-found", str(exc)) from None
        store.delete(session, row, g.caller)
    return Response(status=204)
