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
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from routing import tags as T

#: Bump whenever compile writes other arrays or VOCAB changes (tests/fixtures/graph_format.json records
#: what this version holds; a test fails when the two drift apart): older files are then refused with
#: "rebuild it" rather than failing in the middle of a request.
FORMAT_VERSION = 2

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
        """Load a graph written by :meth:`save`; raises ValueError for other files.

        The arrays are memory-mapped copy-on-write: worker processes serving
        the same file share its pages, and loading costs no copy.
        """
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"graph file not found: {path}")
        try:
            members = _mapped_members(path)
            meta = json.loads(bytes(members.pop("__meta__")).decode("utf-8"))
            arrays = members
            if not isinstance(meta, dict):
                raise ValueError("its header is not a JSON object")
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
            raise ValueError(f"{path} is not a Lotse graph file: {exc}") from exc
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"{path} has graph format {meta.get('format_version')}, this Lotse reads {FORMAT_VERSION}: rebuild it"
            )
        vocab = meta.get("vocab")
        if vocab is not None and vocab != {k: list(v) for k, v in VOCAB.items()}:
            raise ValueError(f"{path} was built with other category codes than this Lotse uses: rebuild it")
        return cls(arrays=arrays, meta=meta)


def _mapped_members(path: Path) -> dict[str, np.ndarray]:
    """The arrays of an uncompressed ``.npz`` as copy-on-write memory maps (compressed ones are read)."""
    out: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as fh:
        for info in zf.infolist():
            name = info.filename.removesuffix(".npy")
            if info.compress_type != zipfile.ZIP_STORED:
                with zf.open(info) as member:
                    out[name] = np.lib.format.read_array(member, allow_pickle=False)
                continue
            # the member's data follows its local header: 30 bytes, the name and an extra field
            fh.seek(info.header_offset)
            local = fh.read(30)
            if local[:4] != b"PK\x03\x04":
                raise ValueError(f"damaged archive member {info.filename}")
            start = info.header_offset + 30 + int.from_bytes(local[26:28], "little") + \
                int.from_bytes(local[28:30], "little")
            fh.seek(start)
            version = np.lib.format.read_magic(fh)
            if version not in ((1, 0), (2, 0)):  # a header this code does not map: read it whole
                with zf.open(info) as member:
                    out[name] = np.lib.format.read_array(member, allow_pickle=False)
                continue
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) \
                else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(fh)
            if dtype.hasobject:
                raise ValueError(f"member {info.filename} holds Python objects")
            if int(np.prod(shape)) == 0:
                out[name] = np.zeros(shape, dtype=dtype)
                continue
            mapped = np.memmap(fh, dtype=dtype, mode="c", offset=fh.tell(), shape=shape, order="F" if fortran else "C")
            out[name] = np.asarray(mapped)  # a plain ndarray view: the pages stay mapped
    return out
