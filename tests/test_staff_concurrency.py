"""Several processes write obstacles while others route, against ``lotse serve`` with 2 workers.

Checked afterwards: no write failed or was lost (all present, the audit trail
complete and in step with the change counter), and no route saw half of a
write. The audit trail replayed gives the exact set of obstacles at every
counter value; each route response names the counter it used, so its
warnings and its geometry are checked against exactly that set:

* every warning belongs to a ``hazard`` obstacle of that set, with that
  revision's description (a patch turns a hazard into an impassable obstacle
  and changes its description in the same write, so a half-applied write
  would show as a warning with an impassable description, or an impassable
  obstacle warned about);
* the route never enters an ``impassable`` obstacle of that set;
* a route that walks through a ``hazard`` of that set warns about it;
* one client's successive routes never see an older counter.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path

import numpy as np
import pytest

from staff_support import Server, coords_near, create_key, request

pytestmark = [pytest.mark.slow]

SE = {"lat": 49.4433597, "lon": 7.7593084}
NE = {"lat": 49.4424604, "lon": 7.7593084}
M_LON, M_LAT = 1 / 72299.51, 1 / 111195.08
EAST_20 = {"lat": 49.4430000, "lon": 7.7600000 + 20 * M_LON}
EAST_100 = {"lat": 49.4430000, "lon": 7.7600000 + 100 * M_LON}
PAIRS = [(SE, NE), (EAST_20, EAST_100), (SE, EAST_100)]
WRITERS = 4
CREATES, PATCHES, DELETES = 6, 3, 1  # per writer
RADIUS = 2.0
MAX_ROUTES = 400  # per router process, and at most ROUTE_SECONDS
MIN_ROUTES = 25  # per router process, even when the writers are done sooner
ROUTE_SECONDS = 90


def spots(graph_path: Path, count: int) -> list[list[float]]:
    """Midpoints of walkable edges at least 25 m from the route ends, spread over the map."""
    from routing.geo import haversine_m
    from routing.graph import CompiledGraph

    g = CompiledGraph.load(graph_path)
    out = []
    for e in np.flatnonzero(g.edge_walkable & (g.edge_len > 12)):
        c = g.edge_coords(int(e))
        lat, lon = c[len(c) // 2] if len(c) > 2 else (c[0] + c[-1]) / 2
        if all(haversine_m(lat, lon, p["lat"], p["lon"]) > 25 for p in (SE, NE, EAST_20, EAST_100)):
            out.append([float(lon), float(lat)])
    rng = np.random.default_rng(7)
    rng.shuffle(out)
    assert len(out) >= count
    return out[:count]


def writer(url: str, key: str, w: int, places: list[list[float]], out) -> None:
    """Create hazards, turn some into impassable obstacles (severity and description in one PATCH), delete one."""
    log = []
    ids = []
    for k, spot in enumerate(places[:CREATES]):
        body = {"geometry": {"type": "Point", "coordinates": spot}, "radius_m": RADIUS, "kind": "construction",
                "severity": "hazard", "description": f"Baustelle w{w} o{k} r1 Gefahr"}
        status, resp = request(url, "POST", "/api/v1/obstacles", body, key)
        log.append(("create", status, resp.get("id") if isinstance(resp, dict) else None))
        ids.append(resp.get("id") if isinstance(resp, dict) else None)
    for k in range(PATCHES):
        body = {"severity": "impassable", "kind": "blocked_sidewalk", "description": f"Gesperrt w{w} o{k} r2 gesperrt"}
        status, _ = request(url, "PATCH", f"/api/v1/obstacles/{ids[k]}", body, key)
        log.append(("update", status, ids[k]))
    for k in range(CREATES - DELETES, CREATES):
        status, _ = request(url, "DELETE", f"/api/v1/obstacles/{ids[k]}", None, key)
        log.append(("delete", status, ids[k]))
    out.put((w, log))


def router(url: str, r: int, stop, out) -> None:
    """Route in a loop until the writers are done; record what each response saw."""
    seen = []
    started = time.monotonic()
    i = 0
    while i < MAX_ROUTES and time.monotonic() - started < ROUTE_SECONDS:
        a, b = PAIRS[(i + r) % len(PAIRS)]
        status, body = request(url, "POST", "/api/v1/routes", {"from": a, "to": b})
        if status == 200:
            props = body["route"]["properties"]
            warnings = [w["description"] for s in body["steps"] for w in s.get("warnings", [])]
            seen.append((status, props["obstacles_version"], warnings, body["route"]["geometry"]["coordinates"]))
        else:
            seen.append((status, None, [body.get("type") if isinstance(body, dict) else body], []))
        i += 1
        if stop.is_set() and i >= MIN_ROUTES:
            break
    out.put((r, seen))


def replay(entries: list[dict]) -> list[dict[int, dict]]:
    """states[v]: obstacles (id -> record) after the first v obstacle writes."""
    states = [{}]
    for e in entries:
        state = dict(states[-1])
        if e["after"] is None:
            state.pop(int(e["entity_id"]), None)
        else:
            state[int(e["entity_id"])] = e["after"]
        states.append(state)
    return states


def all_pages(url: str, path: str, key: str | None, items: str) -> list[dict]:
    out, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        status, page = request(url, "GET", path + (f"{sep}cursor={cursor}" if cursor else ""), None, key)
        assert status == 200, page
        out += page[items]
        cursor = page["next_cursor"]
        if cursor is None:
            return out


def test_concurrent_writes_and_routes(tmp_path):
    data = tmp_path / "data"
    keys = [create_key(data, "staff", f"writer-{w}") for w in range(WRITERS)]
    admin = create_key(data, "admin", "auditor")
    with Server(data, None, workers=2) as srv:
        graph_path = next((data / "graphs").glob("demo-*.graph"))
        places = spots(graph_path, WRITERS * CREATES)
        ctx = mp.get_context("fork")
        out, stop = ctx.Queue(), ctx.Event()
        routers = [ctx.Process(target=router, args=(srv.url, r, stop, out)) for r in range(2)]
        writers = [ctx.Process(target=writer, args=(srv.url, keys[w], w, places[w * CREATES:(w + 1) * CREATES], out))
                   for w in range(WRITERS)]
        for p in routers + writers:
            p.start()
        results = [out.get(timeout=ROUTE_SECONDS + 60) for _ in writers]
        stop.set()
        results += [out.get(timeout=ROUTE_SECONDS + 60) for _ in routers]
        for p in routers + writers:
            p.join(timeout=30)
            assert p.exitcode == 0
        writes = {w: log for w, log in results[:WRITERS]}
        routes = {r: seen for r, seen in results[WRITERS:]}

        # 1. every write succeeded and none was lost
        for w, log in writes.items():
            for action, status, oid in log:
                assert status == {"create": 201, "update": 200, "delete": 204}[action], (w, action, status)
        expected = {oid for log in writes.values() for a, _, oid in log if a == "create"} - \
                   {oid for log in writes.values() for a, _, oid in log if a == "delete"}
        present = {f["id"]: f for f in all_pages(srv.url, "/api/v1/obstacles?limit=7", None, "features")}
        assert set(present) == expected
        for log in writes.values():
            for action, _, oid in log:
                if action == "update":
                    assert present[oid]["properties"]["severity"] == "impassable"
                    assert present[oid]["properties"]["revision"] == 2

        # 2. the audit trail has every write, in step with the change counter
        entries = all_pages(srv.url, "/api/v1/audit?entity=obstacle&limit=50", admin, "entries")[::-1]
        n_writes = sum(len(log) for log in writes.values())
        assert len(entries) == n_writes
        assert sorted((e["action"], int(e["entity_id"])) for e in entries) == \
            sorted((a, oid) for log in writes.values() for a, _, oid in log)
        status, health = request(srv.url, "GET", "/api/v1/health")
        assert health["obstacles_version"] == n_writes
        states = replay(entries)

        # 3. no route saw half a write
        checked = 0
        for r, seen in routes.items():
            assert seen, "a router made no request"
            last = -1
            for status, version, warnings, coords in seen:
                if status != 200:
                    assert status == 422 and warnings[0].endswith(("route-blocked", "no-route")), (status, warnings)
                    continue
                assert version >= last, "a client saw an older obstacle state after a newer one"
                last = version
                state = states[version]
                hazards = {o["description"]: o for o in state.values() if o["severity"] == "hazard"}
                for text in warnings:
                    assert text in hazards, f"warning '{text}' does not match the obstacles at version {version}"
                for o in state.values():
                    lon, lat = o["geometry"]["coordinates"]
                    if o["severity"] == "impassable":
                        assert not coords_near(coords, lon, lat, RADIUS - 0.05), \
                            f"route at version {version} walks through impassable obstacle {o['id']}"
                    elif coords_near(coords, lon, lat, RADIUS - 0.5):
                        assert o["description"] in warnings, \
                            f"route at version {version} passes hazard {o['id']} without a warning"
                checked += 1
        assert checked >= MIN_ROUTES
        versions = {v for seen in routes.values() for _, v, _, _ in seen if v is not None}
        assert len(versions) >= 3, "the routes did not overlap the writes"
        print(f"\n{checked} routes checked at {len(versions)} obstacle versions, "
              f"{sum(1 for s in routes.values() for x in s if x[2] and x[0] == 200)} with warnings, {n_writes} writes")
