"""Replay a walk through the live guidance API: GPS noise, sparse fixes, a wrong turn.

Guidance is judged by what a walker hears while walking, so this module
walks a route: it starts a session, moves a simulated walker along the
route's geometry at a walking speed, sends a noisy fix (Gaussian, seeded)
every interval through the real endpoint — the app's test client, or HTTP
against a running server — and records what was said, where. With
``wrong_turn_at`` the walker leaves the route at that step and walks another
street for a while; when the service answers with a new route, the walker
follows it, as a person would.

``lotse simulate`` prints the timeline; the tests assert on it.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from routing.geo import LocalFrame, bearing_deg, turn_angle_deg
from routing.graph import CompiledGraph
from routing.polyline import Polyline
from routing.tracking import maneuver_positions

T0 = 1_700_000_000.0  # timestamps of a replay start here (any fixed epoch keeps replays identical)
ARRIVED_EXTRA_S = 600.0  # walk at most this much longer than the route should take


class Client(Protocol):
    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, Any]: ...


class FlaskClient:
    """Requests through a Flask app's test client (no server needed)."""

    def __init__(self, app):  # noqa: ANN001 - flask.Flask
        self.client = app.test_client()

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
        r = self.client.open(path, method=method, json=body)
        return r.status_code, (r.get_json(silent=True) if r.data else None)


class HttpClient:
    """Requests over HTTP to a running server, e.g. ``http://127.0.0.1:5000``."""

    def __init__(self, base_url: str, timeout_s: float = 30.0):
        self.base = base_url.rstrip("/")
        self.timeout = timeout_s

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                raw = r.read()
                return r.status, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            return exc.code, (json.loads(raw) if raw else None)


@dataclass
class SimConfig:
    """How the walk is simulated. ``noise_m`` is the standard deviation per axis (east, north)."""

    noise_m: float = 5.0
    interval_s: float = 1.0
    speed_mps: float = 1.3
    seed: int = 0
    wrong_turn_at: int | None = None  # index of the step where the walker goes another way
    wrong_turn_m: float = 60.0  # how far the walker goes the wrong way (unless told a new route earlier)
    heading_noise_deg: float = 10.0
    send_heading: bool = True
    accuracy_m: float | None = None  # reported accuracy; default 1.5 × noise (about the 68 % radius), at least 3
    profile: str = "walk"
    lang: str = "de"
    guidance: dict = field(default_factory=dict)


@dataclass
class Said:
    """One spoken item with where and when it was said."""

    t: float  # seconds since the start
    walked_m: float  # the walker's distance walked so far
    progress_m: float  # the service's distance along the (current) route
    lat: float  # the walker's true position
    lon: float
    kind: str
    step: int | None
    text: str
    route_version: int
    late: bool = False
    off_route: bool = False
    arrived: bool = False


@dataclass
class WrongTurn:
    step: int
    lat: float
    lon: float
    walked_at_m: float  # walked distance where the walker left the route
    detected_after_m: float | None = None  # walked from there to the first off_route answer


@dataclass
class SimResult:
    session_id: str
    routes: list[dict]  # route responses (route, steps) by route version
    said: list[Said]
    fixes: int
    arrived: bool
    off_route_at: list[float]  # walked metres at each off_route answer
    wrong_turn: WrongTurn | None = None
    true_path: list[tuple[float, float]] = field(default_factory=list)

    def mains(self, route_version: int = 0) -> list[Said]:
        return [s for s in self.said if s.kind == "main" and s.route_version == route_version]


class SimulationError(RuntimeError):
    """The service refused a request the simulator needed."""


def _route_line(route: dict) -> Polyline:
    return Polyline([(lat, lon) for lon, lat in route["route"]["geometry"]["coordinates"]])


def step_positions(route: dict, line: Polyline) -> list[float]:
    """Metres along the route line of each step (maneuver)."""
    steps = route["steps"]
    to_next = [s["distance_m"] + sum(part["distance_m"] for part in s.get("then", [])) for s in steps]
    return maneuver_positions(line, [tuple(s["location"]) for s in steps], to_next)


def _walk_away(graph: CompiledGraph, node: int, edge: int, length_m: float) -> Polyline:
    """From ``node`` along ``edge`` and then straight on at each junction, for about ``length_m``."""

    def leaving(e: int, frm: int) -> np.ndarray:
        c = graph.edge_coords(e)
        return c if int(graph.edge_u[e]) == frm else c[::-1]

    pts = [leaving(edge, node)]
    walked = float(graph.edge_len[edge])
    frm = int(graph.edge_v[edge] if int(graph.edge_u[edge]) == node else graph.edge_u[edge])
    while walked < length_m:
        c = pts[-1]
        b_in = _bearing(c[::-1]) + 180.0
        nxt = [int(e) for e in np.flatnonzero(graph.edge_walkable & ((graph.edge_u == frm) | (graph.edge_v == frm)))
               if int(e) != edge]
        if not nxt:
            break
        edge = min(nxt, key=lambda e: abs(turn_angle_deg(b_in, _bearing(leaving(e, frm)))))
        pts.append(leaving(edge, frm)[1:])
        walked += float(graph.edge_len[edge])
        frm = int(graph.edge_v[edge] if int(graph.edge_u[edge]) == frm else graph.edge_u[edge])
    return Polyline(np.vstack(pts))


def _bearing(c: np.ndarray) -> float:
    k = min(len(c) - 1, 2)
    return bearing_deg(c[0, 0], c[0, 1], c[k, 0], c[k, 1])


def wrong_way(graph: CompiledGraph, route: dict, step: int, length_m: float) -> np.ndarray:
    """A path of ``length_m`` leaving the route at ``step`` along another way: (lat, lon) rows.

    Of the ways at the maneuver's node, the one whose walk (straight on at
    each junction) gets farthest from the route within 40 m — a real wrong
    turn, not a footpath beside the route.
    """
    lon, lat = route["steps"][step]["location"]
    d = (graph.node_lat - lat) ** 2 + ((graph.node_lon - lon) * math.cos(math.radians(lat))) ** 2
    node = int(np.argmin(d))
    line = _route_line(route)
    best, best_gap = None, 0.0
    for e in np.flatnonzero(graph.edge_walkable & ((graph.edge_u == node) | (graph.edge_v == node))):
        walk = _walk_away(graph, node, int(e), max(length_m, 40.0))
        probe = [walk.point_at(x) for x in (25.0, 40.0) if x <= walk.length]
        if not probe:
            continue
        gap = min(line.project(plat, plon).distance_m for plat, plon in probe)
        if gap > best_gap:
            best, best_gap = walk, gap
    if best is None or best_gap < 20.0:
        raise SimulationError(f"step {step} has no other way that leaves the route (at most {best_gap:.0f} m away)")
    cut = min(length_m, best.length)
    n = max(int(cut // 2.0), 1)
    return np.array([best.point_at(i * cut / n) for i in range(n + 1)])


def simulate(client: Client, origin: tuple[float, float], destination: tuple[float, float],
             config: SimConfig | None = None, graph: CompiledGraph | None = None) -> SimResult:
    """Walk from ``origin`` to ``destination`` through the session API; see the module docstring."""
    cfg = config or SimConfig()
    rng = np.random.default_rng(cfg.seed)
    body = {"from": {"lat": origin[0], "lon": origin[1]}, "to": {"lat": destination[0], "lon": destination[1]},
            "profile": cfg.profile, "lang": cfg.lang}
    if cfg.guidance:
        body["guidance"] = cfg.guidance
    status, created = client.request("POST", "/api/v1/sessions", body)
    if status != 201:
        raise SimulationError(f"starting the session failed ({status}): {(created or {}).get('detail')}")
    sid = created["id"]
    routes = [{"route": created["route"], "steps": created["steps"]}]
    line = _route_line(routes[0])
    said = [_said(item, 0.0, 0.0, 0.0, *line.point_at(0.0), 0, {}) for item in created.get("speak", [])]
    path = line
    wrong: WrongTurn | None = None
    if cfg.wrong_turn_at is not None:
        if graph is None:
            raise SimulationError("a wrong turn needs the graph (--graph) to find another way")
        at = step_positions(routes[0], line)[cfg.wrong_turn_at]
        detour = wrong_way(graph, routes[0], cfg.wrong_turn_at, cfg.wrong_turn_m)
        before = np.array([line.point_at(x) for x in np.arange(0.0, at, 2.0)] + [line.point_at(at)])
        path = Polyline(np.vstack([before, detour[1:]]))
        lat, lon = line.point_at(at)
        wrong = WrongTurn(cfg.wrong_turn_at, lat, lon, at)

    accuracy = cfg.accuracy_m if cfg.accuracy_m is not None else max(1.5 * cfg.noise_m, 3.0)
    frame = LocalFrame(*origin)
    limit_s = line.length / max(cfg.speed_mps, 0.1) * 3 + ARRIVED_EXTRA_S
    s_path, walked, t, fixes = 0.0, 0.0, 0.0, 0
    arrived = False
    off_at: list[float] = []
    version = 0
    true_path: list[tuple[float, float]] = []
    while t <= limit_s:
        lat, lon = path.point_at(s_path)
        true_path.append((lat, lon))
        heading = path.bearing_at(s_path)
        x, y = frame.to_xy(lat, lon)
        nx, ny = rng.normal(0.0, cfg.noise_m, 2) if cfg.noise_m > 0 else (0.0, 0.0)
        flat, flon = frame.to_latlon(float(x) + nx, float(y) + ny)
        fix = {"lat": round(float(flat), 7), "lon": round(float(flon), 7), "accuracy_m": accuracy,
               "speed": cfg.speed_mps, "timestamp": T0 + t}
        if cfg.send_heading:
            fix["heading"] = round((heading + rng.normal(0.0, cfg.heading_noise_deg)) % 360.0, 1)
        status, answer = client.request("POST", f"/api/v1/sessions/{sid}/positions", fix)
        fixes += 1
        if status != 200:
            raise SimulationError(f"position update failed ({status}): {(answer or {}).get('detail')}")
        for item in answer["speak"]:
            said.append(_said(item, t, walked, answer["progress"]["distance_done_m"], lat, lon,
                              answer.get("route_version", version), answer))
        if answer["off_route"]:
            off_at.append(walked)
            if wrong is not None and wrong.detected_after_m is None and walked >= wrong.walked_at_m:
                wrong.detected_after_m = round(walked - wrong.walked_at_m, 1)
            if "route" in answer:  # follow the new route from where the walker stands
                version = answer.get("route_version", version + 1)
                routes.append({"route": answer["route"], "steps": answer["steps"]})
                new_line = _route_line(routes[-1])
                path = Polyline(np.vstack([[lat, lon], new_line.coords]))
                s_path = 0.0
        if answer["arrived"]:
            arrived = True
            break
        step = cfg.speed_mps * cfg.interval_s
        s_path = min(s_path + step, path.length)
        walked += step
        t += cfg.interval_s
    client.request("DELETE", f"/api/v1/sessions/{sid}")
    return SimResult(sid, routes, said, fixes, arrived, off_at, wrong, true_path)


def _said(item: dict, t: float, walked: float, progress: float, lat: float, lon: float, version: int,
          answer: dict) -> Said:
    return Said(t=t, walked_m=round(walked, 1), progress_m=progress, lat=lat, lon=lon, kind=item["kind"],
                step=item.get("step"), text=item["text"], route_version=version, late=bool(item.get("late")),
                off_route=bool(answer.get("off_route")), arrived=bool(answer.get("arrived")))


def format_timeline(result: SimResult) -> str:
    """The spoken timeline as text: time, distances, what was said, flags."""
    lines = [f"{'t (s)':>7} {'walked':>7} {'route':>7}  what was said"]
    for s in result.said:
        flags = [f for f, on in (("late", s.late), ("OFF ROUTE", s.off_route), ("ARRIVED", s.arrived)) if on]
        label = f"[{s.kind}{'' if s.step is None else ' ' + str(s.step)}{' r' + str(s.route_version) if s.route_version else ''}]"
        lines.append(f"{s.t:7.0f} {s.walked_m:7.1f} {s.progress_m:7.1f}  {label} {s.text}"
                     + (f"  <{', '.join(flags)}>" if flags else ""))
    lines.append(f"{result.fixes} fixes, {len(result.routes) - 1} new route(s), "
                 f"{'arrived' if result.arrived else 'did NOT arrive'}")
    if result.wrong_turn is not None:
        w = result.wrong_turn
        found = "not detected" if w.detected_after_m is None else f"detected after {w.detected_after_m:.0f} m"
        lines.append(f"wrong turn at step {w.step}: {found}")
    return "\n".join(lines)
