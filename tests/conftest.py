"""Shared test fixtures: hand-made OSM files and the ../shared data directory."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: Origin of the metre grid used by :func:`osm_doc` (Kaiserslautern centre).
ORIGIN = (49.4400, 7.7600)


def _latlon(x_m: float, y_m: float) -> tuple[float, float]:
    """Point ``x_m`` east and ``y_m`` north of :data:`ORIGIN`."""
    m_per_deg = math.pi * 6_371_008.8 / 180.0
    lat = ORIGIN[0] + y_m / m_per_deg
    lon = ORIGIN[1] + x_m / (m_per_deg * math.cos(math.radians(ORIGIN[0])))
    return lat, lon


def _tags(tags: dict[str, str] | None) -> str:
    from xml.sax.saxutils import quoteattr

    return "".join(f"<tag k={quoteattr(k)} v={quoteattr(str(v))}/>" for k, v in (tags or {}).items())


@pytest.fixture
def osm_doc():
    """Return ``make(nodes, ways) -> str``, an OSM XML document from a metre grid.

    ``nodes`` maps id -> ``(x_m, y_m)`` or ``(x_m, y_m, tags)`` (metres east and
    north of :data:`ORIGIN`); ``ways`` maps id -> ``(node_ids, tags)``.
    ``make.latlon(x, y)`` converts grid metres to (lat, lon).
    """

    def make(nodes: dict, ways: dict) -> str:
        lines = ["<?xml version='1.0' encoding='UTF-8'?>", '<osm version="0.6" generator="lotse-tests">']
        for nid, spec in nodes.items():
            lat, lon = _latlon(spec[0], spec[1])
            tags = spec[2] if len(spec) > 2 else None
            lines.append(f'<node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">{_tags(tags)}</node>')
        for wid, (refs, tags) in ways.items():
            nds = "".join(f'<nd ref="{r}"/>' for r in refs)
            lines.append(f'<way id="{wid}" version="1">{nds}{_tags(tags)}</way>')
        lines.append("</osm>")
        return "\n".join(lines) + "\n"

    make.latlon = _latlon
    return make


@pytest.fixture
def write_osm(tmp_path):
    """Return ``write(xml, name="map.osm") -> Path``: the XML string written into ``tmp_path``."""

    def write(xml: str, name: str = "map.osm") -> Path:
        path = tmp_path / name
        path.write_text(xml, encoding="utf-8")
        return path

    return write


@pytest.fixture
def compile_xml(write_osm):
    """Return ``build(xml) -> CompiledGraph`` via :func:`routing.pipeline.build_from_osm`."""
    from routing.pipeline import build_from_osm

    def build(xml: str, name: str = "map.osm"):
        return build_from_osm(write_osm(xml, name))

    return build


@pytest.fixture
def zob(osm_doc, compile_xml):
    """A 300 m footway east from (0, 0); the stop 'ZOB' has platforms 4 m north of it at x = 20 and x = 45.

    Returns the graph, its router and the grid's ``latlon``.
    """
    from routing.router import Router

    nodes = {1: (0, 0), 2: (150, 0), 3: (300, 0),
             100: (20, 4, {"highway": "bus_stop", "name": "ZOB"}),
             101: (45, 4, {"highway": "bus_stop", "name": "ZOB"})}
    graph = compile_xml(osm_doc(nodes, {10: ([1, 2, 3], {"highway": "footway"})}))
    return graph, Router(graph), osm_doc.latlon


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; fails (never skips) when the OSM data is missing."""
    path = Path(__file__).resolve().parents[1].parent / "shared"
    if not (path / "osm").is_dir():
        pytest.fail(f"shared data missing: {path / 'osm'} not found (CI must provide ../shared/osm)")
    return path


@pytest.fixture(scope="session")
def kl_graph_file(shared_dir, tmp_path_factory) -> Path:
    """Kaiserslautern (``../shared/osm/kaiserslautern.osm.gz``) built once per test session, saved as a graph file."""
    from routing.pipeline import build_from_osm

    path = tmp_path_factory.mktemp("kl-graph") / "kaiserslautern.graph"
    build_from_osm(shared_dir / "osm" / "kaiserslautern.osm.gz").save(path)
    return path
