"""``/api/v1/feedback``: residents and partners report what is wrong; staff triage it.

Anyone may report (a resident needs no key; a key's name is kept when one is
sent). A report says where: a location, or the route request with the step
index the walker was at — the route is planned again so the report keeps the
step's facts (crossing, texts) as the map had them. Staff list, filter and
close reports; open ones with a location appear on the data-quality map.
"""

from __future__ import annotations

import re

import math
from typing import Any

from flask import Blueprint, current_app, g, jsonify, url_for

from routing.snap import Snapper

from lotse import feedback as store
from lotse.api import params, schemas
from lotse.api.spec import documented, validated_json
from lotse.auth import current_caller, require_role
from lotse.db import get_db
from lotse.problems import Problem
from lotse.quality import register_source

bp = Blueprint("feedback", __name__)

FEEDBACK_CREATE = {
    "type": "object",
    "required": ["category", "message"],
    "additionalProperties": False,
    "description": "Say where with `location`, or with `route` (the route request and the index of the step).",
    "properties": {
        "category": {"enum": list(store.CATEGORIES)},
        "message": {"type": "string", "minLength": 3, "maxLength": 2000,
                    "description": "what is wrong, in the reporter's words"},
        "lang": {"enum": ["de", "en"], "default": "de"},
        "location": schemas.COORD_POINT,
        "route": {
            "type": "object",
            "required": ["request"],
            "additionalProperties": False,
            "properties": {
                "request": {"type": "object", "description": "the body sent to POST /api/v1/routes"},
                "step_index": {"type": "integer", "minimum": 0, "description": "index into the route's steps"},
                "step_text": {"type": "string", "maxLength": 1000, "description": "what the walker heard there"},
            },
        },
    },
}

FEEDBACK_PATCH = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        "status": {"enum": list(store.STATUSES)},
        "note": {"type": "string", "minLength": 3, "maxLength": 2000,
                 "description": "what staff found or did; required when closing"},
    },
}

FEEDBACK = {
    "type": "object",
    "required": ["type", "id", "geometry", "properties"],
    "properties": {
        "type": {"const": "Feature"},
        "id": {"type": "integer"},
        "geometry": {"type": ["object", "null"]},
        "properties": {"type": "object", "required": ["category", "message", "status", "created_at"]},
    },
}

FEEDBACK_PAGE = {
    "type": "object",
    "required": ["type", "features", "next_cursor", "total"],
    "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": FEEDBACK},
                   "next_cursor": {"type": ["string", "null"]}, "total": {"type": "integer"}},
}

_STAFF_ERRORS = {401: ("Missing or invalid API key", schemas.PROBLEM),
                 403: ("The key's role may not do that", schemas.PROBLEM)}


def _snapper_for(graph) -> Snapper:  # noqa: ANN001 - routing.graph.CompiledGraph
    """The served router's snapper when it is that graph's (built once), else a new one."""
    router = current_app.extensions["lotse.graphs"].router
    return router.snapper if router.graph is graph else Snapper(graph)


@bp.record_once
def _on_register(state) -> None:  # noqa: ANN001 - flask.blueprints.BlueprintSetupState
    register_source(state.app, store.FeedbackSource(get_db, _snapper_for))


def _planned_step(route: dict[str, Any]) -> tuple[dict[str, Any] | None, tuple[float, float] | None]:
    """(the step as planned, its (lat, lon)) for a report on a route; problems when it cannot be planned."""
    response = current_app.test_client().post("/api/v1/routes", json=route["request"])
    body = response.get_json(silent=True) or {}
    if response.status_code != 200:
        raise Problem("invalid-request", f"route.request cannot be planned: {body.get('detail', response.status)}",
                      route_problem=body.get("type"))
    index = route.get("step_index")
    if index is None:
        return None, None
    steps = body.get("steps", [])
    if index >= len(steps):
        raise Problem("invalid-request", f"route.step_index {index} is past the route's last step "
                      f"(the route has {len(steps)} steps, indexed from 0)")
    step = {k: v for k, v in steps[index].items() if k != "audio"}
    if route.get("step_text"):
        step["heard"] = route["step_text"]
    lon, lat = step["location"][:2]
    return step, (lat, lon)


@bp.post("/feedback")
@documented(
    "Report a problem with a route, a step or a place", tag="feedback",
    description="Open to everyone; a key's name is kept when one is sent. Categories: "
                + ", ".join(store.CATEGORIES) + ". Give `location`, or `route` with the route request "
                "(and `step_index`): the route is planned again to keep the step's facts.",
    request_schema=FEEDBACK_CREATE,
    responses={201: ("The stored report", FEEDBACK), 400: ("Malformed JSON", schemas.PROBLEM),
               401: ("An unknown API key was sent", schemas.PROBLEM),
               422: ("Invalid report, or its route cannot be planned", schemas.PROBLEM)},
)
def create_feedback():
    caller = current_caller()
    body = validated_json(FEEDBACK_CREATE)
    if "location" not in body and "route" not in body:
        raise Problem("invalid-request", "say where: give location {lat, lon}, or route {request, step_index} "
                      "with the route request and the index of the step")
    message = body["message"].strip()
    if len(message) < 3:
        raise Problem("invalid-request", "message must say what is wrong (3 characters or more)")
    fields: dict[str, Any] = {"category": body["category"], "message": message, "lang": body.get("lang", "de")}
    where = None
    if "route" in body:
        step, where = _planned_step(body["route"])
        fields.update(route_request=body["route"]["request"], step_index=body["route"].get("step_index"),
                      step=step)
    if "location" in body:
        where = (float(body["location"]["lat"]), float(body["location"]["lon"]))
        if not all(math.isfinite(v) for v in where):
            raise Problem("invalid-request", "location: lat and lon must be finite numbers")
    if where is not None:
        fields["lat"], fields["lon"] = where
    with get_db().write() as session:
        row = store.create(session, fields, caller)
        feature = row.feature()
    response = jsonify(feature)
    response.status_code = 201
    response.headers["Location"] = url_for("feedback.get_feedback", feedback_id=row.id)
    return response


@bp.get("/feedback")
@documented(
    "Reports, newest first, filtered and paged", tag="feedback", auth="staff",
    parameters=[
        {"name": "status", "in": "query", "schema": {"type": "string"}, "description": "open, closed or both"},
        {"name": "category", "in": "query", "schema": {"type": "string"},
         "description": "comma-separated categories: " + ", ".join(store.CATEGORIES)},
        {"name": "bbox", "in": "query", "schema": {"type": "string"}, "description": "min_lon,min_lat,max_lon,max_lat"},
        {"name": "since", "in": "query", "schema": {"type": "string"}, "description": "reported at or after (ISO 8601)"},
        {"name": "until", "in": "query", "schema": {"type": "string"}, "description": "reported before (ISO 8601)"},
        {"name": "limit", "in": "query", "schema": {"type": "integer"},
         "description": f"page size, 1 to {params.MAX_LIMIT} (default {params.DEFAULT_LIMIT})"},
        {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "next_cursor of the last page"},
    ],
    responses={200: ("A page of reports as a GeoJSON FeatureCollection", FEEDBACK_PAGE),
               422: ("Invalid filter", schemas.PROBLEM), **_STAFF_ERRORS},
)
@require_role("staff")
def list_feedback():
    limit = params.limit()
    filters = dict(statuses=params.choices("status", store.STATUSES),
                   categories=params.choices("category", store.CATEGORIES), bbox=params.bbox(),
                   since=params.query_time("since"), until=params.query_time("until"), before_id=params.cursor())
    with get_db().read() as session:
        rows, total = store.page(session, limit=limit + 1, **filters)
        more = len(rows) > limit
        rows = rows[:limit]
        features = [r.feature() for r in rows]
    return jsonify({"type": "FeatureCollection", "features": features,
                    "next_cursor": str(rows[-1].id) if more else None, "total": total})


def _id(feedback_id: str) -> int:
    if not re.fullmatch(r"[0-9]{1,18}", feedback_id):  # ASCII digits only; str.isdigit accepts '²' and '١'
        raise Problem("not-found", f"no feedback with id '{feedback_id}'")
    return int(feedback_id)


@bp.get("/feedback/<feedback_id>")
@documented("One report", tag="feedback", auth="staff",
            responses={200: ("The report", FEEDBACK), 404: ("No such report", schemas.PROBLEM), **_STAFF_ERRORS})
@require_role("staff")
def get_feedback(feedback_id: str):
    with get_db().read() as session:
        try:
            return jsonify(store.get(session, _id(feedback_id)).feature())
        except store.NotFound as exc:
            raise Problem("not-found", str(exc)) from None


@bp.patch("/feedback/<feedback_id>")
@documented("Close or reopen a report, with a note", tag="feedback", auth="staff", request_schema=FEEDBACK_PATCH,
            responses={200: ("The changed report", FEEDBACK), 404: ("No such report", schemas.PROBLEM),
                       422: ("Invalid change (closing needs a note)", schemas.PROBLEM), **_STAFF_ERRORS})
@require_role("staff")
def patch_feedback(feedback_id: str):
    fid = _id(feedback_id)
    body = validated_json(FEEDBACK_PATCH)
    note = body["note"].strip() if "note" in body else None
    if note is not None and len(note) < 3:
        raise Problem("invalid-request", "note must say what was found or done (3 characters or more)")
    with get_db().write() as session:
        try:
            row = store.get(session, fid)
        except store.NotFound as exc:
            raise Problem("not-found", str(exc)) from None
        status = body.get("status", row.status)
        if status == "closed" and row.status != "closed" and not note:
            raise Problem("invalid-request", "closing a report needs a note saying what was found or done, "
                          'e.g. {"status": "closed", "note": "Blindensignal nachgerüstet, OSM ergänzt"}')
        store.set_status(session, row, status, note, g.caller)
        feature = row.feature()
    return jsonify(feature)
