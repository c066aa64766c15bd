"""From an OSM file to a compiled graph, with a report of what was found."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Callable

import networkx as nx

from routing.build import build_graph, largest_walkable_component
from routing.compile import compile_graph
from routing.graph import CompiledGraph
from routing.osm_import import OsmDataError, read_osm

Progress = Callable[[str, int], None]


def drop_islands(G: nx.MultiGraph) -> int:
    """Keep the largest walkable component; return how many walkable edges were dropped.

    A point snapped onto an island could never be routed from, so islands
    (data gaps, private courtyards cut off by access rules) are dropped.
    Roads with motor traffic stay: crossing them still counts.
    """
    keep = largest_walkable_component(G)
    dropped = [(u, v, k) for u, v, k, d in G.edges(keys=True, data=True)
               if d["walkable"] and not (u in keep and v in keep)]
    G.remove_edges_from(dropped)
    G.remove_nodes_from([n for n in list(G.nodes) if G.degree(n) == 0])
    return len(dropped)


def build_from_osm(path: str | os.PathLike, progress: Progress | None = None) -> CompiledGraph:
    """Read, build and compile; raises :class:`OsmDataError` for unusable input."""
    started = time.perf_counter()
    extract = read_osm(path, progress)
    G = build_graph(extract, progress)
    if progress:
        progress("islands", 0)
    dropped = drop_islands(G)
    if G.number_of_edges() == 0:
        raise OsmDataError(f"{Path(path).name} yields no connected walkable network")
    if progress:
        progress("compile", 0)
    warnings = []
    if extract.missing_node_refs:
        warnings.append(
            f"{extract.missing_node_refs} node references in {extract.ways_with_missing_nodes} ways "
            f"point to nodes missing from the file (cut at the extract's edge?); those ways were shortened"
        )
    if extract.skipped_ways:
        warnings.append(f"{extract.skipped_ways} ways had fewer than two known nodes and were skipped")
    if G.graph.get("joined_area_nodes"):
        warnings.append(
            f"{G.graph['joined_area_nodes']} outline nodes of squares (area=yes) were joined to a node of "
            f"another way less than 0.5 m away (not shared in the data)"
        )
    if dropped:
        warnings.append(f"{dropped} walkable edges not connected to the main network were left out")
    meta = {
        "source": Path(path).name,
        "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "bounds": extract.bounds,
        "warnings": warnings,
    }
    graph = compile_graph(G, meta)
    graph.meta["build_seconds"] = round(time.perf_counter() - started, 3)
    return graph
