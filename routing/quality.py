"""The data-quality map: where accessibility data is missing, busiest places first.

A library (no Flask, no database). Staff survey what many walkers pass, so
each gap is ranked by **usage**: the share of a sample of shortest walking
trips that use the edge (or, for a node, its busiest edge). The sample is
:data:`SOURCES` random start nodes, each with :data:`TARGETS` random
destinations reachable within :data:`MAX_TRIP_M` of walking — a
trip-length-bounded edge betweenness, which follows the short trips people
walk rather than the city-crossing paths plain betweenness favours. It is
deterministic (seeded) and computed once per graph; callers cache it.

Gaps reported (each feature lists them in ``missing``):

* crossings: control unknown (``crossing_control``), tactile paving unknown
  (``tactile_paving``), kerb unknown (``kerb``); at signals, acoustic signal
  unknown (``traffic_signals_sound``);
* steps: ``step_count`` missing, ``handrail`` unknown;
* streets whose sidewalks are not mapped at all (``sidewalk``).

Other sources of places to survey (open user feedback, a later issue) plug in
through :class:`QualitySource`: their features are merged and ranked with the
same ``usage`` measure.
"""

from __future__ import annotations

from typing import Any, Iterable, Protocol

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.graph import NO_CROSSING, CompiledGraph, code, decode

SOURCES = 300
TARGETS = 30
MAX_TRIP_M = 2000.0
SEED = 20240501


class QualitySource(Protocol):
    """Something that adds places to survey (e.g. open feedback reports).

    ``features`` returns GeoJSON Features whose properties have at least
    ``missing`` (list of strings) and ``kind``; ``usage`` is filled in from the
    nearest graph edge when absent (pass ``edge`` in the properties to say which).
    """

    def features(self, graph: CompiledGraph, usage: np.ndarray) -> Iterable[dict[str, Any]]: ...


def _node_graph(graph: CompiledGraph) -> tuple[csr_matrix, dict[tuple[int, int], int]]:
    """Undirected node graph of walkable edges weighted by length, and (u, v) -> shortest edge."""
    walk = np.flatnonzero(graph.edge_walkable)
    u = graph.edge_u[walk].astype(np.int64)
    v = graph.edge_v[walk].astype(np.int64)
    length = np.maximum(graph.edge_len[walk].astype(np.float64), 0.01)
    best: dict[tuple[int, int], int] = {}
    for e, a, b, w in zip(walk, u, v, length):
        key = (int(a), int(b)) if a < b else (int(b), int(a))
        if a == b:
            continue
        if key not in best or w < graph.edge_len[best[key]]:
            best[key] = int(e)
    pairs = np.array(list(best.keys()), dtype=np.int64).reshape(-1, 2)
    weights = np.array([max(float(graph.edge_len[e]), 0.01) for e in best.values()])
    n = graph.n_nodes
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    matrix = csr_matrix((np.concatenate([weights, weights]), (rows, cols)), shape=(n, n))
    return matrix, best


def edge_usage(graph: CompiledGraph, sources: int = SOURCES, targets: int = TARGETS,
               max_trip_m: float = MAX_TRIP_M, seed: int = SEED) -> np.ndarray:
    """Share of sampled shortest walking trips that use each edge (0..1, one value per edge)."""
    usage = np.zeros(graph.n_edges, dtype=np.float64)
    matrix, pair_edge = _node_graph(graph)
    nodes = np.unique(np.array(list(pair_edge.keys()), dtype=np.int64).ravel()) if pair_edge else np.array([], int)
    if len(nodes) < 2:
        return usage
    rng = np.random.default_rng(seed)
    origins = rng.choice(nodes, size=min(sources, len(nodes)), replace=False)
    trips = 0
    for chunk in np.array_split(origins, max(1, len(origins) // 50)):
        dist, pred = dijkstra(matrix, directed=False, indices=chunk, return_predecessors=True, limit=max_trip_m)
        for i, origin in enumerate(chunk):
            reach = np.flatnonzero(np.isfinite(dist[i]) & (dist[i] > 0))
            if len(reach) == 0:
                continue
            for t in rng.choice(reach, size=min(targets, len(reach)), replace=False):
                node = int(t)
                while node != origin:
                    p = int(pred[i, node])
                    if p < 0:
                        break
                    usage[pair_edge[(p, node) if p < node else (node, p)]] += 1.0
                    node = p
                trips += 1
    return usage / trips if trips else usage


def _node_usage(graph: CompiledGraph, usage: np.ndarray) -> np.ndarray:
    """Usage of each node: that of its busiest edge."""
    out = np.zeros(graph.n_nodes, dtype=np.float64)
    np.maximum.at(out, graph.edge_u, usage)
    np.maximum.at(out, graph.edge_v, usage)
    return out


def _crossing_gaps(graph: CompiledGraph, prefix: str, i: int) -> list[str]:
    a = graph.arrays
    control = decode("control", a[prefix + "control"][i])
    missing = []
    if control == "unknown":
        missing.append("crossing_control")
    if control == "signals" and decode("tristate", a[prefix + "sound"][i]) == "unknown":
        missing.append("traffic_signals_sound")
    if decode("tactile", a[prefix + "tactile_paving"][i]) == "unknown":
        missing.append("tactile_paving")
    if decode("kerb", a[prefix + "kerb"][i]) == "unknown":
        missing.append("kerb")
    return missing


def _line(graph: CompiledGraph, edge: int) -> dict[str, Any]:
    coords = graph.edge_coords(edge)
    return {"type": "LineString", "coordinates": [[round(float(lon), 7), round(float(lat), 7)] for lat, lon in coords]}


def gaps(graph: CompiledGraph, usage: np.ndarray) -> list[dict[str, Any]]:
    """GeoJSON Features of every place with missing accessibility data (unsorted)."""
    out: list[dict[str, Any]] = []
    node_usage = _node_usage(graph, usage)
    walkable_node = np.zeros(graph.n_nodes, dtype=bool)
    walkable_node[graph.edge_u[graph.edge_walkable]] = True
    walkable_node[graph.edge_v[graph.edge_walkable]] = True
    for n in np.flatnonzero((graph.node_cross_control != NO_CROSSING) & walkable_node):
        missing = _crossing_gaps(graph, "node_cross_", int(n))
        if missing:
            out.append({"type": "Feature", "id": f"node/{int(graph.node_osm[n])}",
                        "geometry": {"type": "Point", "coordinates": [round(float(graph.node_lon[n]), 7),
                                                                      round(float(graph.node_lat[n]), 7)]},
                        "properties": {"kind": "crossing", "missing": missing, "usage": float(node_usage[n]),
                                       "osm": f"node/{int(graph.node_osm[n])}", "node": int(n),
                                       "control": decode("control", graph.node_cross_control[n])}})
    walk = graph.edge_walkable
    steps = code("way_kind", "steps")
    unknown_sidewalk = code("way_kind", "street_sidewalk_unknown")
    standalone = graph.edge_cross_standalone & (graph.edge_cross_control != NO_CROSSING) & walk
    for e in np.flatnonzero(walk & ((graph.edge_kind == steps) | (graph.edge_kind == unknown_sidewalk) | standalone)):
        e = int(e)
        if graph.edge_kind[e] == steps:
            kind, missing = "steps", []
            if graph.edge_step_count[e] < 0:
                missing.append("step_count")
            if decode("handrail", graph.edge_handrail[e]) == "unknown":
                missing.append("handrail")
        elif graph.edge_kind[e] == unknown_sidewalk:
            kind, missing = "street", ["sidewalk"]
        else:
            kind, missing = "crossing", _crossing_gaps(graph, "edge_cross_", e)
        if missing:
            osm = f"way/{int(graph.edge_osm[e])}"
            out.append({"type": "Feature", "id": f"{osm}/edge/{e}", "geometry": _line(graph, e),
                        "properties": {"kind": kind, "missing": missing, "usage": float(usage[e]), "osm": osm,
                                       "edge": e, "street": graph.string(int(graph.edge_name[e]))}})
    return out


def quality_map(graph: CompiledGraph, usage: np.ndarray, sources: Iterable[QualitySource] = (),
                kinds: Iterable[str] | None = None, limit: int | None = None) -> dict[str, Any]:
    """The data-quality FeatureCollection: busiest first, then most missing, then id (a stable order)."""
    features = gaps(graph, usage)
    for source in sources:
        for f in source.features(graph, usage):
            props = f.setdefault("properties", {})
            props.setdefault("missing", [])
            if "usage" not in props:
                edge = props.get("edge")
                props["usage"] = float(usage[int(edge)]) if edge is not None else 0.0
            features.append(f)
    if kinds is not None:
        wanted = set(kinds)
        features = [f for f in features if f["properties"].get("kind") in wanted]
    features.sort(key=lambda f: (-f["properties"]["usage"], -len(f["properties"]["missing"]), str(f.get("id"))))
    total = len(features)
    if limit is not None:
        features = features[:limit]
    for rank, f in enumerate(features, 1):
        f["properties"]["usage"] = round(f["properties"]["usage"], 5)
        f["properties"]["rank"] = rank
    return {"type": "FeatureCollection", "features": features, "total": total,
            "measure": {"usage": "share of sampled shortest walking trips passing here",
                        "sources": SOURCES, "targets_per_source": TARGETS, "max_trip_m": MAX_TRIP_M}}
