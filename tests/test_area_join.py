"""A square's outline drawn a few centimetres off a street's end is joined to it at build time.

Herrenberg's Marktplatz (way 22678592, area=yes) passes the end of the
Bronngasse 0.11 m from its node without sharing it (nodes 3469864038 and
243274156): a route to a point of the square went past it, on around the
square and back ("Jetzt umdrehen und auf den Marktplatz").
"""

from __future__ import annotations

import pytest

from routing.build import AREA_JOIN_TOLERANCE_M, build_graph, join_area_outlines
from routing.maneuvers import find_maneuvers
from routing.osm_import import read_osm
from routing.router import Router

SQUARE = {"highway": "pedestrian", "area": "yes", "name": "Marktplatz"}


def _square_map(osm_doc, *, gap_m=0.1, street_tags=None, extra_nodes=None, extra_ways=None):
    """A footway 'Bronngasse' ending at (0, 0); a square whose corner is ``gap_m`` east of it.

    The square is reached otherwise only by a 180 m detour ('Umweg') to its far corner.
    """
    nodes = {1: (-100, 0), 2: (0, 0), 3: (-100, 40),
             20: (gap_m, 0), 21: (0, 40), 22: (40, 40), 23: (40, 0)}
    nodes.update(extra_nodes or {})
    ways = {
        10: ([1, 2], {"highway": "footway", "name": "Bronngasse", **(street_tags or {})}),
        11: ([1, 3, 21], {"highway": "footway", "name": "Umweg"}),
        12: ([20, 21, 22, 23, 20], SQUARE),
    }
    ways.update(extra_ways or {})
    return osm_doc(nodes, ways)


def test_an_outline_node_a_few_centimetres_off_a_street_end_is_joined(osm_doc, write_osm):
    extract = read_osm(write_osm(_square_map(osm_doc)))
    assert join_area_outlines(extract) == 1
    square = next(w for w in extract.ways if w.id == 12)
    assert square.nodes == [2, 21, 22, 23, 2], "the outline takes the street's node"
    street = next(w for w in extract.ways if w.id == 10)
    assert street.nodes == [1, 2], "the street keeps its own"
    assert square.coords[0] == street.coords[1]


def test_the_route_enters_the_square_where_the_street_meets_it(osm_doc, compile_xml):
    graph = compile_xml(_square_map(osm_doc))
    assert any("1 outline nodes of squares" in w for w in graph.meta["warnings"]), graph.meta["warnings"]
    ll = osm_doc.latlon
    route = Router(graph).plan(ll(-60, 0), ll(3, 0.5), "walk")
    assert route.distance_m == pytest.approx(63, abs=1.5), "no detour around the square"
    kinds = [m.kind for m in find_maneuvers(graph, route)]
    assert "uturn" not in kinds and kinds[:2] == ["depart", "enter_area"], kinds


@pytest.mark.parametrize("case", ["farther", "other_layer", "same_way"])
def test_what_is_not_joined(osm_doc, write_osm, case):
    if case == "farther":
        xml = _square_map(osm_doc, gap_m=AREA_JOIN_TOLERANCE_M + 0.3)
    elif case == "other_layer":  # a footbridge passing over the square's corner
        xml = _square_map(osm_doc, street_tags={"bridge": "yes", "layer": "1"})
    else:  # two nodes of one outline centimetres apart stay two nodes
        xml = _square_map(osm_doc, gap_m=5, extra_nodes={24: (5.1, 0)},
                          extra_ways={12: ([20, 24, 21, 22, 23, 20], SQUARE)})
    extract = read_osm(write_osm(xml))
    assert join_area_outlines(extract) == 0
    G = build_graph(extract)
    assert G.graph["joined_area_nodes"] == 0


def test_a_street_along_the_square_with_its_name_is_no_entering_or_leaving(osm_doc, compile_xml):
    """Herrenberg: the pedestrian street 'Marktplatz' runs along the square 'Marktplatz'."""
    xml = osm_doc(
        {1: (-100, 0), 2: (0, 0), 21: (0, 40), 22: (40, 40), 23: (40, 0), 4: (0, 80)},
        {10: ([1, 2], {"highway": "footway", "name": "Tübinger Straße"}),
         12: ([2, 21, 22, 23, 2], SQUARE),
         13: ([21, 4], {"highway": "pedestrian", "name": "Marktplatz"})},
    )
    graph = compile_xml(xml)
    ll = osm_doc.latlon
    route = Router(graph).plan(ll(-50, 0), ll(0, 70), "walk")
    kinds = [m.kind for m in find_maneuvers(graph, route)]
    assert "leave_area" not in kinds, kinds
