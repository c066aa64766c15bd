"""Review of the beacons capability: regressions found by using it as staff and partners would.

Hand-made maps from tests/conftest.py's metre grid unless a test says otherwise.
"""

from __future__ import annotations

import pytest

from routing.maneuvers import find_maneuvers
from routing.router import Router


def _beacon(ll, x, y, label, kind="bus_stop", bid=None):
    lat, lon = ll(x, y)
    return {"kind": "beacon", "name": label, "label_en": None, "lat": lat, "lon": lon,
            "id": bid or label, "beacon_kind": kind}


@pytest.fixture
def zob(osm_doc, compile_xml):
    """A 300 m footway east from (0, 0); the stop 'ZOB' has platforms 4 m north of it at x = 20 and x = 45."""
    nodes = {1: (0, 0), 2: (150, 0), 3: (300, 0),
             100: (20, 4, {"highway": "bus_stop", "name": "ZOB"}),
             101: (45, 4, {"highway": "bus_stop", "name": "ZOB"})}
    graph = compile_xml(osm_doc(nodes, {10: ([1, 2, 3], {"highway": "footway"})}))
    return graph, Router(graph), osm_doc.latlon


def test_the_stop_one_starts_at_is_no_reference_when_a_later_platform_has_a_beacon_too(zob):
    """Kaiserslautern Rathaus: from the beacon at platform B, 'Mit Blick zur Bushaltestelle Rathaus ist das
    hinter Ihnen' - the stop was shadowed at the start and 54 m on, and the later place overwrote the first."""
    graph, router, ll = zob
    beacons = [_beacon(ll, 20, 3, "Bushaltestelle ZOB, Steig 3"), _beacon(ll, 45, 3, "Bushaltestelle ZOB, Steig 4")]
    ms = find_maneuvers(graph, router.plan(ll(20, 0), ll(300, 0), "walk"), extra_landmarks=beacons)
    assert ms[0].reference is None, ms[0].reference
