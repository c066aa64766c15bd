"""The data-quality map of the graph served: usage computed once per graph, cached in the data folder.

Other parts of the service add places to survey (open feedback, a later
issue) with :func:`register_source`; they appear in ``GET /api/v1/quality``
and ``lotse quality`` ranked with everything else.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from routing import quality as Q
from routing.graph import CompiledGraph

log = logging.getLogger(__name__)

_memory: dict[str, np.ndarray] = {}
_lock = threading.Lock()


def graph_digest(graph: CompiledGraph) -> str:
    """Identity of a graph's network (nodes, edges, lengths) and of the usage parameters."""
    h = hashlib.sha256()
    for name in ("edge_u", "edge_v", "edge_len", "edge_walkable"):
        h.update(np.ascontiguousarray(graph.arrays[name]).tobytes())
    h.update(f"{Q.SOURCES}/{Q.TARGETS}/{Q.MAX_TRIP_M}/{Q.SEED}".encode())
    return h.hexdigest()[:20]


def usage_for(graph: CompiledGraph, data_dir: str | os.PathLike) -> np.ndarray:
    """Edge usage of ``graph``: from memory, from ``<data dir>/quality/``, or computed and saved there."""
    digest = graph_digest(graph)
    with _lock:
        if digest in _memory:
            return _memory[digest]
        path = Path(data_dir) / "quality" / f"usage-{digest}.npy"
        usage = None
        if path.exists():
            try:
                usage = np.load(path, allow_pickle=False)
                if usage.shape != (graph.n_edges,):
                    usage = None
            except (OSError, ValueError):
                usage = None
        if usage is None:
            log.info("computing walking usage of %d edges for the data-quality map", graph.n_edges)
            usage = Q.edge_usage(graph)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                np.save(fh, usage)
            os.replace(tmp, path)
        _memory[digest] = usage
        return usage


def register_source(app, source: Q.QualitySource) -> None:  # noqa: ANN001 - flask.Flask
    """Add a source of places to survey (e.g. open feedback) to the app's data-quality map.

    Sources are called inside the app's context (a request, or ``app.app_context()`` in the CLI).
    """
    app.extensions.setdefault("lotse.quality_sources", []).append(source)


def quality_map(graph: CompiledGraph, data_dir: str | os.PathLike, sources: Iterable[Q.QualitySource] = (),
                kinds: Iterable[str] | None = None, limit: int | None = None,
                bbox: tuple[float, float, float, float] | None = None) -> dict[str, Any]:
    """The data-quality FeatureCollection of ``graph`` (see :mod:`routing.quality`).

    With ``bbox`` (min_lon, min_lat, max_lon, max_lat: a district to survey)
    only places with a point in it, ranked and counted within it.
    """
    doc = Q.quality_map(graph, usage_for(graph, data_dir), sources, kinds=kinds, limit=None if bbox else limit)
    if bbox:
        features = [f for f in doc["features"] if _in_bbox(f, bbox)]
        doc["total"] = len(features)
        doc["features"] = features[:limit] if limit is not None else features
        for rank, f in enumerate(doc["features"], 1):
            f["properties"]["rank"] = rank
        doc["bbox"] = list(bbox)
    return doc


def _in_bbox(feature: dict, box: tuple[float, float, float, float]) -> bool:
    """Whether any point of the feature's geometry lies in ``box`` (min_lon, min_lat, max_lon, max_lat)."""
    geometry = feature.get("geometry") or {}
    coords = geometry.get("coordinates")
    if coords is None:
        return False
    points = [coords] if geometry.get("type") == "Point" else coords
    min_lon, min_lat, max_lon, max_lat = box
    return any(min_lon <= p[0] <= max_lon and min_lat <= p[1] <= max_lat for p in points)
