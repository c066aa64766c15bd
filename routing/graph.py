"""The compiled graph: the pedestrian network as flat numpy arrays.

A route search needs per-edge and per-turn numbers, not Python objects, so the
networkx graph is compiled once into columns:

* **nodes** (junctions, crossings, barriers ...) with their attributes;
* **edges** (undirected, as cut from OSM ways) with geometry and attributes in
  way direction;
* **states**, the directed edges a walker can be on (``2 * walkable edges``);
* **transitions**, the moves from one state to the next at a node, with the
  turn angle and the roads crossed there.

Searching over states and transitions (an edge-expanded graph) lets turns and
unmapped crossings at junctions have a cost. The arrays are stored in one
``.npz`` file with a JSON header, so a server loads a city in well under a
second and forked workers can share the pages.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from routing import tags as T

FORMAT_VERSION = 1

#: Vocabularies of the categorical columns; a column stores the index.
VOCAB: dict[str, tuple[str, ...]] = {
    "tristate": ("unknown", "yes", "no"),
    "control": T.CONTROLS,
    "tactile": ("unknown", "yes", "no", "incorrect"),
    "kerb": T.KERBS,
    "surface": T.SURFACE_GROUPS,
    "sidewalk": ("unknown", "both", "left", "right", "yes", "separate", "no"),
    "way_kind": T.WAY_KINDS + ("road",),
    "handrail": T.HANDRAILS,
    "incline": ("unknown", "up", "down"),
    "road_class": ("motorway", "trunk", "primary", "secondary", "tertiary", "unclassified",
                   "residential", "living_street", "service", "road", "busway"),
}

NO_CROSSING = -1


def code(vocab: str, value: str | None) -> int:
    """Index of ``value`` in a vocabulary; missing or unlisted values map to "unknown".

    Raises KeyError for a vocabulary without "unknown" (such columns use -1 for none).
    """
    values = VOCAB[vocab]
    if value in values:
        return values.index(value)
    if "unknown" not in values:
        raise KeyError(f"{value!r} is not in vocabulary {vocab} and it has no 'unknown'")
    return values.index("unknown")


def decode(vocab: str, index: int) -> str:
    """Value of a vocabulary index."""
    return VOCAB[vocab][int(index)]


@dataclass
class CompiledGraph:
    """All arrays of a compiled graph plus its metadata (see module docstring)."""

    arrays: dict[str, np.ndarray]
    meta: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["arrays"][name]
        except KeyError:
            raise AttributeError(name) from None

    # -- sizes ---------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        return len(self.arrays["node_lat"])

    @property
    def n_edges(self) -> int:
        return len(self.arrays["edge_u"])

    @property
    def n_states(self) -> int:
        return len(self.arrays["state_edge"])

    @property
    def n_transitions(self) -> int:
        return len(self.arrays["trans_from"])

    # -- lookups ---------------------------------------------------------------
    def string(self, index: int) -> str | None:
        """Entry of the string table (street names ...), None for -1."""
        return None if index < 0 else self.meta["strings"][index]

    def edge_coords(self, edge: int) -> np.ndarray:
        """Geometry of an edge in way direction as an (n, 2) array of (lat, lon)."""
        a, b = self.arrays["geom_offsets"][edge], self.arrays["geom_offsets"][edge + 1]
        return np.column_stack((self.arrays["geom_lat"][a:b], self.arrays["geom_lon"][a:b]))

    def state_coords(self, state: int) -> np.ndarray:
        """Geometry of a state (directed edge) in direction of travel."""
        coords = self.edge_coords(int(self.arrays["state_edge"][state]))
        return coords if self.arrays["state_fwd"][state] else coords[::-1]

    # -- persistence -----------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """Write the graph atomically to one ``.npz`` file (uncompressed: loads fast)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        header = dict(self.meta, format_version=FORMAT_VERSION)
        meta_bytes = np.frombuffer(json.dumps(header, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)
        with open(tmp, "wb") as fh:
            np.savez(fh, __meta__=meta_bytes, **self.arrays)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "CompiledGraph":
        """Load a graph written by :meth:`save`; raises ValueError for other files."""
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"graph file not found: {path}")
        try:
            data = np.load(path, allow_pickle=False)
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise ValueError("not an .npz archive")
            with data:
                meta = json.loads(bytes(data["__meta__"]).decode("utf-8"))
                arrays = {k: data[k] for k in data.files if k != "__meta__"}
            if not isinstance(meta, dict):
                raise ValueError("its header is not a JSON object")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path} is not a Lotse graph file: {exc}") from exc
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"{path} has graph format {meta.get('format_version')}, this Lotse reads {FORMAT_VERSION}: rebuild it"
            )
        return cls(arrays=arrays, meta=meta)
