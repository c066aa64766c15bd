"""Errors as ``application/problem+json`` (RFC 9457).

Raise :class:`Problem` anywhere in a request; the handlers registered by
:func:`register` turn it, and every HTTP error Flask raises, into a problem
document. Unexpected exceptions become a 500 problem without internals.
"""

from __future__ import annotations

import json as _json
import logging
from typing import Any

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

PROBLEM_BASE = "urn:lotse:problem:"

#: Problem types of the API: slug -> (status, title). Documented in the OpenAPI document.
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "malformed-json": (400, "Request body is not valid JSON"),
    "invalid-request": (422, "Request is not valid"),
    "point-off-network": (422, "Point is too far from any walkable way"),
    "no-route": (422, "No route between the points"),
    "unknown-profile": (422, "Unknown profile or option"),
    "ambiguous-place": (422, "Place name matches several places"),
    "unknown-place": (422, "No place of that name is known"),
    "route-blocked": (422, "Every connection is blocked by an obstacle"),
    "invalid-geometry": (422, "Geometry is not valid"),
    "obstacle-too-large": (422, "Obstacle is too large"),
    "obstacle-off-network": (422, "Obstacle is not on the walkable network"),
    "invalid-suite": (422, "Route test suite is not valid"),
    "suite-too-large": (413, "Route test suite has too many scenarios"),
    "positioning-unavailable": (422, "Beacon positioning unavailable"),
    "no-position": (422, "No position from the scan"),
    "unknown-beacon": (422, "No such active beacon"),
    "beacon-exists": (409, "A beacon with this id exists"),
    "beacon-read-only": (409, "The beacon comes with the graph file"),
    "session-conflict": (409, "The session changed concurrently"),
    "graph-unavailable": (503, "The map cannot be loaded"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "payload-too-large": (413, "Request body too large"),
    "uri-too-long": (414, "Request URI too long"),
    "headers-too-large": (431, "Request headers too large"),
    "bad-request": (400, "Malformed HTTP request"),
    "unauthorized": (401, "Missing or invalid API key"),
    "forbidden": (403, "This API key may not do that"),
    "internal-error": (500, "Internal server error"),
    "service-unavailable": (503, "Service unavailable"),
}

_HTTP_SLUGS = {400: "malformed-json", 404: "not-found", 405: "method-not-allowed",
               413: "payload-too-large", 414: "uri-too-long", 415: "unsupported-media-type",
               431: "headers-too-large"}


class Problem(Exception):
    """An error the client should see, with a problem type and a useful detail."""

    def __init__(self, slug: str, detail: str, status: int | None = None, **extra: Any):
        super().__init__(detail)
        if slug not in PROBLEM_TYPES:
            raise ValueError(f"unknown problem type {slug}")
        self.slug = slug
        self.status = status or PROBLEM_TYPES[slug][0]
        self.detail = detail
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        body = {
            "type": PROBLEM_BASE + self.slug,
            "title": PROBLEM_TYPES[self.slug][1],
            "status": self.status,
            "detail": self.detail,
        }
        body.update(self.extra)
        return body


def problem_response(problem: Problem) -> Response:
    """The HTTP response for a problem.

    Text that cannot be UTF-8 (a lone surrogate quoted from a request) is
    sent as a JSON ``\\uXXXX`` escape instead of failing the answer.
    """
    body = problem.to_dict()
    try:
        data = json.dumps(body).encode("utf-8")
    except UnicodeEncodeError:
        data = _json.dumps(body, ensure_ascii=True, default=str).encode("ascii")
    return Response(data, status=problem.status, mimetype="application/problem+json")


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return problem_response(exc)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        slug = _HTTP_SLUGS.get(status, "internal-error" if status >= 500 else "invalid-request")
        if status >= 500 and exc.description == type(exc).description:  # werkzeug's "... overloaded ..."
            detail = "An unexpected error occurred; it has been logged."
        else:
            detail = exc.description or PROBLEM_TYPES[slug][1]
        return problem_response(Problem(slug, detail, status=status))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unhandled error in request")
        return problem_response(Problem("internal-error", "An unexpected error occurred; it has been logged."))
