"""Route and beacon callables for the runner: in process (a Flask app) or over HTTP.

In process goes through the app's test client, so a suite exercises exactly
the code a phone's request does: validation, problems, guidance.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from lotse.scenarios.runner import BeaconFn, RouteFn

ROUTES = "/api/v1/routes"
BEACONS = "/api/v1/beacons/"
HEALTH = "/api/v1/health"


def app_route(app) -> RouteFn:
    """``route(request) -> (status, body)`` posting to ``/api/v1/routes`` of ``app``."""
    client = app.test_client()

    def route(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = client.post(ROUTES, json=request)
        return response.status_code, response.get_json(silent=True) or {}

    return route


def app_beacon(app) -> BeaconFn:
    """``beacon(id) -> (lat, lon) | None`` from ``GET /api/v1/beacons/<id>`` of ``app``."""
    client = app.test_client()

    def beacon(beacon_id: str) -> tuple[float, float] | None:
        response = client.get(BEACONS + urllib.parse.quote(beacon_id, safe=""))
        return beacon_position(response.get_json(silent=True)) if response.status_code == 200 else None

    return beacon


def app_graph_info(app) -> dict[str, Any]:
    """The graph the app serves, as ``/api/v1/health`` tells it."""
    response = app.test_client().get(HEALTH)
    return (response.get_json(silent=True) or {}).get("graph", {}) if response.status_code == 200 else {}


def beacon_position(body: Any) -> tuple[float, float] | None:
    """(lat, lon) of a beacon document: ``{lat, lon}``, ``{position: {lat, lon}}`` or GeoJSON."""
    if not isinstance(body, dict):
        return None
    for holder in (body, body.get("position"), body.get("beacon")):
        if isinstance(holder, dict) and isinstance(holder.get("lat"), (int, float)) \
                and isinstance(holder.get("lon"), (int, float)):
            return float(holder["lat"]), float(holder["lon"])
    geometry = body.get("geometry")
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        return float(lat), float(lon)
    return None


class HttpApi:
    """A Lotse server reached over HTTP (a partner's CI against a staging server)."""

    def __init__(self, base_url: str, api_key: str | None = None, timeout_s: float = 60.0):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout_s = timeout_s

    def _call(self, method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.api_key:
            req.add_header("Authorization", f"Bearer {self.api_key}")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                return exc.code, json.loads(exc.read() or b"{}")
            except ValueError:
                return exc.code, {"detail": f"HTTP {exc.code}"}

    def route(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return self._call("POST", ROUTES, request)

    def beacon(self, beacon_id: str) -> tuple[float, float] | None:
        status, body = self._call("GET", BEACONS + urllib.parse.quote(beacon_id, safe=""))
        return beacon_position(body) if status == 200 else None

    def graph_info(self) -> dict[str, Any]:
        status, body = self._call("GET", HEALTH)
        return body.get("graph", {}) if status == 200 and isinstance(body, dict) else {}
