"""What is said about beacons: once per place, grammatical, abbreviations written out, short at the kerb.

Hand-made maps (tests/conftest.py's metre grid) and the voice library; the
Herrenberg case of the review is checked at the end on the real data.
"""

from __future__ import annotations

import pytest

from beacons.io import parse_csv
from routing.maneuvers import find_maneuvers
from routing.router import Router
from voice import render
from voice.abbrev import expand_name, unknown_abbreviations
from voice.german import landmark_phrase

from landmark_support import beacon_landmark


def _said(ms, lang="de") -> str:
    return " ".join(t for g in render(ms, lang, directions="relative") for t in (g.main, g.post) if t)



def test_a_beacon_at_one_platform_says_the_whole_stop_once(zob):
    """Herrenberg ZOB: 'Sie sind an der Bushaltestelle ZOB, Bstg. 3. Hier ist die Bushaltestelle Herrenberg ZOB'."""
    graph, router, ll = zob
    beacon = beacon_landmark(ll, 20, 3, "Bushaltestelle ZOB, Bstg. 3")
    for a, b in ((ll(20, 0), ll(300, 0)), (ll(300, 0), ll(20, 0))):
        ms = find_maneuvers(graph, router.plan(a, b, "walk"), extra_landmarks=[beacon])
        labels = [lm.label for m in ms for lm in m.landmarks]
        assert labels == ["Bushaltestelle ZOB, Bstg. 3"], labels
        assert ms[0].reference is None, "the stop one stands at is no direction reference"
        said = _said(ms)
        assert "Bushaltestelle ZOB, Bussteig 3" in said and "Bstg" not in said
        assert said.count("ZOB") == 1, said


def test_a_beacon_not_passed_shadows_nothing(zob):
    """A beacon across the road (not said: more than 6 m off the route) leaves the stop to be said."""
    graph, router, ll = zob
    ms = find_maneuvers(graph, router.plan(ll(0, 0), ll(300, 0), "walk"),
                        extra_landmarks=[beacon_landmark(ll, 20, 12, "Bushaltestelle ZOB, Steig 3")])
    assert [lm.label for m in ms for lm in m.landmarks] == ["ZOB"]


@pytest.fixture
def zebra(osm_doc, compile_xml):
    """A footway north-south crossing the street 'Schießtäle' (y = 0) at a zebra (node 3); beacons at both kerbs."""
    nodes = {1: (0, -100), 2: (0, -4), 3: (0, 0, {"highway": "crossing", "crossing": "zebra"}), 4: (0, 4),
             5: (0, 100), 20: (-100, 0), 21: (100, 0)}
    ways = {10: ([1, 2], {"highway": "footway"}), 11: ([2, 3, 4], {"highway": "footway", "footway": "crossing"}),
            12: ([4, 5], {"highway": "footway"}),
            13: ([20, 3, 21], {"highway": "residential", "name": "Schießtäle"})}
    graph = compile_xml(osm_doc(nodes, ways))
    ll = osm_doc.latlon
    beacons = [beacon_landmark(ll, 1, 5, "Zebrastreifen Schießtäle, Nordseite", "crossing", "north"),
               beacon_landmark(ll, 1, -5, "Zebrastreifen Schießtäle, Südseite", "crossing", "south")]
    return graph, Router(graph), ll, beacons


@pytest.mark.parametrize("northwards", [True, False])
def test_the_crossing_is_said_at_the_kerb_not_its_beacons(zebra, northwards):
    """Herrenberg: 'Überqueren Sie jetzt ... am Zebrastreifen ... Sie sind bei Zebrastreifen Schießtäle, Nordseite'.

    The near kerb's beacon is not said (the crossing instruction is); the far
    side's, past the crossing, confirms it there.
    """
    graph, router, ll, beacons = zebra
    a, b = (ll(0, -90), ll(0, 90)) if northwards else (ll(0, 90), ll(0, -90))
    near, far = ("Südseite", "Nordseite") if northwards else ("Nordseite", "Südseite")
    ms = find_maneuvers(graph, router.plan(a, b, "walk"), extra_landmarks=beacons)
    k = next(i for i, m in enumerate(ms) if m.kind == "cross")
    assert ms[k].crossing.control == "zebra"
    texts = render(ms, "de", directions="relative")
    assert texts[k].main.startswith("Überqueren Sie jetzt die Straße Schießtäle am Zebrastreifen")
    assert "Schießtäle," not in texts[k].main + " " + texts[k - 1].post, "nothing more at the kerb"
    said = _said(ms)
    assert near not in said
    after = " ".join(t.main + " " + t.post for t in texts[k + 1:])
    assert f"Sie sind am Zebrastreifen Schießtäle, {far}" in after


def test_a_beacon_farther_before_a_crossing_is_said(zebra):
    """Only a beacon close before the crossing is left to the crossing instruction."""
    graph, router, ll, _ = zebra
    early = beacon_landmark(ll, 1, -30, "Zebrastreifen Schießtäle, Südseite", "crossing", "south")
    ms = find_maneuvers(graph, router.plan(ll(0, -90), ll(0, 90), "walk"), extra_landmarks=[early])
    assert "Nach 60 Metern sind Sie am Zebrastreifen Schießtäle, Südseite" in _said(ms)


@pytest.mark.parametrize("label, at", [
    ("Zebrastreifen Schießtäle, Nordseite", "am Zebrastreifen Schießtäle, Nordseite"),
    ("Ampelanlage Nagolder Straße", "an der Ampelanlage Nagolder Straße"),
    ("Bussteig 3", "am Bussteig 3"),
    ("Gleis 4", "am Gleis 4"),
    ("Fußgängerüberweg Bahnhofstraße", "am Fußgängerüberweg Bahnhofstraße"),
    ("Kaufland", "bei Kaufland"),
])
def test_beacon_labels_take_their_article(label, at):
    assert landmark_phrase(label).at == at


@pytest.mark.parametrize("written, spoken", [
    ("Bushaltestelle ZOB, Bstg. 3", "Bushaltestelle ZOB, Bussteig 3"),
    ("Herrenberg Bf, Bstg. 1", "Herrenberg Bahnhof, Bahnsteig 1"),
    ("Kaiserslautern Hbf., Gl. 4", "Kaiserslautern Hauptbahnhof, Gleis 4"),
    ("Bhf. Herrenberg", "Bahnhof Herrenberg"),
    ("Busbf. Mitte", "Busbahnhof Mitte"),
    ("Hst. Rathaus, Stg. B", "Haltestelle Rathaus, Steig B"),
    ("Eing. Nord", "Eingang Nord"),
    ("Ausg. Marktpl.", "Ausgang Marktplatz"),
    ("Bahnsteig 2, Ri. Stuttgart", "Bahnsteig 2, Richtung Stuttgart"),
    ("Hauptstr. 5", "Hauptstraße 5"),
    ("Eingang Haus Nr. 3", "Eingang Haus Nummer 3"),
    ("Glockengasse", "Glockengasse"),
])
def test_transit_and_place_abbreviations_are_written_out(written, spoken):
    assert expand_name(written) == spoken
    assert unknown_abbreviations(written) == []


def test_an_abbreviation_no_rule_knows_is_found():
    assert unknown_abbreviations("Bhst. 3, Eing. Nord") == ["Bhst."]
    assert unknown_abbreviations("Zebrastreifen Schießtäle, Nordseite") == []


def test_import_refuses_a_label_the_speech_engine_would_spell():
    text = ("id,lat,lon,kind,label\n"
            "a,48.59,8.86,bus_stop,\"Bushaltestelle ZOB, Bstg. 3\"\n"
            "b,48.59,8.86,bus_stop,\"Bushaltestelle ZOB, Bhst. 3\"\n")
    rows = parse_csv(text).rows
    assert rows[0].beacon is not None and rows[0].beacon.label == "Bushaltestelle ZOB, Bstg. 3"
    assert rows[1].beacon is None
    (error,) = rows[1].errors
    assert error.field == "label" and "'Bhst.'" in error.reason and "spell" in error.reason
