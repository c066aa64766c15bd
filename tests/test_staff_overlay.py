"""routing.obstacles on the demo map: covered edges, the cost overlay, validity windows, hazard warnings."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from lotse.graphs import demo_graph_path
from routing.graph import CompiledGraph
from routing.maneuvers import find_maneuvers
from routing.obstacles import (Obstacle, ObstacleError, ObstacleIndex, ObstacleOverlay,
                               active, annotate_hazards, next_boundary, overlay_version)
from routing.router import NoRouteError, Router

SE = (49.4433597, 7.7593084)
NE = (49.4424604, 7.7593084)
M_LON, M_LAT = 1 / 72299.51, 1 / 111195.08
UNMARKED_102 = [7.7593084, 49.4430000]
EAST = lambda x: (49.4430000, 7.7600000 + x * M_LON)  # noqa: E731 - a point on Mainzer Straße x m east of node 100
HAZARD_S = 30.0  # the price of passing a hazard in these tests (a profile's obstacle_hazard)
T0 = datetime(2025, 5, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def router(tmp_path_factory):
    return Router(CompiledGraph.load(demo_graph_path(tmp_path_factory.mktemp("demo"))))


@pytest.fixture(scope="module")
def index(router):
    return ObstacleIndex(router.graph, router.snapper)


def obstacle(oid, lonlat, severity="impassable", radius=3.0, **kw) -> Obstacle:
    return Obstacle(id=oid, geometry={"type": "Point", "coordinates": list(lonlat)}, kind=kw.pop("kind", "construction"),
                    severity=severity, description=kw.pop("description", "Baustelle"), radius_m=radius,
                    updated_at=kw.pop("updated_at", "r1"), **kw)


def overlay(index, *obstacles) -> ObstacleOverlay:
    return ObstacleOverlay([index.place(o) for o in obstacles])


def osm_ways(router, route) -> list[int]:
    g = router.graph
    return [int(g.edge_osm[g.state_edge[leg.state]]) for leg in route.legs]


def test_covered_edges_and_their_parts(index, router):
    hits = index.affected({"type": "Point", "coordinates": UNMARKED_102}, 3.0)
    ways = {int(router.graph.edge_osm[h.edge]) for h in hits}
    assert ways == {2, 35, 36}
    for h in hits:
        assert 0.0 <= h.start <= h.end <= 1.0
        length = float(router.graph.edge_len[h.edge])
        assert (h.end - h.start) * length <= 3.0 + 0.1  # a 3 m circle covers at most 3 m from the crossing


def test_geometry_errors_have_reasons(index):
    with pytest.raises(ObstacleError) as err:
        index.affected({"type": "Point", "coordinates": [7.79, 49.46]}, 3.0)
    assert err.value.reason == "off-network" and err.value.extra["distance_m"] > 15
    bowtie = [[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]
    ring = [[UNMARKED_102[0] + x * M_LON, UNMARKED_102[1] + y * M_LAT] for x, y in bowtie]
    with pytest.raises(ObstacleError) as err:
        index.affected({"type": "Polygon", "coordinates": [ring]})
    assert err.value.reason == "invalid-geometry" and "Self-intersection" in str(err.value)
    with pytest.raises(ObstacleError) as err:
        index.affected({"type": "Point", "coordinates": UNMARKED_102}, 80.0)
    assert err.value.reason == "too-large"


def test_overlay_apply_does_not_modify_its_input(index, router):
    g = router.graph
    from routing.profiles import resolve

    base = router.costs.get(resolve("walk")).state
    blocked = obstacle(1, UNMARKED_102)
    hazard = obstacle(2, (EAST(60)[1], EAST(60)[0]), severity="hazard", radius=2.0)
    ov = overlay(index, blocked, hazard)
    before = base.copy()
    cost = ov.apply(g, base, HAZARD_S)
    assert np.array_equal(base, before)
    for e in ov.edges("impassable"):
        assert all(np.isinf(cost[s]) for s in g.edge_state[e] if s >= 0)
    for e in ov.edges("hazard"):  # a 2 m circle in the middle of an edge: 4 m covered of a 4 m extent
        for s in g.edge_state[e]:
            if s >= 0:
                assert cost[s] == pytest.approx(base[s] + HAZARD_S, abs=0.1)
    # at a junction the cost is shared: a walker passes two of the four covered edge ends
    junction = overlay(index, obstacle(9, (7.7600000, 49.4430000), severity="hazard", radius=2.0))
    extra = junction.apply(g, base, HAZARD_S) - base
    assert 0 < extra[np.isfinite(extra)].max() <= HAZARD_S / 2 + 0.1
    untouched = np.ones(len(base), bool)
    for e in np.concatenate([ov.edges("impassable"), ov.edges("hazard")]):
        untouched[[s for s in g.edge_state[e] if s >= 0]] = False
    assert np.array_equal(cost[untouched], base[untouched])


def test_a_hazard_costs_what_the_profile_says(index, router):
    """Passing a hazard costs a cane user 120 s and a sighted walker nothing (they see it); options change it."""
    from routing.profiles import resolve

    g = router.graph
    ov = overlay(index, obstacle(2, (EAST(60)[1], EAST(60)[0]), severity="hazard", radius=2.0))
    hazard_states = [s for e in ov.edges("hazard") for s in g.edge_state[e] if s >= 0]
    assert hazard_states
    for profile, extra in ((resolve("walk"), 0.0), (resolve("blind_cane"), 120.0),
                           (resolve("blind_cane", {"obstacle_hazard": 600}), 600.0)):
        plain = router.costs.get(profile).state
        with_hazard = router.costs.get(profile, ov).state
        assert with_hazard[hazard_states] == pytest.approx(plain[hazard_states] + extra, abs=0.1)


def test_impassable_overlay_reroutes_and_hazard_is_passed_with_a_warning(index, router):
    assert 35 in osm_ways(router, router.plan(SE, NE))
    detour = router.plan(SE, NE, overlay=overlay(index, obstacle(1, UNMARKED_102)))
    assert 35 not in osm_ways(router, detour) and detour.distance_m == pytest.approx(130.1, abs=1.0)
    hz = overlay(index, obstacle(2, (EAST(60)[1], EAST(60)[0]), severity="hazard", radius=2.0,
                                 description="Baustelle auf dem Gehweg"))
    route = router.plan(EAST(20), EAST(100), overlay=hz)
    assert route.distance_m == pytest.approx(80.0, abs=1.0)
    on = hz.obstacles_on(router.graph, route)
    assert len(on) == 1 and on[0][0] == pytest.approx(38.0, abs=1.5)  # the 2 m circle starts 2 m before x=60
    maneuvers = hz.annotate(router.graph, route, find_maneuvers(router.graph, route))
    kinds = [m.kind for m in maneuvers]
    assert kinds == ["depart", "hazard", "arrive"]
    warn = maneuvers[1]
    assert warn.hazards[0].distance_m == pytest.approx(20.0, abs=0.2)
    assert sum(m.distance_m for m in maneuvers) == pytest.approx(route.distance_m, abs=0.3)


def test_a_point_whose_ways_are_all_blocked_cannot_be_reached(index, router):
    from routing.snap import SnapError

    strict = Router(router.graph, max_snap_m=10.0)
    goal = (49.4430000 - 30 * M_LAT, 7.7593084)  # middle of footway 36
    ov = overlay(index, obstacle(1, (goal[1], goal[0]), radius=4.0))
    strict.plan(SE, goal)  # fine without the obstacle
    with pytest.raises((SnapError, NoRouteError)):
        strict.plan(SE, goal, overlay=ov)


def test_hazard_near_the_start_is_added_to_the_first_maneuver(router):
    route = router.plan(EAST(20), EAST(100))
    maneuvers = find_maneuvers(router.graph, route)
    out = annotate_hazards(route, maneuvers, [(5.0, obstacle(3, (0, 0), severity="hazard"))])
    assert [m.kind for m in out] == ["depart", "arrive"]
    assert out[0].hazards[0].distance_m == pytest.approx(5.0)


def test_validity_window_and_next_boundary():
    a = obstacle(1, UNMARKED_102, valid_from=T0, valid_until=T0 + timedelta(hours=2))
    b = obstacle(2, UNMARKED_102, valid_from=T0 + timedelta(hours=1))
    c = obstacle(3, UNMARKED_102)  # no window: always
    assert [o.id for o in active([a, b, c], T0 - timedelta(seconds=1))] == [3]
    assert [o.id for o in active([a, b, c], T0)] == [1, 3]
    assert [o.id for o in active([a, b, c], T0 + timedelta(hours=1, minutes=30))] == [1, 2, 3]
    assert [o.id for o in active([a, b, c], T0 + timedelta(hours=2))] == [2, 3]  # valid_until is exclusive
    assert next_boundary([a, b, c], T0 - timedelta(days=1)) == T0
    assert next_boundary([a, b, c], T0) == T0 + timedelta(hours=1)
    assert next_boundary([a, b, c], T0 + timedelta(hours=2)) is None


def test_version_changes_with_ids_and_updates():
    a1 = obstacle(1, UNMARKED_102, updated_at="r1")
    a2 = obstacle(1, UNMARKED_102, updated_at="r2")
    b = obstacle(2, UNMARKED_102)
    assert overlay_version([a1, b]) == overlay_version([b, a1])
    assert overlay_version([a1, b]) != overlay_version([a2, b]) != overlay_version([a1])
