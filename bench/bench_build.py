"""Build, load and memory figures of compiled graphs (issue: foundation).

Prints, per OSM extract in ../shared/osm: build time (read + build + compile),
file size, load time, node/edge/state/transition counts, and the resident
memory of a fresh server process after it loaded the graph and built its
router (snapping index) — what one gunicorn worker holds.

    python bench/bench_build.py [--osm FILE ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED_OSM = Path(__file__).resolve().parents[1].parent / "shared" / "osm"

_SERVER_PROBE = r"""
import json, resource, sys, time
def rss_mb():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) / 1024
before = rss_mb()
from lotse import create_app
app = create_app({'GRAPH_PATH': sys.argv[1], 'DATA_DIR': sys.argv[2]})
started = time.perf_counter()
router = app.extensions['lotse.graphs'].router
loaded = time.perf_counter() - started
client = app.test_client()
g = router.graph
client.post('/api/v1/routes', json={'from': {'lat': float(g.node_lat[0]), 'lon': float(g.node_lon[0])},
                                    'to': {'lat': float(g.node_lat[-1]), 'lon': float(g.node_lon[-1])}})
print(json.dumps({'python_mb': before, 'server_mb': rss_mb(), 'load_s': loaded}))
"""


def measure(osm: Path, workdir: Path) -> dict:
    from routing.graph import CompiledGraph
    from routing.pipeline import build_from_osm

    started = time.perf_counter()
    graph = build_from_osm(osm)
    build_s = time.perf_counter() - started
    out = workdir / (osm.name + ".graph")
    graph.save(out)
    started = time.perf_counter()
    loaded = CompiledGraph.load(out)
    load_s = time.perf_counter() - started
    probe = subprocess.run([sys.executable, "-c", _SERVER_PROBE, str(out), str(workdir / "data")],
                           capture_output=True, text=True, check=True)
    server = json.loads(probe.stdout.strip().splitlines()[-1])
    return {
        "extract": osm.name, "build_s": build_s, "file_mb": out.stat().st_size / 1e6, "load_s": load_s,
        "nodes": loaded.n_nodes, "walkable_edges": int(loaded.edge_walkable.sum()), "states": loaded.n_states,
        "transitions": loaded.n_transitions, "server_load_s": server["load_s"],
        "server_rss_mb": server["server_mb"], "python_rss_mb": server["python_mb"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--osm", nargs="*", type=Path,
                        default=[SHARED_OSM / n for n in ("kaiserslautern_uni.osm.gz", "kaiserslautern_cc.osm.gz",
                                                          "herrenberg.osm.pbf", "kaiserslautern.osm.gz")])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lotse-bench-build-") as tmp:
        print(f"{'extract':28s} {'build':>7s} {'file':>7s} {'load':>7s} {'nodes':>7s} {'edges':>7s} "
              f"{'states':>7s} {'turns':>8s} {'server RSS':>11s}")
        for osm in args.osm:
            r = measure(osm, Path(tmp))
            print(f"{r['extract']:28s} {r['build_s']:6.2f}s {r['file_mb']:5.1f}MB {r['load_s'] * 1000:5.0f}ms "
                  f"{r['nodes']:7,d} {r['walkable_edges']:7,d} {r['states']:7,d} {r['transitions']:8,d} "
                  f"{r['server_rss_mb']:8.0f} MB  (graph+router load in the server {r['server_load_s'] * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
