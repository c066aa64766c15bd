"""Read an OpenStreetMap file into the ways, nodes and places Lotse needs.

pyosmium (libosmium) reads ``.osm``, ``.osm.gz``, ``.osm.bz2`` and ``.osm.pbf``
in one streaming pass and resolves node locations for ways. Only what matters
to a pedestrian is kept: walkable ways, roads with motor traffic (a footway
crossing them is a crossing), nodes with tags, and named places.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from routing import tags as T

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".osm", ".osm.gz", ".osm.bz2", ".osm.pbf", ".pbf", ".osm.xml", ".xml")

#: Node tag keys worth keeping for routing and guidance.
NODE_KEYS = frozenset(
    {
        "highway", "crossing", "crossing_ref", "crossing:island", "crossing:markings",
        "crossing:signals", "traffic_signals", "traffic_signals:sound", "traffic_signals:vibration",
        "traffic_signals:arrow", "button_operated", "tactile_paving", "kerb", "kerb:height",
        "barrier", "public_transport", "railway", "entrance", "door", "elevator", "name",
        "amenity", "shop", "tourism", "office", "traffic_calming",
    }
)

PLACE_HIGHWAYS = frozenset({"bus_stop", "platform", "elevator"})
PLACE_RAILWAYS = frozenset({"station", "halt", "tram_stop", "stop"})


class OsmDataError(Exception):
    """The OSM input cannot be used (missing, wrong format, truncated, empty)."""


@dataclass
class OsmWay:
    """A way with its node ids, coordinates (lat, lon) and tags."""

    id: int
    nodes: list[int]
    coords: list[tuple[float, float]]
    tags: dict[str, str]
    walkable: bool
    road_class: str | None


@dataclass
class OsmPlace:
    """A named place for the gazetteer."""

    name: str
    kind: str
    lat: float
    lon: float
    osm_id: str


@dataclass
class OsmExtract:
    """What one pass over an OSM file yields."""

    ways: list[OsmWay] = field(default_factory=list)
    node_tags: dict[int, dict[str, str]] = field(default_factory=dict)
    node_coords: dict[int, tuple[float, float]] = field(default_factory=dict)
    places: list[OsmPlace] = field(default_factory=list)
    missing_node_refs: int = 0
    ways_with_missing_nodes: int = 0
    skipped_ways: int = 0
    #: south, west, north, east: from the file header, else the extent of the kept ways
    bounds: tuple[float, float, float, float] | None = None


def _place_kind(tags: dict[str, str]) -> str | None:
    if tags.get("highway") in PLACE_HIGHWAYS or tags.get("public_transport") in {"platform", "stop_position"}:
        return "bus_stop" if tags.get("highway") == "bus_stop" or tags.get("bus") == "yes" else "stop"
    if tags.get("railway") in PLACE_RAILWAYS:
        return "station"
    for key in ("amenity", "shop", "tourism", "office", "leisure", "historic"):
        if key in tags:
            return f"{key}:{tags[key]}"
    if "building" in tags:
        return "building"
    return None


def check_input(path: str | os.PathLike) -> Path:
    """Fail early and clearly on a missing, empty or unsupported file."""
    p = Path(path)
    if not p.exists():
        raise OsmDataError(f"OSM file not found: {p}")
    if p.is_dir():
        raise OsmDataError(f"{p} is a directory, not an OSM file")
    if p.stat().st_size == 0:
        raise OsmDataError(f"OSM file {p} is empty")
    if not p.name.lower().endswith(SUPPORTED_SUFFIXES):
        raise OsmDataError(
            f"{p.name}: unsupported file type; use .osm, .osm.gz, .osm.bz2 or .osm.pbf"
        )
    return p


def _osmium_file(p: Path):
    """The file for libosmium with its format named from the suffix.

    libosmium detects formats from lower-case suffixes only; :func:`check_input`
    accepts ``MAP.OSM.GZ`` as well, so the format is passed explicitly.
    """
    import osmium

    name = p.name.lower()
    if name.endswith(".pbf"):
        fmt = "pbf"
    elif name.endswith(".gz"):
        fmt = "osm.gz"
    elif name.endswith(".bz2"):
        fmt = "osm.bz2"
    else:
        fmt = "osm"
    return osmium.io.File(str(p), fmt)


def read_osm(path: str | os.PathLike, progress: Callable[[str, int], None] | None = None) -> OsmExtract:
    """Read an OSM file and keep what pedestrians need.

    ``progress(stage, count)`` is called now and then for a progress display.
    Raises :class:`OsmDataError` with a readable message for unusable input.
    """
    import osmium

    p = check_input(path)
    extract = OsmExtract()
    counter = {"n": 0}

    def tick(stage: str) -> None:
        counter["n"] += 1
        if progress and counter["n"] % 20000 == 0:
            progress(stage, counter["n"])

    class Handler(osmium.SimpleHandler):
        def node(self, n) -> None:  # noqa: D401 - pyosmium callback
            tick("nodes")
            if not n.tags:
                return
            tags = {t.k: t.v for t in n.tags}
            kept = {k: v for k, v in tags.items() if k in NODE_KEYS or k.startswith(("kerb", "tactile", "handrail"))}
            if not kept:
                return
            loc = n.location
            if not loc.valid():
                return
            extract.node_tags[n.id] = kept
            extract.node_coords[n.id] = (loc.lat, loc.lon)
            name = tags.get("name")
            if name:
                kind = _place_kind(tags)
                if kind:
                    extract.places.append(OsmPlace(name, kind, loc.lat, loc.lon, f"node/{n.id}"))

        def way(self, w) -> None:
            tick("ways")
            tags = {t.k: t.v for t in w.tags}
            if "highway" not in tags:
                self._named_area(w, tags)
                return
            walkable = T.is_walkable(tags)
            road_class = T.car_road_class(tags)
            if not walkable and road_class is None:
                return
            nodes: list[int] = []
            coords: list[tuple[float, float]] = []
            missing = 0
            for nr in w.nodes:
                loc = nr.location
                if not loc.valid():
                    missing += 1
                    continue
                nodes.append(nr.ref)
                coords.append((loc.lat, loc.lon))
            if missing:
                extract.missing_node_refs += missing
                extract.ways_with_missing_nodes += 1
            if len(nodes) < 2:
                extract.skipped_ways += 1
                return
            extract.ways.append(OsmWay(w.id, nodes, coords, tags, walkable, road_class))

        def _named_area(self, w, tags: dict[str, str]) -> None:
            name = tags.get("name")
            kind = _place_kind(tags) if name else None
            if not kind:
                return
            lats, lons = [], []
            for nr in w.nodes:
                if nr.location.valid():
                    lats.append(nr.location.lat)
                    lons.append(nr.location.lon)
            if lats:
                extract.places.append(
                    OsmPlace(name, kind, sum(lats) / len(lats), sum(lons) / len(lons), f"way/{w.id}")
                )

    handler = Handler()
    try:
        handler.apply_file(_osmium_file(p), locations=True, idx="flex_mem")
    except (RuntimeError, ValueError, osmium.InvalidLocationError) as exc:
        # libosmium reports format and truncation errors as RuntimeError, bad
        # attribute values (ids, versions, timestamps, over-long tags) as
        # ValueError and unparsable coordinates as InvalidLocationError.
        raise OsmDataError(f"cannot read {p.name}: {exc}. Is the file complete and in OSM XML or PBF format?") from exc
    extract.bounds = _header_bounds(p) or _data_bounds(extract)
    if not any(w.walkable for w in extract.ways):
        raise OsmDataError(f"{p.name} contains no walkable ways: is it the right area?")
    return extract


def _header_bounds(p: Path) -> tuple[float, float, float, float] | None:
    """Bounding box from the file header (XML ``<bounds>``, PBF header), if any.

    libosmium does not read Osmosis' ``<bound box=...>`` element, so such files
    (Kaiserslautern's among them) have no header box.
    """
    import osmium

    try:
        reader = osmium.io.Reader(_osmium_file(p), osmium.osm.osm_entity_bits.NOTHING)
    except (RuntimeError, ValueError):
        return None
    try:
        box = reader.header().box()
        if not box.valid():
            return None
        return (box.bottom_left.lat, box.bottom_left.lon, box.top_right.lat, box.top_right.lon)
    except (RuntimeError, ValueError, AttributeError):
        return None
    finally:
        reader.close()


def _data_bounds(extract: OsmExtract) -> tuple[float, float, float, float] | None:
    """Extent (south, west, north, east) of the kept ways when the header gives none."""
    lats = [c[0] for w in extract.ways for c in w.coords]
    lons = [c[1] for w in extract.ways for c in w.coords]
    if not lats:
        return None
    return (min(lats), min(lons), max(lats), max(lons))
