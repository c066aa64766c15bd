"""Staff and admin views: the audit trail and the data-quality map."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from lotse.api import params
from lotse.api import staff_schemas as S
from lotse.api.schemas import PROBLEM
from lotse.api.spec import documented
from lotse.auth import require_role
from lotse.db import get_db
from lotse.quality import quality_map
from lotse.storage import audit

bp = Blueprint("admin", __name__)

_AUTH_ERRORS = {401: ("Missing or invalid API key", PROBLEM), 403: ("The key's role may not read this", PROBLEM),
                422: ("Invalid filter", PROBLEM)}
QUALITY_KINDS = ("crossing", "steps", "street", "feedback")


@bp.get("/audit")
@documented(
    "The audit trail: every write, newest first", tag="admin", auth="admin",
    parameters=[S.query("entity", "obstacle, api_key, ..."), S.query("entity_id", "id of the entity"),
                S.query("actor", "name of the API key (or shell user) that wrote"),
                S.query("since", "ISO 8601 time: entries at or after it"),
                S.query("until", "ISO 8601 time: entries before it"),
                S.query("limit", f"page size, 1 to {params.MAX_LIMIT}", {"type": "integer"}),
                S.query("cursor", "next_cursor of the previous page")],
    responses={200: ("A page of audit entries", S.AUDIT_PAGE), **_AUTH_ERRORS},
)
@require_role("admin")
def audit_trail():
    limit = params.limit()
    filters = dict(entity=request.args.get("entity") or None, entity_id=request.args.get("entity_id") or None,
                   actor=request.args.get("actor") or None, since=params.query_time("since"),
                   until=params.query_time("until"), before_id=params.cursor())
    with get_db().read() as session:
        rows = audit.search(session, limit=limit + 1, **filters)
        entries = [r.public() for r in rows[:limit]]
    more = len(rows) > limit
    return jsonify({"entries": entries, "next_cursor": str(entries[-1]["id"]) if more else None})


QUALITY_PARAMS = ("kind", "limit", "bbox")


@bp.get("/quality")
@documented(
    "Data-quality map: where accessibility data is missing, busiest places first", tag="admin", auth="staff",
    description="Usage is the share of a fixed sample of shortest walking trips (up to 2 km) that pass a place. "
                "An unknown query parameter is a 422.",
    parameters=[S.query("kind", "comma-separated: " + ", ".join(QUALITY_KINDS)),
                S.query("limit", "number of features (default 500, at most 10000)", {"type": "integer"}),
                S.query("bbox", "min_lon,min_lat,max_lon,max_lat: only places with a point in this box "
                                "(a district to survey); ranks and total count within it")],
    responses={200: ("GeoJSON FeatureCollection; each feature lists what is missing", S.QUALITY), **_AUTH_ERRORS},
)
@require_role("staff")
def quality():
    params.only(QUALITY_PARAMS)
    kinds = params.choices("kind", QUALITY_KINDS)
    limit = params.limit(default=500, maximum=10_000)
    box = params.bbox()
    store = current_app.extensions["lotse.graphs"]
    sources = current_app.extensions.get("lotse.quality_sources", [])
    return jsonify(quality_map(store.graph, current_app.config["DATA_DIR"], sources, kinds=kinds, limit=limit,
                               bbox=box))
