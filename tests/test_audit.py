"""The route audit: what a route asks of a blind walker, counted — on the demo map and small maps."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from routing.audit import CONTROL_KEYS, audit_route
from routing.maneuvers import find_maneuvers
from routing.pipeline import build_from_osm
from routing.profiles import resolve
from routing.router import ALT_MAX_COST, Router

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo.osm"


@pytest.fixture(scope="module")
def demo():
    return Router(build_from_osm(DEMO))


def at(g, osm_id: int) -> tuple[float, float]:
    i = int(np.flatnonzero(g.node_osm == osm_id)[0])
    return float(g.node_lat[i]), float(g.node_lon[i])


def audit(router: Router, a: int, b: int, profile: str = "walk", **options) -> dict:
    g = router.graph
    route = router.plan(at(g, a), at(g, b), resolve(profile, options or None))
    return audit_route(g, route, find_maneuvers(g, route))


def test_blind_and_walk_across_mainzer_strasse(demo):
    walk = audit(demo, 130, 131, "walk")
    assert walk["crossings"] == 1
    assert walk["crossings_by_control"] == {**{k: 0 for k in CONTROL_KEYS}, "unmapped": 1}
    assert walk["crossings_unknown_kind"] == 1
    assert walk["major_road_crossings"] == 1 and walk["major_road_crossings_without_signals"] == 1
    assert walk["crossings_by_aid"]["tactile_paving"]["unknown"] == 1
    assert walk["detour_factor"] == 1.0 and walk["walk_distance_m"] == pytest.approx(100.0, abs=0.1)

    blind = audit(demo, 130, 131, "blind_cane")
    assert blind["crossings_by_control"]["signals"] == 1 and blind["crossings"] == 1
    assert blind["crossings_with_sound"] == 1 and blind["crossings_with_vibration"] == 1
    assert blind["crossings_with_tactile_paving"] == 1 and blind["crossings_with_island"] == 0
    assert blind["crossings_by_aid"]["island"] == {"yes": 0, "no": 1, "unknown": 0}
    assert blind["major_road_crossings"] == 1 and blind["major_road_crossings_without_signals"] == 0
    assert blind["crossings_unknown_kind"] == 0
    assert blind["detour_factor"] == pytest.approx(1.301, abs=0.002)
    assert blind["walk_distance_m"] == pytest.approx(100.0, abs=0.1)


@pytest.mark.parametrize(
    "a, b, control, aids",
    [
        (1036, 1042, "zebra", {"island": "yes", "tactile_paving": "no"}),
        (1043, 1044, "signals", {"sound": "unknown"}),
        (1046, 1045, "uncontrolled", {}),
        (1052, 1053, "marked", {}),
    ],
)
def test_crossings_by_control_and_aid(demo, a, b, control, aids):
    result = audit(demo, a, b, "walk")
    assert result["crossings"] == 1
    assert result["crossings_by_control"][control] == 1
    for aid, value in aids.items():
        assert result["crossings_by_aid"][aid][value] == 1, aid
    if control == "signals":
        assert result["crossings_sound_unknown"] == 1 and result["crossings_with_sound"] == 0


def test_steps_counted_with_handrail_and_unknowns(demo):
    known = audit(demo, 110, 112, "blind_cane")["steps"]
    assert known == {"flights": 1, "total_steps": 12, "flights_count_unknown": 0, "with_handrail": 1,
                     "without_handrail": 0, "handrail_unknown": 0}
    unknown = audit(demo, 114, 115, "walk")["steps"]
    assert unknown["flights"] == 1 and unknown["flights_count_unknown"] == 1 and unknown["total_steps"] == 0
    assert unknown["handrail_unknown"] == 1, "no handrail tag: unknown, not 'none'"
    assert audit(demo, 110, 112, "wheelchair")["steps"]["flights"] == 0


def test_surface_barriers_way_kinds_and_turns(demo):
    rough = audit(demo, 1035, 1015, "walk")  # a sett footway
    assert rough["rough_surface_m"] > 5 and rough["surface_m"]["paved_rough"] == rough["rough_surface_m"]
    bollard = audit(demo, 1033, 1017, "walk")
    assert bollard["barriers"] == {"bollard": 1}
    blind = audit(demo, 130, 131, "blind_cane")
    assert sum(blind["way_kinds_m"].values()) == pytest.approx(130.1, abs=0.5)
    assert blind["way_kinds_m"]["crossing"] > 10
    g = demo.graph
    route = demo.plan(at(g, 130), at(g, 131), "blind_cane")
    maneuvers = find_maneuvers(g, route)
    turns = [m for m in maneuvers if m.kind in ("turn", "uturn")]
    assert blind["turns"] == len(turns) + sum(len(m.compound) for m in turns) and blind["turns"] >= 1
    assert blind["hazards"] == []


def test_every_key_is_always_present(demo):
    a = audit(demo, 130, 131, "walk")
    b = audit(demo, 110, 112, "wheelchair")
    assert set(a) == set(b)
    for key in ("crossings", "crossings_by_control", "crossings_by_aid", "crossings_unknown_kind",
                "major_road_crossings_without_signals", "steps", "turns", "rough_surface_m", "hazards",
                "detour_factor", "crossings_implied", "side_dependent_crossings"):
        assert key in a


def test_side_switch_on_a_centreline_is_an_implied_crossing(osm_doc, compile_xml):
    """A footway joins the street from the north, another leaves it to the south 40 m on."""
    xml = osm_doc(
        {1: (0, 60), 2: (0, 0), 3: (40, 0), 4: (40, -60), 8: (-200, 0), 9: (240, 0)},
        {
            10: ([8, 2, 3, 9], {"highway": "primary", "name": "Bundesstraße"}),
            20: ([1, 2], {"highway": "footway"}),
            21: ([3, 4], {"highway": "footway"}),
        },
    )
    router = Router(compile_xml(xml))
    walk = audit(router, 1, 4, "walk")
    assert walk["crossings"] == 0, "no crossing is mapped or found at a junction"
    assert walk["crossings_implied"] == 1 and walk["major_road_crossings_implied"] == 1
    # on the same side: nothing implied
    same = osm_doc(
        {1: (0, 60), 2: (0, 0), 3: (40, 0), 4: (40, 60), 8: (-200, 0), 9: (240, 0)},
        {
            10: ([8, 2, 3, 9], {"highway": "primary", "name": "Bundesstraße"}),
            20: ([1, 2], {"highway": "footway"}),
            21: ([3, 4], {"highway": "footway"}),
        },
    )
    assert audit(Router(compile_xml(same)), 1, 4, "walk")["crossings_implied"] == 0


def test_blind_profile_pays_for_joining_a_street(osm_doc, compile_xml):
    """With a signalised crossing 60 m away, the blind route does not slip across by joining the street."""
    xml = osm_doc(
        {1: (0, 60), 2: (0, 0), 3: (40, 0), 4: (40, -60), 8: (-200, 0), 9: (240, 0),
         5: (100, 0, {"highway": "crossing", "crossing": "traffic_signals", "traffic_signals:sound": "yes"}),
         6: (100, 60), 7: (100, -60)},
        {
            10: ([8, 2, 3, 5, 9], {"highway": "primary", "name": "Bundesstraße"}),
            20: ([1, 2], {"highway": "footway"}), 21: ([3, 4], {"highway": "footway"}),
            22: ([1, 6, 5], {"highway": "footway"}), 23: ([5, 7, 4], {"highway": "footway"}),
        },
    )
    router = Router(compile_xml(xml))
    blind = audit(router, 1, 4, "blind_cane")
    assert blind["crossings_by_control"]["signals"] == 1 and blind["crossings_implied"] == 0


# ---------------------------------------------------------------------------
# alternatives
# ---------------------------------------------------------------------------

def test_alternatives_shortest_and_different(demo):
    g = demo.graph
    best, alts = demo.plan_with_alternatives(at(g, 130), at(g, 131), "blind_cane", alternatives=3)
    assert alts and alts[0].label == "shortest"
    shortest = alts[0].route
    assert shortest.distance_m == pytest.approx(100.0, abs=0.5) and shortest.audit["detour_factor"] == 1.0
    assert shortest.profile == "blind_cane" and shortest.cost > best.cost
    assert best.audit["detour_factor"] == pytest.approx(1.301, abs=0.002)
    for alt in alts[1:]:
        assert alt.label == "different" and alt.route.cost <= ALT_MAX_COST * best.cost
    # walk: no "shortest" alternative (the best is the shortest); others differ by >= 30 %
    best, alts = demo.plan_with_alternatives(at(g, 130), at(g, 131), "walk", alternatives=2)
    assert all(a.label == "different" for a in alts)
    edges = {int(g.state_edge[leg.state]) for leg in best.legs}
    for alt in alts:
        shared = sum(leg.length_m for leg in alt.route.legs if int(g.state_edge[leg.state]) in edges)
        assert shared <= 0.7 * alt.route.distance_m + 1e-6
    assert demo.plan_with_alternatives(at(g, 130), at(g, 131), "walk")[1] == []


def test_route_response_carries_audit_and_alternatives():
    from lotse import create_app

    client = create_app().test_client()
    body = {"from": {"lat": 49.4433597, "lon": 7.7593084}, "to": {"lat": 49.4424604, "lon": 7.7593084},
            "profile": "blind_cane", "alternatives": 2, "lang": "en"}
    response = client.post("/api/v1/routes", json=body)
    assert response.status_code == 200
    data = response.get_json()
    audit_ = data["route"]["properties"]["audit"]
    assert audit_["crossings_by_control"]["signals"] == 1 and audit_["detour_factor"] == pytest.approx(1.301, abs=0.01)
    assert 1 <= len(data["alternatives"]) <= 2
    first = data["alternatives"][0]
    assert first["label"] == "shortest"
    assert first["route"]["type"] == "Feature" and first["steps"]
    alt_audit = first["route"]["properties"]["audit"]
    assert alt_audit["major_road_crossings_without_signals"] == 1 and alt_audit["detour_factor"] == 1.0
    none = client.post("/api/v1/routes", json={**body, "alternatives": 0}).get_json()
    assert none["alternatives"] == []


# ---------------------------------------------------------------------------
# the summary says what the audit counts
# ---------------------------------------------------------------------------

def test_a_junction_where_nothing_is_mapped_is_not_an_unmarked_crossing(demo):
    from routing.audit import summary_of
    from voice import summarise

    g = demo.graph
    route = demo.plan(at(g, 130), at(g, 131), "walk")
    ms = find_maneuvers(g, route)
    assert audit_route(g, route, ms)["crossings_by_control"]["unmapped"] == 1
    s = summary_of(route, ms, g)
    assert (s.unmarked_crossings, s.unmapped_crossings, s.unknown_crossings) == (0, 1, 0)
    assert "Eine Überquerung ohne verzeichneten Überweg." in summarise(s, "de")
    assert "unmarked" not in summarise(s, "en")


def test_the_audit_carries_the_side_dependent_count_the_summary_speaks(demo, osm_doc, compile_xml):
    from routing.audit import summary_of

    g = demo.graph
    route = demo.plan((49.44301, 7.7570), (49.4430899, 7.7608299), "blind_cane")
    ms = find_maneuvers(g, route)
    a = audit_route(g, route, ms)
    assert a["side_dependent_crossings"] == summary_of(route, ms, g).side_dependent_crossings == 2
    xml = osm_doc(  # a side switch on a centreline: implied, and among the side-dependent ones
        {1: (0, 60), 2: (0, 0), 3: (40, 0), 4: (40, -60), 8: (-200, 0), 9: (240, 0)},
        {10: ([8, 2, 3, 9], {"highway": "primary", "name": "Bundesstraße"}),
         20: ([1, 2], {"highway": "footway"}), 21: ([3, 4], {"highway": "footway"})})
    router = Router(compile_xml(xml))
    route = router.plan(at(router.graph, 1), at(router.graph, 4), "walk")
    ms = find_maneuvers(router.graph, route)
    a = audit_route(router.graph, route, ms)
    assert a["crossings_implied"] == 1
    assert a["side_dependent_crossings"] == summary_of(route, ms, router.graph).side_dependent_crossings >= 1


def test_a_handrail_of_unknown_side_is_counted_and_said_as_a_handrail(osm_doc, compile_xml):
    from routing.audit import summary_of
    from voice import render, summarise

    xml = osm_doc({1: (0, 0), 2: (30, 0), 3: (40, 0), 4: (70, 0)}, {
        10: ([1, 2], {"highway": "footway"}),
        11: ([2, 3], {"highway": "steps", "step_count": "24", "incline": "up", "handrail": "yes"}),
        12: ([3, 4], {"highway": "footway"})})
    router = Router(compile_xml(xml))
    route = router.plan(at(router.graph, 1), at(router.graph, 4), "blind_cane")
    ms = find_maneuvers(router.graph, route)
    (flight,) = [m for m in ms if m.kind == "steps"]
    assert flight.steps.handrail == "yes"
    a = audit_route(router.graph, route, ms)["steps"]
    assert (a["with_handrail"], a["handrail_unknown"]) == (1, 0)
    summary = summarise(summary_of(route, ms, router.graph), "de")
    main = render(ms, "de")[ms.index(flight)].main
    assert "Eine Treppe mit 24 Stufen und Handlauf." in summary and "Handlauf unbekannt" not in summary
    assert "mit Handlauf" in main and "Seite des Handlaufs unbekannt" in main
    assert "Handlauf unbekannt" not in main.replace("Seite des Handlaufs unbekannt", "")
