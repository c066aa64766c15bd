"""Obstacles on Kaiserslautern: cost of the per-request version check, of a write, and of routing with obstacles.

Run: python bench/staff_obstacles.py [--graph kl.graph]   (builds the graph from ../shared if not given)
Prints one line per figure. In-process (Flask test client, one process): the
multi-process behaviour is tested in tests/test_staff_server.py and
tests/test_staff_concurrency.py.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
KL = ROOT.parent / "shared" / "osm" / "kaiserslautern.osm.gz"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--graph")
    parser.add_argument("--routes", type=int, default=40)
    parser.add_argument("--obstacles", type=int, default=50)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lotse-bench-"))
    graph = args.graph or str(tmp / "kl.graph")
    if not args.graph:
        subprocess.run([sys.executable, "-c", "from lotse.cli import main; main()", "build", "--osm", str(KL),
                        "-o", graph], check=True, capture_output=True)

    from lotse import create_app
    from lotse.storage import keys
    from lotse.storage.audit import Actor
    from routing.graph import CompiledGraph

    app = create_app({"GRAPH_PATH": graph, "DATA_DIR": str(tmp / "data")})
    with app.extensions["lotse.db"].write() as s:
        _, key = keys.create(s, "bench", "staff", Actor(None, "bench", "admin"))
    auth = {"Authorization": f"Bearer {key}"}
    client = app.test_client()
    g = CompiledGraph.load(graph)
    rng = np.random.default_rng(1)
    nodes = rng.choice(np.unique(g.edge_u[g.edge_walkable]), size=2 * args.routes, replace=False)
    pairs = [({"lat": float(g.node_lat[a]), "lon": float(g.node_lon[a])},
              {"lat": float(g.node_lat[b]), "lon": float(g.node_lon[b])}) for a, b in zip(nodes[::2], nodes[1::2])]

    def route_all() -> tuple[float, int]:
        ok, t0 = 0, time.perf_counter()
        for a, b in pairs:
            ok += client.post("/api/v1/routes", json={"from": a, "to": b}).status_code == 200
        return (time.perf_counter() - t0) / len(pairs), ok

    route_all()  # warm up: graph, costs, voice
    base, ok0 = route_all()
    service = app.extensions["lotse.obstacles"]
    t0 = time.perf_counter()
    for _ in range(2000):
        service.current()
    check = (time.perf_counter() - t0) / 2000

    edges = rng.choice(np.flatnonzero(g.edge_walkable & (g.edge_len > 20)), size=args.obstacles, replace=False)
    writes = []
    for k, e in enumerate(edges):
        c = g.edge_coords(int(e))
        lat, lon = c[len(c) // 2]
        body = {"geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]}, "radius_m": 3.0,
                "kind": "construction", "severity": "impassable" if k % 2 else "hazard", "description": "Baustelle"}
        t0 = time.perf_counter()
        assert client.post("/api/v1/obstacles", json=body, headers=auth).status_code == 201
        writes.append(time.perf_counter() - t0)
    a, b = pairs[0]
    t0 = time.perf_counter()
    client.post("/api/v1/routes", json={"from": a, "to": b})
    first_after_write = time.perf_counter() - t0
    with_obstacles, ok1 = route_all()

    print(f"graph: {g.n_nodes} nodes, {int(g.edge_walkable.sum())} walkable edges; {len(pairs)} routes")
    print(f"version check per route request (unchanged obstacles): {check * 1e6:.0f} µs")
    print(f"obstacle write (validate, place, commit with audit), median: {statistics.median(writes) * 1e3:.1f} ms")
    print(f"first route after a write (reload, place, costs): {first_after_write * 1e3:.0f} ms")
    print(f"route without obstacles: {base * 1e3:.1f} ms/route ({1 / base:.1f} routes/s), {ok0} ok")
    print(f"route with {args.obstacles} active obstacles: {with_obstacles * 1e3:.1f} ms/route "
          f"({1 / with_obstacles:.1f} routes/s), {ok1} ok")


if __name__ == "__main__":
    main()
