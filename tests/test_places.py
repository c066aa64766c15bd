"""The gazetteer: name normalisation, ranking, grouping, the ambiguity rule, on made-up places,
the demo map and Kaiserslautern."""

from __future__ import annotations

import statistics
import time

import pytest

from routing.geo import haversine_m
from routing.placenames import normalise, score, tokens
from routing.places import Gazetteer, Place, build_gazetteer, gazetteer_for


def sc(query: str, name: str) -> float:
    q, n = tokens(query), tokens(name)
    return score(q, "".join(q), n, "".join(n))


# ---- normalisation -------------------------------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("Löwen-Apotheke", "loewen apotheke"),
    ("Löwen-Apotheke", "LOEWENAPOTHEKE"),
    ("Löwen-Apotheke", "Löwen Apotheke"),
    ("Schillerstr.", "Schillerstraße"),
    ("Schillerstr.", "schiller strasse"),
    ("Schillerstr", "SCHILLERSTRASSE"),
    ("Mainzer Str", "Mainzer Straße"),
    ("Mainzer Str.", "mainzer strasse"),
    ("Große Gasse", "Grosse Gasse"),
    ("Übergang", "uebergang"),
    ("Café de Paris", "Cafe de Paris"),
    ("St.-Quentin-Ring", "Sankt Quentin Ring"),
    ("Hbf", "Hauptbahnhof"),
    ("Kaiserslautern,\xa0Uni West", "Kaiserslautern Uni West"),
    ("Lo\u0308wen", "Löwen"),  # decomposed umlaut, as some keyboards send it
])
def test_same_name_after_normalisation(a, b):
    assert normalise(a) == normalise(b)


def test_tokens():
    assert tokens("Löwen-Apotheke") == ("loewen", "apotheke")
    assert tokens("Theodor-Heuss-Str.") == ("theodor", "heuss", "strasse")
    assert tokens("  ") == ()


@pytest.mark.parametrize("a, b", [("Mainzer Straße", "Mainzer Tor"), ("Rathaus", "Rathaus West"),
                                  ("Hauptstraße", "Gaustraße")])
def test_different_names_stay_different(a, b):
    assert normalise(a) != normalise(b)


def test_scores_exact_prefix_typo():
    assert sc("Rathaus", "Rathaus") == 100
    assert 90 < sc("Rathau", "Rathaus") < 100  # a word begun
    assert sc("Pariser", "Pariser Straße") == pytest.approx(90, abs=1)  # a word of the name
    assert 85 < sc("Schilerstrase", "Schillerstr.") < 100  # two typos in a long word
    assert 80 <= sc("Fauthwek", "Fauthweg") < 90  # one typo in a short word
    assert 80 < sc("Loewen Apoteke", "Löwen-Apotheke") < 100


def test_shared_generic_endings_are_not_typos():
    assert sc("Kaiserstraße", "Pariser Straße") < 80
    assert sc("Hauptstraße", "Gaustraße") < 80
    assert sc("Marktplatz", "Parkplatz") < 80


def test_exact_outranks_everything_else():
    assert sc("Rathaus", "Rathaus") > sc("Rathaus", "Rathaus West") > sc("Rathaus", "Rathaus Kaiserslautern am Markt")


# ---- gazetteer on made-up places ----------------------------------------------------

TOWN = (49.4440, 7.7590)


def place(pid: str, name: str, kind: str, north_m: float = 0.0, east_m: float = 0.0) -> Place:
    return Place(pid, name, kind, TOWN[0] + north_m / 111_195.0, TOWN[1] + east_m / 72_300.0)


def test_same_name_close_together_is_one_place_led_by_the_most_prominent():
    gaz = Gazetteer([place("a", "Rathaus", "bus_stop", 0, 0), place("b", "Rathaus", "amenity:townhall", 110, 30),
                     place("c", "Rathaus", "bus_stop", -20, 15)])
    res = gaz.resolve("Rathaus")
    assert res.status == "unique"
    best = res.place
    assert best.place.id == "b" and best.place.kind == "amenity:townhall"
    assert {m.id for m in best.members} == {"a", "b", "c"}
    assert best.to_dict()["members"][0]["id"] == "b"


def test_same_name_far_apart_is_ambiguous():
    gaz = Gazetteer([place("a", "Rathaus", "amenity:townhall", 0, 0), place("b", "Rathaus", "amenity:townhall", 2500, 0),
                     place("c", "Rathausplatz", "street", 0, 50)])
    res = gaz.resolve("Rathaus")
    assert res.status == "ambiguous"
    assert {c.place.id for c in res.candidates} == {"a", "b"}
    assert all(c.exact for c in res.candidates)


def test_bus_stop_platforms_are_grouped_and_far_stops_kept_apart():
    gaz = Gazetteer([place("p1", "Hauptbahnhof", "bus_stop", 0, 0), place("p2", "Hauptbahnhof", "bus_stop", 30, 40),
                     place("p3", "Hauptbahnhof", "bus_stop", -25, 60), place("far", "Hauptbahnhof", "bus_stop", 4000, 0)])
    found = gaz.search("Hauptbahnhof")
    assert [len(c.members) for c in found] == [3, 1]
    assert gaz.resolve("Hauptbahnhof").status == "ambiguous"


def test_kind_filter_picks_a_member():
    gaz = Gazetteer([place("stop", "Rathaus", "bus_stop", 0, 0), place("hall", "Rathaus", "amenity:townhall", 100, 0)])
    assert gaz.resolve("Rathaus").place.place.id == "hall"
    assert gaz.resolve("Rathaus", kinds=["bus_stop"]).place.place.id == "stop"
    assert gaz.resolve("Rathaus", kinds=["transit"]).place.place.id == "stop"
    assert gaz.resolve("Rathaus", kinds=["amenity"]).place.place.id == "hall"
    assert gaz.resolve("Rathaus", kinds=["shop"]).status == "unknown"


def test_close_scores_are_ambiguous_clear_winner_is_not():
    gaz = Gazetteer([place("hall", "Fruchthalle", "amenity:theatre", 0, 0),
                     place("street", "Fruchthallstraße", "street", 100, -200),
                     place("ph", "Löwen-Apotheke", "amenity:pharmacy", 300, 0)])
    res = gaz.resolve("Fruchthal")
    assert res.status == "ambiguous" and [c.place.id for c in res.candidates] == ["hall", "street"]
    assert gaz.resolve("Fruchthalle").place.place.id == "hall"
    assert gaz.resolve("Fruchthalstrase").place.place.id == "street"  # typos, no exact match, clear winner


def test_unknown_names_get_suggestions():
    gaz = Gazetteer([place("ph", "Löwen-Apotheke", "amenity:pharmacy")])
    res = gaz.resolve("Lowen")
    assert res.status == "unknown" and res.place is None
    assert [c.place.id for c in res.candidates] == ["ph"]
    assert gaz.resolve("Xylophon").candidates == ()
    assert gaz.resolve("").status == "unknown"


def test_add_and_remove_entries_at_runtime():
    gaz = Gazetteer([place("ph", "Löwen-Apotheke", "amenity:pharmacy")])
    assert gaz.search("Steig A") == []
    gaz.add([place("beacon:kl-1", "Bushaltestelle Rathaus, Steig A", "beacon", 50, 0)])
    found = gaz.search("Steig A")
    assert found and found[0].place.id == "beacon:kl-1"
    gaz.remove(["beacon:kl-1"])
    assert gaz.search("Steig A") == []


# ---- the demo map ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    from routing.pipeline import build_from_osm
    from lotse.config import DEMO_OSM

    graph = build_from_osm(DEMO_OSM)
    return graph, build_gazetteer(graph)


def test_demo_rathaus_is_the_town_hall_with_its_bus_stop(demo):
    _, gaz = demo
    res = gaz.resolve("Rathaus")
    assert res.status == "unique"
    best = res.place
    assert best.exact and best.place.id == "osm:node/122" and best.place.kind == "amenity:townhall"
    assert (best.lat, best.lon) == pytest.approx((49.4440972, 7.7590318))
    assert {m.id for m in best.members} == {"osm:node/122", "osm:node/120"}  # the bus stop 118 m away
    assert gaz.resolve("Rathaus", kinds=["bus_stop"]).place.place.id == "osm:node/120"
    assert gaz.resolve("rathau").place.place.id == "osm:node/122"


@pytest.mark.parametrize("query", ["Löwen-Apotheke", "loewen apotheke", "Löwen Apotheke", "LOEWEN-APOTHEKE",
                                   "Loewen Apoteke", "Löwen-Apo"])
def test_demo_pharmacy(demo, query):
    _, gaz = demo
    res = gaz.resolve(query)
    assert res.status == "unique", res
    assert res.place.place.id == "osm:node/123"
    assert res.place.place.label == "Löwen-Apotheke, Mainzer Straße"


def _on_street(graph, name: str, lat: float, lon: float) -> float:
    """Distance (m) from a point to the nearest vertex of an edge called ``name``."""
    best = float("inf")
    for e in range(graph.n_edges):
        if graph.string(int(graph.edge_name[e])) == name:
            c = graph.edge_coords(e)
            best = min(best, float(haversine_m(lat, lon, c[:, 0], c[:, 1]).min()))
    return best


@pytest.mark.parametrize("query, name", [("Mainzer Str", "Mainzer Straße"), ("mainzer strasse", "Mainzer Straße"),
                                         ("Schillerstraße", "Schillerstr."), ("Schillerstr", "Schillerstr."),
                                         ("Pariser", "Pariser Straße"), ("Fauthwek", "Fauthweg")])
def test_demo_streets(demo, query, name):
    graph, gaz = demo
    res = gaz.resolve(query)
    assert res.status == "unique", res
    street = res.place.place
    assert street.kind == "street" and street.name == name and street.id.startswith("street:way/")
    assert street.label.startswith(name + " / ")
    assert _on_street(graph, name, street.lat, street.lon) < 60  # a point of that street (midpoint of an edge)


def test_demo_street_entries(demo):
    _, gaz = demo
    streets = [p for p in gaz.entries if p.kind in ("street", "square")]
    names = sorted(p.name for p in streets)
    # one entry per street, however many edges; the motorway link "A 6" is not walkable
    assert names == ["Am Altenhof", "Benzinoring", "Fauthweg", "Mainzer Straße", "Marktplatz", "Pariser Straße",
                     "Schillerstr."]
    assert gaz.resolve("Pariser").place.score == pytest.approx(90, abs=1)
    assert not gaz.resolve("Pariser").place.exact
    assert gaz.resolve("A 6").status == "unknown"
    market = gaz.resolve("Marktplatz").place
    assert market.place.kind == "square" and {m.kind for m in market.members} == {"square", "bus_stop"}


def test_demo_ambiguous_word(demo):
    _, gaz = demo
    res = gaz.resolve("Altenhof")  # the street "Am Altenhof" and the viewpoint "Altenhofterrasse"
    assert res.status == "ambiguous"
    assert {c.place.name for c in res.candidates} == {"Am Altenhof", "Altenhofterrasse"}


def test_gazetteer_is_built_once_per_graph(demo):
    graph, _ = demo
    assert gazetteer_for(graph) is gazetteer_for(graph)


# ---- Kaiserslautern ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def kl(shared_dir):
    from routing.pipeline import build_from_osm

    graph = build_from_osm(shared_dir / "osm" / "kaiserslautern.osm.gz")
    started = time.perf_counter()
    gaz = build_gazetteer(graph)
    gaz.search("warm up")
    return gaz, time.perf_counter() - started


def _near(c, lat: float, lon: float) -> float:
    return float(haversine_m(c.lat, c.lon, lat, lon))


@pytest.mark.realdata
def test_kaiserslautern_places(kl):
    gaz, _ = kl
    hbf = gaz.resolve("Hauptbahnhof").place
    assert hbf is not None and hbf.exact and len(hbf.members) >= 3  # the bus platforms in front of the station
    assert _near(hbf, 49.43598, 7.76893) < 250  # the railway station
    assert gaz.resolve("Hbf").place.place.id == hbf.place.id
    rathaus = gaz.resolve("Rathaus").place
    assert rathaus is not None and _near(rathaus, 49.44566, 7.76869) < 150
    assert gaz.resolve("Rathaus Kaiserslautern").place.place.kind == "amenity:townhall"
    church = gaz.resolve("Stiftskirche").place
    assert church.place.kind == "amenity:place_of_worship" and _near(church, 49.4445, 7.7713) < 50
    assert gaz.resolve("Fruchthalle").place.place.kind == "amenity:theatre"


@pytest.mark.realdata
@pytest.mark.parametrize("query", ["Fruchthallstraße", "Fruchthallstr.", "fruchthall strasse", "Fruchthalstrase"])
def test_kaiserslautern_street(kl, query):
    gaz, _ = kl
    res = gaz.resolve(query)
    assert res.status == "unique", res
    street = res.place.place
    assert street.name == "Fruchthallstraße" and street.kind == "street"
    assert _near(res.place, 49.4452, 7.7675) < 300


@pytest.mark.realdata
def test_kaiserslautern_ambiguity_and_unknown(kl):
    gaz, _ = kl
    assert {c.place.name for c in gaz.resolve("Mainzer").candidates} >= {"Mainzer Tor", "Mainzer Straße"}
    assert gaz.resolve("Mainzer").status == "ambiguous"
    assert gaz.resolve("Pariser").status == "ambiguous"  # Pariser Straße and Zur Pariser Straße
    assert gaz.resolve("Mainzer Str").place.place.name == "Mainzer Straße"
    assert gaz.resolve("St. Quentin Ring").place.place.name == "St.-Quentin-Ring"
    assert gaz.resolve("Kaiserstraße").status == "unknown"  # not "Pariser Straße"
    pharmacies = gaz.search("Apotheke", limit=20, kinds=["amenity:pharmacy"])
    assert len(pharmacies) >= 10 and all(c.place.kind == "amenity:pharmacy" for c in pharmacies)


@pytest.mark.realdata
def test_kaiserslautern_is_fast(kl):
    gaz, built_s = kl
    assert built_s < 5.0
    queries = ["Hauptbahnhof", "Rathaus", "Fruchthallstraße", "Mainzer Str", "Apotheke", "Schilerstrase",
               "Rathau", "st", "Straße", "Theodor Heuss Str", "Kaiserslautern Hauptbahnhof", "xyz"]
    times = []
    for q in queries:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            gaz.resolve(q)
            best = min(best, time.perf_counter() - started)
        times.append(best)
    assert statistics.median(times) < 0.003
    assert max(times) < 0.02
