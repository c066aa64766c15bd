"""``POST /api/v1/routes/export?format=gpx|geojson``: a route as a file for the field.

Takes exactly the body of ``POST /api/v1/routes`` and plans the route through
that same view, so an exported route is the route a phone would get; the
``/routes`` response itself stays unchanged for existing clients.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, make_response, request

from lotse.api import schemas
from lotse.api.spec import documented
from lotse.exports import GEOJSON_MEDIA_TYPE, GPX_MEDIA_TYPE, DEMO, OSM, route_to_geojson, route_to_gpx
from lotse.problems import Problem

bp = Blueprint("exports", __name__)

FORMATS = {"gpx": (GPX_MEDIA_TYPE, "gpx"), "geojson": (GEOJSON_MEDIA_TYPE, "geojson")}


def _planned_route() -> dict:
    """The ``/routes`` response for this request's body (problems propagate unchanged)."""
    routes_path = request.path.rsplit("/", 1)[0]
    endpoint, args = current_app.url_map.bind("localhost").match(routes_path, method="POST")
    response = make_response(current_app.view_functions[endpoint](**args))
    return response.get_json()


@bp.post("/routes/export")
@documented(
    "Export a route as GPX 1.1 or GeoJSON for field tests",
    description="Same body as POST /api/v1/routes. `format=gpx` (default) answers GPX 1.1 "
                "(application/gpx+xml): a waypoint per step with its spoken text in name and desc, and the "
                "track. `format=geojson` answers a GeoJSON FeatureCollection (application/geo+json): the "
                "route line, then every step as a Point with its properties and texts. Both carry the map "
                "data's attribution (© OpenStreetMap contributors, ODbL).",
    request_schema=schemas.ROUTE_REQUEST,
    parameters=[{"name": "format", "in": "query", "required": False,
                 "schema": {"enum": list(FORMATS), "default": "gpx"}}],
    responses={200: ("The route as a GPX 1.1 file (or GeoJSON with format=geojson)", {"type": "string"}),
               400: ("Malformed JSON", schemas.PROBLEM),
               422: ("Invalid request or format, point off the network, or no route", schemas.PROBLEM)},
    content_types={200: GPX_MEDIA_TYPE},
)
def export_route():
    fmt = request.args.get("format", "gpx").lower()
    if fmt not in FORMATS:
        raise Problem("invalid-request", f"format '{fmt}' is not supported: use format=gpx or format=geojson.")
    data = _planned_route()
    attribution = DEMO if current_app.extensions["lotse.graphs"].is_demo else OSM
    media_type, suffix = FORMATS[fmt]
    if fmt == "gpx":
        body = route_to_gpx(data, attribution=attribution)
    else:
        body = json.dumps(route_to_geojson(data, attribution=attribution), ensure_ascii=False)
    return Response(body, mimetype=media_type,
                    headers={"Content-Disposition": f'attachment; filename="lotse-route.{suffix}"'})
