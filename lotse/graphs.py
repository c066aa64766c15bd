"""Which graph the service serves, and the demo map compiled on first use.

A server loads one compiled graph at start. With no graph configured it
serves the demo map: ``data/demo.osm`` is compiled once into the data folder
with the beacons of ``data/beacons.csv`` attached, keyed by the hash of the
files and of the routing code, so edits to any of them are picked up.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import routing
from beacons.io import read_beacons
from routing.graph import CompiledGraph
from routing.landmarks import attach_beacons
from routing.pipeline import build_from_osm
from routing.router import Router

from lotse.config import DEMO_OSM

DEMO_BEACONS = DEMO_OSM.with_name("beacons.csv")

log = logging.getLogger(__name__)


def demo_graph_path(data_dir: Path) -> Path:
    """Where the compiled demo map lives; built if missing or stale."""
    digest = hashlib.sha256(DEMO_OSM.read_bytes())
    digest.update(DEMO_BEACONS.read_bytes())
    # The code that builds the graph is part of the key: a fix in routing rebuilds the demo map.
    for source in sorted(Path(routing.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    digest = digest.hexdigest()[:16]
    path = data_dir / "graphs" / f"demo-{digest}.graph"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        log.info("compiling the demo map into %s", path)
        graph = build_from_osm(DEMO_OSM)
        attach_beacons(graph, [b.to_dict() for b in read_beacons(DEMO_BEACONS).beacons])
        graph.save(path)
    return path


class GraphStore:
    """The loaded graph and its router, created lazily so a fork happens before loading."""

    def __init__(self, graph_path: str | None, data_dir: Path, max_snap_m: float):
        self.graph_path = Path(graph_path) if graph_path else None
        self.data_dir = data_dir
        self.max_snap_m = max_snap_m
        self._router: Router | None = None

    @property
    def is_demo(self) -> bool:
        return self.graph_path is None

    def prepare(self) -> Path:
        """Make sure the graph file exists (compiling the demo map if needed); return its path."""
        return self.graph_path or demo_graph_path(self.data_dir)

    @property
    def router(self) -> Router:
        if self._router is None:
            path = self.prepare()
            try:
                graph = CompiledGraph.load(path)
            except (OSError, ValueError) as exc:  # e.g. built by an older Lotse: the operator must rebuild it
                from lotse.problems import Problem

                raise Problem("graph-unavailable", f"The service's map cannot be loaded: {exc}") from None
            self._router = Router(graph, max_snap_m=self.max_snap_m)
        return self._router

    @property
    def graph(self) -> CompiledGraph:
        return self.router.graph
