"""Benchmark: route planning for blind_cane (search + maneuvers + audit, no HTTP).

Prints, on the full Kaiserslautern graph (built from ../shared/osm into a
temporary file and loaded back, as a server does):

* p50 / p95 / mean per route over random origin/destination node pairs, for
  ``blind_cane`` with a few per-request option variants (each variant's costs
  are computed once, timed separately). A route is ``Router.plan`` — search
  for the profile and for the shortest walk (the detour factor) — plus
  ``find_maneuvers`` and ``audit_route``;
* the same searches with networkx (``nx.shortest_path`` on a DiGraph of the
  states and transitions carrying the same arc weights), checking the costs
  agree, and the speed-up;
* per-route times on graphs of growing size (Kaiserslautern centre,
  Herrenberg, Kaiserslautern, and Kaiserslautern tiled 2 x 2), to show the
  cost grows about linearly with the size of the city.

    python bench/bench_routing.py [--pairs 200] [--nx-pairs 200] [--no-scaling]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from routing.audit import audit_route  # noqa: E402
from routing.build import build_graph  # noqa: E402
from routing.compile import compile_graph  # noqa: E402
from routing.graph import CompiledGraph  # noqa: E402
from routing.maneuvers import find_maneuvers  # noqa: E402
from routing.osm_import import read_osm  # noqa: E402
from routing.pipeline import build_from_osm, drop_islands  # noqa: E402
from routing.profiles import resolve  # noqa: E402
from routing.router import NoRouteError, Router  # noqa: E402
from routing.search import search_towards  # noqa: E402

OSM = ROOT.parent / "shared" / "osm"
VARIANTS = [{}, {"turn_cost": 5}, {"turn_cost": 30}, {"crossing_unmarked": 150, "unknown_crossing": 40}]


def load_via_file(graph: CompiledGraph, tmp: Path, name: str) -> CompiledGraph:
    path = tmp / f"{name}.graph"
    graph.save(path)
    return CompiledGraph.load(path)


def random_pairs(g: CompiledGraph, n: int, seed: int) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, g.n_nodes, size=(n, 2))
    return [((float(g.node_lat[a]), float(g.node_lon[a])), (float(g.node_lat[b]), float(g.node_lon[b])))
            for a, b in idx]


def pct(values: list[float]) -> str:
    ms = np.array(values) * 1000
    return f"p50 {np.percentile(ms, 50):6.2f} ms  p95 {np.percentile(ms, 95):6.2f} ms  mean {ms.mean():6.2f} ms"


PARTS: dict[str, list[float]] = {}
CPU: list[float] = []  # process CPU time per route of the last time_routes call


def time_routes(router: Router, pairs, variants) -> tuple[list[float], list[float], int, float]:
    """Per-route wall times (plan + maneuvers + audit), search-only times, failures, mean length.

    The parts of the last call are left in :data:`PARTS` (plan, maneuvers, audit).
    """
    g = router.graph
    totals, searches = [], []
    failures, lengths = 0, []
    PARTS.clear()
    CPU.clear()
    parts = PARTS.setdefault("plan (search + walk baseline + legs + geometry)", []), \
        PARTS.setdefault("find_maneuvers", []), PARTS.setdefault("audit_route", [])
    for k, (origin, destination) in enumerate(pairs):
        profile = resolve("blind_cane", variants[k % len(variants)])
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            route = router.plan(origin, destination, profile)
        except NoRouteError:
            failures += 1
            continue
        t1 = time.perf_counter()
        maneuvers = find_maneuvers(g, route)
        t2 = time.perf_counter()
        audit_route(g, route, maneuvers)
        t3 = time.perf_counter()
        totals.append(t3 - t0)
        CPU.append(time.process_time() - c0)
        for part, dt in zip(parts, (t1 - t0, t2 - t1, t3 - t2)):
            part.append(dt)
        lengths.append(route.distance_m)
    # the search alone, for the comparison with networkx
    for k, (origin, destination) in enumerate(pairs):
        profile = resolve("blind_cane", variants[k % len(variants)])
        costs = router.costs.get(profile)
        a = router._place(router.snap(*origin, costs), costs)
        b = router._place(router.snap(*destination, costs), costs)
        t0 = time.perf_counter()
        search_towards(costs, router.costs.plane, a.starts, b.ends, (b.snap.lat, b.snap.lon))
        searches.append(time.perf_counter() - t0)
    return totals, searches, failures, float(np.mean(lengths)) if lengths else 0.0


def route_and_maneuvers(router: Router, pairs) -> list[float]:
    """The issue's measure: search (with legs and geometry) plus the maneuver list, per request options.

    The detour factor's walk baseline (a second search) and the audit are left
    out here; the line above includes them.
    """
    times = []
    for k, (origin, destination) in enumerate(pairs):
        profile = resolve("blind_cane", VARIANTS[k % len(VARIANTS)])
        t0 = time.perf_counter()
        try:
            route = router.plan(origin, destination, profile, detour=False)
        except NoRouteError:
            continue
        find_maneuvers(router.graph, route)
        times.append(time.perf_counter() - t0)
    return times


def networkx_state_graph(g: CompiledGraph, costs) -> nx.DiGraph:
    """States as nodes, transitions as arcs weighted like the compiled search (transition + state entered)."""
    D = nx.DiGraph()
    m = costs.matrix.tocoo()
    D.add_weighted_edges_from(zip(m.row.tolist(), m.col.tolist(), m.data.tolist()), weight="cost")
    return D


def compare_networkx(router: Router, pairs, variants, n: int) -> None:
    """The same searches on networkx; each side timed in its own loop (interleaving thrashes the caches)."""
    print(f"\n-- networkx on the same searches ({n} pairs, same arc weights) --")
    queries = []
    for k, (origin, destination) in enumerate(pairs[:n]):
        profile = resolve("blind_cane", variants[k % len(variants)])
        costs = router.costs.get(profile)
        a = router._place(router.snap(*origin, costs), costs)
        b = router._place(router.snap(*destination, costs), costs)
        queries.append((profile, costs, a, b))
    ours, found = [], []
    for _, costs, a, b in queries:
        t0 = time.perf_counter()
        result = search_towards(costs, router.costs.plane, a.starts, b.ends, (b.snap.lat, b.snap.lon))
        ours.append(time.perf_counter() - t0)
        found.append(result.cost if result is not None else float("inf"))
    graphs = {}
    for profile, costs, _, _ in queries:
        if profile.key not in graphs:
            t0 = time.perf_counter()
            graphs[profile.key] = networkx_state_graph(router.graph, costs)
            D = graphs[profile.key]
            print(f"networkx DiGraph for {profile.options or 'defaults'}: {D.number_of_nodes():,} nodes, "
                  f"{D.number_of_edges():,} arcs, built in {time.perf_counter() - t0:.2f} s")
    theirs, worst = [], 0.0
    for (profile, costs, a, b), ours_cost in zip(queries, found):
        D = graphs[profile.key]
        t0 = time.perf_counter()
        D.add_node("S")
        D.add_node("T")
        for s in a.starts:
            D.add_edge("S", s.state, cost=max(s.cost, 0.0))
        # end costs are <= 0 (the part of the last state not walked): shift them to stay non-negative
        shift = -min(e.cost for e in b.ends)
        for e in b.ends:
            D.add_edge(e.state, "T", cost=e.cost + shift)
        try:
            path = nx.shortest_path(D, "S", "T", weight="cost")
            cost = nx.path_weight(D, path, weight="cost") - shift
        except nx.NetworkXNoPath:
            cost = float("inf")
        D.remove_node("S")
        D.remove_node("T")
        theirs.append(time.perf_counter() - t0)
        if np.isfinite(ours_cost) and np.isfinite(cost):
            worst = max(worst, abs(ours_cost - cost) / max(cost, 1.0))
    print(f"compiled A* search : {pct(ours)}")
    print(f"networkx Dijkstra  : {pct(theirs)}")
    print(f"speed-up (search)  : p50 {np.percentile(theirs, 50) / np.percentile(ours, 50):.1f}x, "
          f"p95 {np.percentile(theirs, 95) / np.percentile(ours, 95):.1f}x, "
          f"mean {np.mean(theirs) / np.mean(ours):.1f}x; largest relative cost difference {worst:.2e}")


def tiled_graph(osm_path: Path, nx_tiles: int = 2, ny_tiles: int = 2) -> CompiledGraph:
    """Kaiserslautern copied nx_tiles x ny_tiles times side by side, tiles joined by footways at their borders."""
    G = build_graph(read_osm(osm_path))
    drop_islands(G)
    lats = np.array([d["lat"] for _, d in G.nodes(data=True)])
    lons = np.array([d["lon"] for _, d in G.nodes(data=True)])
    dlat, dlon = float(lats.max() - lats.min()) + 1e-4, float(lons.max() - lons.min()) + 1e-4
    big = type(G)()
    big.graph.update(G.graph)
    offset = 10 ** 11
    for ty in range(ny_tiles):
        for tx in range(nx_tiles):
            k = ty * nx_tiles + tx
            shift = (ty * dlat, tx * dlon)
            for n, d in G.nodes(data=True):
                big.add_node(n + k * offset, **dict(d, lat=d["lat"] + shift[0], lon=d["lon"] + shift[1]))
            for u, v, d in G.edges(data=True):
                geom = [(la + shift[0], lo + shift[1]) for la, lo in d["geometry"]]
                big.add_edge(u + k * offset, v + k * offset,
                             **dict(d, geometry=geom, way_from=d["way_from"] + k * offset))
    # join neighbouring tiles: each tile's 15 nodes nearest its east (north) border to the next tile's
    walk_nodes = [n for n in G.nodes if any(d["walkable"] for _, _, d in G.edges(n, data=True))]
    wl = np.array([G.nodes[n]["lat"] for n in walk_nodes])
    wo = np.array([G.nodes[n]["lon"] for n in walk_nodes])
    east, west = np.argsort(-wo)[:15], np.argsort(wo)[:15]
    north, south = np.argsort(-wl)[:15], np.argsort(wl)[:15]
    way = -1
    for ty in range(ny_tiles):
        for tx in range(nx_tiles):
            k = ty * nx_tiles + tx
            links = []
            if tx + 1 < nx_tiles:
                links += [(walk_nodes[a] + k * offset, walk_nodes[b] + (k + 1) * offset) for a, b in zip(east, west)]
            if ty + 1 < ny_tiles:
                links += [(walk_nodes[a] + k * offset, walk_nodes[b] + (k + nx_tiles) * offset)
                          for a, b in zip(north, south)]
            for a, b in links:
                pa = (big.nodes[a]["lat"], big.nodes[a]["lon"])
                pb = (big.nodes[b]["lat"], big.nodes[b]["lon"])
                from routing.geo import haversine_m
                length = float(haversine_m(pa[0], pa[1], pb[0], pb[1]))
                big.add_edge(a, b, length_m=max(length, 0.01), geometry=[pa, pb], way_from=a, osm_way=way,
                             highway="footway", name=None, ref=None, walkable=True, way_kind="footway",
                             surface="paved_smooth", sidewalk="unknown", lit="unknown", width_m=None,
                             incline_dir="unknown", incline_pct=None, tactile_paving="unknown",
                             oneway_foot=False, area=False, bridge=False, tunnel=False, level=None)
                way -= 1
    drop_islands(big)
    return compile_graph(big, {"source": f"{osm_path.name} tiled {nx_tiles}x{ny_tiles}"})


def scaling(tmp: Path, pairs_n: int) -> None:
    print(f"\n-- growth with city size: blind_cane, {pairs_n} random node pairs each, plan + maneuvers + audit --")
    print(f"{'graph':38s} {'nodes':>8s} {'states':>8s} {'transitions':>11s} {'mean route':>10s}   per route")
    cases = [("kaiserslautern_cc.osm.gz", None), ("herrenberg.osm.pbf", None),
             ("kaiserslautern.osm.gz", None), ("kaiserslautern.osm.gz", (2, 2))]
    for name, tiles in cases:
        t0 = time.perf_counter()
        graph = build_from_osm(OSM / name) if tiles is None else tiled_graph(OSM / name, *tiles)
        label = name if tiles is None else f"{name} tiled {tiles[0]}x{tiles[1]}"
        graph = load_via_file(graph, tmp, label.replace(" ", "_"))
        built = time.perf_counter() - t0
        router = Router(graph)
        pairs = random_pairs(graph, pairs_n, seed=5)
        time_routes(router, pairs[:10], [{}])  # warm up: costs computed, caches filled
        totals, searches, failures, mean_len = time_routes(router, pairs, [{}])
        print(f"{label:38s} {graph.n_nodes:8,d} {graph.n_states:8,d} {graph.n_transitions:11,d} "
              f"{mean_len:8.0f} m   {pct(totals)}   (search alone mean {np.mean(searches) * 1000:.2f} ms;"
              f" built in {built:.1f} s; {failures} without route)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--nx-pairs", type=int, default=200)
    parser.add_argument("--no-scaling", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        t0 = time.perf_counter()
        graph = load_via_file(build_from_osm(OSM / "kaiserslautern.osm.gz"), tmp, "kaiserslautern")
        print(f"Kaiserslautern: {graph.n_nodes:,} nodes, {graph.n_states:,} states, {graph.n_transitions:,} "
              f"transitions; built, saved and loaded in {time.perf_counter() - t0:.1f} s")
        router = Router(graph)
        for variant in VARIANTS:
            t0 = time.perf_counter()
            router.costs.get(resolve("blind_cane", variant))
            print(f"costs of blind_cane {variant or '(defaults)'}: {(time.perf_counter() - t0) * 1000:.1f} ms, once")
        t0 = time.perf_counter()
        router.costs.get(resolve("walk"))
        print(f"costs of walk (the detour baseline): {(time.perf_counter() - t0) * 1000:.1f} ms, once")
        pairs = random_pairs(graph, args.pairs, seed=1)
        time_routes(router, pairs[:20], VARIANTS)  # warm up
        totals, searches, failures, mean_len = time_routes(router, pairs, VARIANTS)
        print(f"\n-- blind_cane on Kaiserslautern, {len(totals)} routes ({failures} without route), "
              f"options cycling through {len(VARIANTS)} variants, mean length {mean_len:.0f} m --")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other processes slow wall times)")
        print(f"per route (plan incl. walk baseline + maneuvers + audit): {pct(totals)}")
        print(f"  the same in process CPU time                            {pct(CPU)}")
        for part, times in PARTS.items():
            print(f"  of which {part:46s} {pct(times)}")
        print(f"search alone (one A* search for the profile):            {pct(searches)}")
        print(f"route + maneuvers, the target's measure (no walk baseline): {pct(route_and_maneuvers(router, pairs))}")
        compare_networkx(router, pairs, VARIANTS, min(args.nx_pairs, len(pairs)))
        if not args.no_scaling:
            scaling(tmp, args.pairs)


if __name__ == "__main__":
    main()
