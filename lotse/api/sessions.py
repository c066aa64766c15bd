"""``/api/v1/sessions``: live guidance — start, send positions, repeat, end.

The decisions (when to say what, off route, arrival) are made by
:mod:`routing.tracking`; sessions are stored by :mod:`lotse.sessions`.
Residents need no key: the session id (128 random bits) is the capability.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from lotse.api import schemas
from lotse.api import session_schemas as S
from lotse.api.spec import documented, json_body, validate, validated_json
from lotse.problems import Problem
from lotse.sessions import sessions

bp = Blueprint("sessions", __name__)

_NOT_FOUND = (404, ("Unknown or expired session", schemas.PROBLEM))


@bp.before_app_request
def _purge_expired() -> None:
    """Delete expired sessions now and then, on any request (at most every SESSION_PURGE_INTERVAL_S)."""
    sessions().maybe_purge()


@bp.post("/sessions")
@documented(
    "Start live guidance along a route",
    description="Plans the route like POST /api/v1/routes (or takes a route response as it is, "
                "`{\"route\": ...}`) and starts a session; `speak` holds the route summary and the first "
                "instruction. Send positions to /sessions/{id}/positions.",
    request_schema=S.SESSION_START,
    responses={201: ("The session with its route and steps", S.SESSION),
               400: ("Malformed JSON", schemas.PROBLEM),
               422: ("Invalid request, point off the network, or no route", schemas.PROBLEM)},
    tag="guidance",
)
def create_session():
    body = json_body()
    given_route = isinstance(body, dict) and "route" in body
    validate(body, S.SESSION_FROM_ROUTE if given_route else S.SESSION_REQUEST)
    return jsonify(sessions().create(body)), 201


@bp.get("/sessions/<session_id>")
@documented("The session's route and progress", responses={200: ("The session", S.SESSION), 404: _NOT_FOUND[1]},
            tag="guidance")
def get_session(session_id: str):
    return jsonify(sessions().get(session_id))


@bp.delete("/sessions/<session_id>")
@documented("End a session (its route and last position are deleted)",
            responses={204: ("Ended", None), 404: _NOT_FOUND[1]}, tag="guidance")
def delete_session(session_id: str):
    sessions().delete(session_id)
    return Response(status=204)


@bp.post("/sessions/<session_id>/positions")
@documented(
    "Send a position; hear what to say now",
    description="Answers the fix snapped onto the route, progress, what to say now (`speak`, in order), whether "
                "the walker left the route (then with a new route) and arrival. A beacons-only update is positioned "
                "from the beacon registry (see POST /api/v1/locate); nothing usable is a 422.",
    request_schema=S.POSITION_UPDATE,
    responses={200: ("Guidance for this position", S.POSITION_ANSWER), 404: _NOT_FOUND[1],
               409: ("Another update of this session was being processed", schemas.PROBLEM),
               422: ("Invalid update, or no position from it", schemas.PROBLEM)},
    tag="guidance",
)
def post_position(session_id: str):
    body = validated_json(S.POSITION_UPDATE)
    if body.get("lat") is None and not body.get("beacons"):
        raise Problem("invalid-request", "Send a GPS fix (lat, lon and accuracy_m) or a beacon scan (beacons).")
    return jsonify(sessions().position(session_id, body))


@bp.get("/sessions/<session_id>/repeat")
@documented("Repeat the last instruction", description="The last instruction again (`repeat: true`) and the "
            "distance to the next maneuver as it is now.",
            responses={200: ("What to say", S.REPEAT_ANSWER), 404: _NOT_FOUND[1]}, tag="guidance")
def repeat(session_id: str):
    return jsonify(sessions().repeat(session_id))
