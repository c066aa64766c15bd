"""Find the maneuvers of a route: what the walker does, and where.

Works on the legs of a :class:`routing.route.Route` and the compiled graph and
returns plain :class:`routing.maneuver.Maneuver` objects for ``voice``.

Rules, each chosen for a listener who cannot see the map:

* a change of heading under :data:`STRAIGHT_DEG` is no turn; wiggles from
  digitising (a short leg between two opposite bends) are merged first;
* two turns closer than :data:`COMPOUND_M` become one compound instruction;
* every crossing of a road is its own maneuver with what is known about it;
* a new street name without a turn is said ("name change") when both names
  are known, so the walker can check where they are;
* arrival says on which side the requested point lies;
* a route with nothing to walk (start and goal within a step or two) is one
  arrival;
* a place is announced once: same-name stops within
  :data:`routing.places.GROUP_RADIUS_M` (a stop's platforms) are one place,
  said where the route first meets it, or at the goal when it is there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import numpy as np

from routing.geo import bearing_deg, clock_from_angle, haversine_m, turn_angle_deg
from routing.graph import NO_CROSSING, CompiledGraph, decode
from routing import tags as T
from routing.geo import LocalFrame
from routing.maneuver import Crossing, Landmark, Maneuver, Steps
from routing.placenames import normalise
from routing.places import GROUP_RADIUS_M
from routing.route import Route

STRAIGHT_DEG = 25.0  # below this a change of heading is not a turn
SLIGHT_DEG = 50.0
SHARP_DEG = 135.0
UTURN_DEG = 170.0
WIGGLE_M = 6.0  # a leg shorter than this between two bends is digitising noise
COMPOUND_M = 15.0  # two turns this close become "links und gleich wieder rechts"
ARRIVE_AHEAD_M = 4.0
LANDMARK_M = 20.0  # a stop this close to the route is passed; this close to the goal, it is there
LANDMARK_KINDS = ("bus_stop", "stop", "station")
BEACON_AT_M = 6.0  # a beacon farther from the route (e.g. across the road) is not where the walker is
SHADOW_M = 10.0  # a stop this close to an extra landmark (a beacon at it) is said once, by the beacon's label
CROSSING_BEACON_M = 15.0  # a crossing's beacon this close before it is not said (its instruction follows)
REFERENCE_MIN_M, REFERENCE_MAX_M = 8.0, 40.0  # a depart reference is close, but not where one stands
HERE_M = 5.0  # a landmark this close after a maneuver is said at its point ("Hier ist ...")
ALREADY_THERE_M = 2.0  # a route shorter than this has nothing to walk ...
ALREADY_THERE_GAP_M = 8.0  # ... when the points asked for are this close (the live guidance's arrival radius)

CARDINALS = ("n", "ne", "e", "se", "s", "sw", "w", "nw")


def cardinal(bearing: float) -> str:
    """Eight-point compass direction of a bearing."""
    return CARDINALS[int(((bearing % 360) + 22.5) // 45) % 8]


def modifier(angle: float) -> str:
    """Turn modifier of a signed angle (positive = right)."""
    a = abs(angle)
    if a < STRAIGHT_DEG:
        return "straight"
    side = "right" if angle > 0 else "left"
    if a >= UTURN_DEG:
        return "uturn"
    if a < SLIGHT_DEG:
        return f"slight_{side}"
    if a >= SHARP_DEG:
        return f"sharp_{side}"
    return side


@dataclass
class _Seg:
    """One leg with what guidance needs to know about it."""

    state: int
    edge: int
    length: float
    start_m: float  # along the route
    name: str | None
    kind: str
    bearing_in: float
    bearing_out: float
    transition: int | None
    location: tuple[float, float]  # (lon, lat) where the leg starts


def _segments(graph: CompiledGraph, route: Route) -> list[_Seg]:
    segs = []
    walked = 0.0
    for leg in route.legs:
        s = leg.state
        e = int(graph.state_edge[s])
        if leg.transition is not None:
            node = int(graph.trans_node[leg.transition])
            loc = (float(graph.node_lon[node]), float(graph.node_lat[node]))
        else:
            loc = (route.snapped_origin[1], route.snapped_origin[0])
        segs.append(_Seg(
            state=s, edge=e, length=leg.length_m, start_m=walked,
            name=graph.string(int(graph.edge_name[e])), kind=decode("way_kind", graph.edge_kind[e]),
            bearing_in=float(graph.state_bearing_start[s]), bearing_out=float(graph.state_bearing_end[s]),
            transition=leg.transition, location=loc,
        ))
        walked += leg.length_m
    return segs


def _side_crossing(graph: CompiledGraph, t: int | None) -> Crossing | None:
    """What a move would cross from the other side of the street walked (see routing.compile)."""
    if t is None or graph.trans_side_control[t] == NO_CROSSING:
        return None
    return _crossing(graph, t, None, cols="trans_side_")


def _crossing(graph: CompiledGraph, t: int | None, edge: int | None, cols: str = "trans_cross_") -> Crossing | None:
    """Crossing described by a transition (junction, crossing node) or a standalone crossing edge."""
    if t is not None and graph.arrays[cols + "control"][t] != NO_CROSSING:
        idx = t
        street = graph.string(int(graph.arrays[cols + "name"][t]))
        road_edge = int(graph.arrays[cols + "edge"][t])
        mapped = bool(graph.arrays[cols + "mapped"][t])
    elif edge is not None and graph.edge_cross_standalone[edge] and graph.edge_cross_control[edge] != NO_CROSSING:
        cols = "edge_cross_"
        idx = edge
        street, road_edge, mapped = None, -1, True
    else:
        return None
    a = graph.arrays
    road_class = decode("road_class", graph.edge_road_class[road_edge]) if road_edge >= 0 and graph.edge_road_class[road_edge] >= 0 else None
    return Crossing(
        street=street,
        road_class=road_class,
        control=decode("control", a[cols + "control"][idx]),
        sound=decode("tristate", a[cols + "sound"][idx]),
        vibration=decode("tristate", a[cols + "vibration"][idx]),
        tactile_paving=decode("tactile", a[cols + "tactile_paving"][idx]),
        island=decode("tristate", a[cols + "island"][idx]),
        kerb=decode("kerb", a[cols + "kerb"][idx]),
        button=decode("tristate", a[cols + "button"][idx]),
        mapped=mapped,
    )


def _walks_crossed_road(graph: CompiledGraph, t: int | None, road: _Seg) -> bool:
    """Whether the road crossed at transition ``t`` is the way ``road`` walked next to it.

    Between a crossing way and the street's centreline at its crossing node,
    :mod:`routing.compile` records the street as crossed (the walker reaches or
    leaves its side there). When the route goes on along that very street, the
    walker has only stepped from the kerb onto it (or off it): nothing was crossed.
    """
    if t is None or graph.trans_cross_control[t] == NO_CROSSING:
        return False
    if int(graph.trans_cross_edge[t]) == road.edge:
        return True
    name = graph.string(int(graph.trans_cross_name[t]))
    return bool(name) and name == road.name and graph.edge_road_class[road.edge] >= 0


def _crossing_ways(graph: CompiledGraph, segs: list[_Seg]
                   ) -> tuple[dict[int, Crossing], set[int], dict[int, tuple[int, int]]]:
    """Crossings mapped as their own ways, to be said where the walker steps onto them.

    A footway=crossing way usually meets the road at a crossing node in its
    middle; the crossing's facts live on that node. The instruction belongs at
    the kerb, where the way starts, not in the middle of the road. Returns the
    segment index of each kerb with its crossing (kerb facts from kerb nodes on
    the way filled in when the crossing does not say), and the indices of the
    segments inside such a crossing, which say nothing more.

    Half a crossing way between the kerb and the crossing node, with the route
    going on along the crossed street, crosses nothing: from the kerb the
    walker steps onto the street (a street without sidewalk: its roadway).
    Such a run is one move from the way before it to the street, said at the
    kerb; the rest of the run and the street's first leg say nothing. The
    third value maps each index where a move is said without a crossing (such
    a move, or the move off a crossing way whose crossing was said at its
    kerb) to the indices of the ways before and after it, and the street's
    first leg to ``(-1, -1)``: nothing to say there.

    Known limit: coming along the street and leaving it by half a crossing
    way, the street is crossed only from its other side, which on a
    centreline is not known. That stays a crossing, said at the crossing
    node with all its facts (the kerb reached, the summary's count), as
    :mod:`routing.compile` counts it.
    """
    at_kerb: dict[int, Crossing] = {}
    inside: set[int] = set()
    onto: dict[int, tuple[int, int]] = {}
    i = 0
    while i < len(segs):
        if segs[i].kind != "crossing" or (i > 0 and segs[i - 1].kind == "crossing"):
            i += 1
            continue
        j = i
        while j + 1 < len(segs) and segs[j + 1].kind == "crossing":
            j += 1
        along_after = j + 1 < len(segs) and _walks_crossed_road(graph, segs[j + 1].transition, segs[j + 1])
        found, found_at = None, -1
        for k in range(i, min(j + 2, len(segs))):
            if k == j + 1 and along_after:
                continue  # the street walked along is not crossed here
            if k == 0:
                continue  # the route starts here: no move onto the crossing way
            # a run that meets the street it walks along is no crossing way without a road
            # (an edge of it between kerb nodes is not a crossing of its own)
            edge = segs[k].edge if k <= j and not along_after else None
            found = _crossing(graph, segs[k].transition, edge)
            if found is not None:
                found_at = k
                break
        if found is not None and i > 0:
            if found.kerb == "unknown":
                for k in range(i, j + 1):
                    for node in (int(graph.state_from[segs[k].state]), int(graph.state_to[segs[k].state])):
                        kerb = decode("kerb", graph.node_kerb[node])
                        if kerb != "unknown":
                            found.kerb = kerb
                            h = float(graph.node_kerb_height[node])
                            found.kerb_height_m = None if math.isnan(h) else h
                            break
                    if found.kerb != "unknown":
                        break
            at_kerb[i] = found
            inside.update(range(i + 1, j + 1))
            if found_at == j + 1:  # its crossing is the one said at the kerb: said once
                onto[j + 1] = (j, j + 1)
        elif along_after and i > 0:  # from the kerb onto the street walked along
            onto[i] = (i - 1, j + 1)
            inside.update(range(i + 1, j + 1))
            onto[j + 1] = (-1, -1)  # said at the kerb
        elif along_after:  # the route starts on the crossing way: the move onto the street crosses nothing
            onto[j + 1] = (j, j + 1)
        i = j + 1
    return at_kerb, inside, onto


def _steps(graph: CompiledGraph, seg: _Seg) -> Steps:
    e = seg.edge
    fwd = bool(graph.state_fwd[seg.state])
    count = int(graph.edge_step_count[e])
    incline = decode("incline", graph.edge_incline[e])
    if not fwd and incline != "unknown":
        incline = "down" if incline == "up" else "up"
    handrail = decode("handrail", graph.edge_handrail[e])
    if not fwd:
        handrail = T.mirror_handrail(handrail)
    return Steps(count=count if count >= 0 else None, direction=incline, handrail=handrail,
                 ramp=decode("tristate", graph.edge_ramp[e]))


def _angle(prev: _Seg, seg: _Seg) -> float:
    return turn_angle_deg(prev.bearing_out, seg.bearing_in)


def find_maneuvers(graph: CompiledGraph, route: Route,
                   extra_landmarks: Sequence[Mapping[str, Any]] = ()) -> list[Maneuver]:
    """The maneuvers of ``route`` in order, from depart to arrive.

    ``extra_landmarks`` are points not in the graph (beacons registered after
    the build), as dicts with ``lat``, ``lon``, ``kind``, ``name`` and
    optionally ``label_en`` and ``id``; they are attached like stops.
    """
    if already_there(route):
        return [_already_there(graph, route)]
    segs = _segments(graph, route)
    if not segs:
        return []
    out: list[Maneuver] = []
    at: list[float] = []  # position of each maneuver along the route (metres)

    def emit(m: Maneuver, position: float) -> None:
        out.append(m)
        at.append(position)

    first = segs[0]
    emit(Maneuver(
        kind="depart", location=first.location, distance_m=0.0, bearing=round(first.bearing_in, 1),
        street=first.name, way_kind=first.kind, cardinal=cardinal(first.bearing_in),
        steps=_steps(graph, first) if first.kind == "steps" else None,
    ), 0.0)
    pending_angle = 0.0  # heading change carried over a wiggle
    at_kerb, inside, onto = _crossing_ways(graph, segs)
    for i in range(1, len(segs)):
        prev, seg = segs[i - 1], segs[i]
        angle = _angle(prev, seg) + pending_angle
        angle = (angle + 180.0) % 360.0 - 180.0
        pending_angle = 0.0
        nxt = segs[i + 1] if i + 1 < len(segs) else None
        if i in inside:
            continue  # on a crossing way already announced at its kerb: nothing to say mid-road
        if i in onto:  # a move from one way to another that crosses nothing, said here
            a, b = onto[i]
            if b < 0:
                continue  # said before, at the kerb
            prev = segs[a]
            seg = replace(segs[b], location=seg.location, start_m=seg.start_m, transition=None)
            angle = (_angle(prev, seg) + angle - _angle(segs[i - 1], segs[i]) + 180.0) % 360.0 - 180.0
        crossing = at_kerb.get(i) or (None if i - 1 in inside or i in at_kerb or i in onto else
                                      _crossing(graph, seg.transition, seg.edge))
        same_way = seg.name == prev.name and seg.kind == prev.kind
        # A very short leg between two bends: carry the bend to the next joint.
        if (crossing is None and nxt is not None and seg.length < WIGGLE_M and seg.kind not in ("steps", "elevator")
                and i not in onto and _crossing(graph, nxt.transition, nxt.edge) is None and same_way):
            pending_angle = angle
            continue
        base = dict(location=seg.location, distance_m=0.0, bearing=round(seg.bearing_in, 1),
                    turn_angle=round(angle, 1), clock=clock_from_angle(angle), street=seg.name,
                    street_before=prev.name, way_kind=seg.kind, modifier=modifier(angle))
        if crossing is not None:
            emit(Maneuver(kind="cross", crossing=crossing, **base), seg.start_m)
            continue
        if seg.kind == "steps" and prev.kind != "steps":
            emit(Maneuver(kind="steps", steps=_steps(graph, seg), **base), seg.start_m)
            continue
        if seg.kind == "elevator" or graph.node_elevator[int(graph.state_from[seg.state])]:
            if prev.kind != "elevator":
                emit(Maneuver(kind="elevator", **base), seg.start_m)
                continue
        # A square and the street along its edge often share a name ("Marktplatz"):
        # stepping from one onto the other is neither entering nor leaving it.
        same_name = bool(seg.name) and seg.name == prev.name
        if seg.kind == "pedestrian_area" and prev.kind != "pedestrian_area" and not same_name:
            emit(Maneuver(kind="enter_area", **base), seg.start_m)
            continue
        if prev.kind == "pedestrian_area" and seg.kind != "pedestrian_area" and not same_name:
            emit(Maneuver(kind="leave_area", **base), seg.start_m)
            continue
        mod = modifier(angle)
        side = _side_crossing(graph, seg.transition)
        if mod == "uturn":
            emit(Maneuver(kind="uturn", **base), seg.start_m)
        elif mod != "straight":
            emit(Maneuver(kind="turn", side_crossing=side, **base), seg.start_m)
        elif seg.name and prev.name and seg.name != prev.name:
            emit(Maneuver(kind="name_change", **base), seg.start_m)
        elif seg.kind != prev.kind and not (seg.name and seg.name == prev.name):
            emit(Maneuver(kind="continue", **base), seg.start_m)
    last = segs[-1]
    emit(Maneuver(
        kind="arrive", location=(route.snapped_destination[1], route.snapped_destination[0]),
        distance_m=0.0, bearing=round(last.bearing_out, 1),
        **({"street": route.arrived_area or None, "way_kind": "pedestrian_area", "side": "area"}
           if route.arrived_area is not None else
           {"street": last.name, "way_kind": last.kind, "side": _arrival_side(route, last.bearing_out)}),
    ), route.distance_m)
    _merge_compounds(out, at)
    shadowed = _attach_landmarks(graph, route, out, at, extra_landmarks)
    here = {normalise(lm.label) for lm in out[0].landmarks if (lm.distance_m or 0.0) <= HERE_M}
    here |= {name for name, along in shadowed.items() if along <= HERE_M}
    for key, value in _depart_reference(graph, route, first.bearing_in, exclude=here).items():
        setattr(out[0], key, value)
    for i, m in enumerate(out):
        m.distance_m = round(at[i + 1] - at[i], 1) if i + 1 < len(out) else 0.0
        if m.compound:  # each part runs to what follows it: the first to the second turn, ...
            gap = m.compound[0].distance_m
            m.compound[0].distance_m = round(max(m.distance_m - gap, 0.0), 1)
            m.distance_m = gap
    return out


def already_there(route: Route) -> bool:
    """Nothing to walk: the route is shorter than :data:`ALREADY_THERE_M` and the points asked for are close.

    (Two points far apart that snap onto the same spot of the network are not "already there".)
    """
    if route.distance_m >= ALREADY_THERE_M:
        return False
    (alat, alon), (blat, blon) = route.origin, route.destination
    return float(haversine_m(alat, alon, blat, blon)) < ALREADY_THERE_GAP_M


def _already_there(graph: CompiledGraph, route: Route) -> Maneuver:
    """The one maneuver of a route with nothing to walk: arrival, where the walker stands."""
    segs = _segments(graph, route)
    last = segs[-1] if segs else None
    return Maneuver(kind="arrive", location=(route.snapped_destination[1], route.snapped_destination[0]),
                    distance_m=0.0, bearing=round(last.bearing_out, 1) if last else 0.0,
                    street=last.name if last else None, way_kind=last.kind if last else None, side="ahead")


def _depart_reference(graph: CompiledGraph, route: Route, heading: float, exclude: set[str] = frozenset()) -> dict:
    """A recognisable place near the start, and the walking direction relative to facing it.

    "Mit Blick zur Bushaltestelle Rathaus ist das auf 3 Uhr" helps a walker who
    knows where they stand but not where north is. Only places between
    :data:`REFERENCE_MIN_M` and :data:`REFERENCE_MAX_M` away serve: standing on
    a place gives no direction, and a far one cannot be pointed at. Measured
    from where the route starts, as the sides of landmarks are; a place whose
    name is in ``exclude`` (normalised: a place said to be here) is where the
    walker stands, whichever of its platforms is nearest.
    """
    lat, lon = route.snapped_origin
    places, lats, lons = _landmark_places(graph)
    if not places:
        return {}
    d = haversine_m(lat, lon, lats, lons)
    near = np.flatnonzero((d >= REFERENCE_MIN_M) & (d <= REFERENCE_MAX_M))
    near = [int(i) for i in near[np.argsort(d[near])] if normalise(places[int(i)]["name"]) not in exclude]
    if not near:
        return {}
    place = places[near[0]]
    angle = turn_angle_deg(bearing_deg(lat, lon, place["lat"], place["lon"]), heading)
    return {"reference": place["name"], "reference_kind": place.get("kind"), "turn_angle": round(angle, 1),
            "clock": clock_from_angle(angle), "modifier": modifier(angle)}


def _arrival_side(route: Route, heading: float) -> str:
    """Where the requested destination lies relative to the walker at the snapped point."""
    (slat, slon), (dlat, dlon) = route.snapped_destination, route.destination
    if float(haversine_m(slat, slon, dlat, dlon)) < ARRIVE_AHEAD_M:
        return "ahead"
    rel = turn_angle_deg(heading, bearing_deg(slat, slon, dlat, dlon))
    if abs(rel) < 30:
        return "ahead"
    if abs(rel) > 150:
        return "unknown"  # behind: the walker passed it; do not guess a side
    return "right" if rel > 0 else "left"


def _merge_compounds(out: list[Maneuver], at: list[float]) -> None:
    """Fold a turn that follows another turn within COMPOUND_M into it."""
    i = 1
    while i < len(out) - 2:
        a, b = out[i], out[i + 1]
        if a.kind == "turn" and b.kind == "turn" and at[i + 1] - at[i] < COMPOUND_M and not a.compound:
            b.distance_m = round(at[i + 1] - at[i], 1)
            a.compound.append(b)
            a.street = b.street
            del out[i + 1]
            del at[i + 1]
            continue
        i += 1


def _landmark_places(graph: CompiledGraph) -> tuple[list[dict], np.ndarray, np.ndarray]:
    """Places a walker recognises on the way (stops, stations) and their coordinates, cached on the graph."""
    cached = graph.__dict__.get("_landmark_places")
    if cached is None:
        places = [p for p in graph.meta.get("places", []) if p.get("kind") in LANDMARK_KINDS]
        cached = (places, np.array([p["lat"] for p in places], dtype=float),
                  np.array([p["lon"] for p in places], dtype=float))
        graph.__dict__["_landmark_places"] = cached
    return cached


def _attach_landmarks(graph: CompiledGraph, route: Route, out: list[Maneuver], at: list[float],
                      extra: Sequence[Mapping[str, Any]] = ()) -> dict[str, float]:
    """Add stops and ``extra`` points near the route to the maneuver before them, with their side.

    Those at the goal go to arrive, and so does an ``extra`` point marked
    ``"goal": True`` (the place the walker asked for) wherever it lies. With
    a point marked ``"start": True`` (the beacon the route starts from) it
    is said at the start wherever it lies, and other beacons at the start
    are not: the walker is at that one. Same-name places within
    :data:`routing.places.GROUP_RADIUS_M` of each other are one place (a
    stop's platforms, a stop named after the station it serves): it is said
    once, at the goal when one of them is there, else where the route first
    passes one. A place of the map with a said ``extra`` point (a beacon)
    within :data:`SHADOW_M` of one of its members is said by the beacon's
    label only (see :func:`_shadowed`). A beacon at a crossing is not said
    at the kerb (see :func:`_quiet_at_crossings`).

    Returns the normalised names of the shadowed places with where along the
    route a beacon shadowing them is first said (the start's are no direction
    reference: the walker stands at them).
    """
    import shapely

    if len(route.coords) < 2:
        return {}
    frame = LocalFrame(float(route.coords[0, 0]), float(route.coords[0, 1]))
    graph_places, glat, glon = _landmark_places(graph)
    lat_lo, lon_lo = route.coords.min(axis=0) - 0.0005  # about 55 m: more than LANDMARK_M
    lat_hi, lon_hi = route.coords.max(axis=0) + 0.0005
    inside = np.flatnonzero((glat > lat_lo) & (glat < lat_hi) & (glon > lon_lo) & (glon < lon_hi))
    n_graph = len(inside)
    places = [graph_places[i] for i in inside] + list(extra)
    if not places:
        return {}
    x, y = frame.to_xy(route.coords[:, 0], route.coords[:, 1])
    line = shapely.LineString(np.column_stack((x, y)))
    if line.length == 0:
        return {}
    px, py = frame.to_xy(np.array([p["lat"] for p in places]), np.array([p["lon"] for p in places]))
    near = np.flatnonzero(((px > min(x) - LANDMARK_M) & (px < max(x) + LANDMARK_M)
                           & (py > min(y) - LANDMARK_M) & (py < max(y) + LANDMARK_M))
                          | np.array([bool(p.get("goal") or p.get("start")) for p in places]))
    passed: list[tuple[int, float, bool]] = []  # (place, along the route, at the goal)
    for i in near:
        point = shapely.Point(px[i], py[i])
        if places[i].get("goal"):
            passed.append((int(i), line.length, True))
            continue
        if places[i].get("start"):  # asked for, so where the walker is, however far from the way it hangs
            passed.append((int(i), 0.0, False))
            continue
        reach = BEACON_AT_M if places[i].get("kind") == "beacon" else LANDMARK_M
        if line.distance(point) > reach:  # a beacon says "Sie sind an ...": only where the walker really is
            continue
        along = line.project(point)
        end_gap = float(haversine_m(places[i]["lat"], places[i]["lon"], *route.snapped_destination))
        passed.append((int(i), along, end_gap <= reach or along >= line.length - 1.0))
    shadowed = _shadowed(passed, places, n_graph, px, py)
    passed = [item for item in passed if item[0] not in shadowed]
    if any(p.get("goal") for p in places):  # the place asked for is what is there, not every beacon around it
        passed = [item for item in passed if not (item[2] and places[item[0]].get("kind") == "beacon"
                                                  and not places[item[0]].get("goal"))]
    if any(p.get("start") for p in places):  # so is the beacon started from, at the start
        passed = [item for item in passed if not (item[1] <= HERE_M and places[item[0]].get("kind") == "beacon"
                                                  and not places[item[0]].get("start") and not item[2])]
    for i, along, at_goal in _once_per_place(passed, places, px, py):
        point = shapely.Point(px[i], py[i])
        place = places[i]
        if at_goal:
            m = out[-1]
            side = _side(line, along, point)
            if side == "unknown":
                side = "ahead"  # at the goal, a point on the way is where the walker stands
            m.landmarks.append(Landmark(kind=place["kind"], label=place["name"], label_en=place.get("label_en"),
                                        side=side, distance_m=0.0, id=place.get("id", place.get("osm_id"))))
            continue
        k = max(j for j in range(len(out) - 1) if at[j] <= along)
        out[k].landmarks.append(Landmark(
            kind=place["kind"], label=place["name"], label_en=place.get("label_en"), side=_side(line, along, point),
            distance_m=round(along - at[k], 1), id=place.get("id", place.get("osm_id")),
        ))
    for m in out:
        m.landmarks.sort(key=lambda lm: lm.distance_m or 0.0)
    _quiet_at_crossings(out, at, {p.get("id"): p.get("beacon_kind") for p in extra if p.get("id")})
    first: dict[str, float] = {}  # per name the first place said: a later platform must not hide the one here
    for i, along in shadowed.items():
        name = normalise(places[i]["name"])
        first[name] = min(along, first.get(name, along))
    return first


def _quiet_at_crossings(out: list[Maneuver], at: list[float], beacon_kinds: Mapping[str, str | None]) -> None:
    """Keep the crossing instruction at the kerb short: beacons there are not said.

    At the kerb the walker hears the crossing ("Überqueren Sie jetzt die
    Straße Schießtäle am Zebrastreifen ..."). A beacon said with it (within
    :data:`HERE_M` of the kerb, "Sie sind am Zebrastreifen Schießtäle,
    Nordseite") only adds words, and on a short crossing the far side's
    beacon would be said at the near kerb, untruly. A beacon of kind
    ``crossing`` within :data:`CROSSING_BEACON_M` before a crossing announces
    what its instruction says a moment later. Such beacons are left out of
    the maneuvers (they still position the walker); a beacon farther across
    is said there, confirming the crossing.
    """
    crossings = [at[k] for k, m in enumerate(out) if m.kind == "cross"]
    if not crossings:
        return

    def quiet(k: int, lm: Landmark) -> bool:
        if lm.kind != "beacon" or lm.distance_m is None:
            return False
        along = at[k] + lm.distance_m
        at_kerb = any(-0.5 <= along - c <= HERE_M for c in crossings)  # said with the crossing's main text
        before = any(0.0 <= c - along <= CROSSING_BEACON_M for c in crossings)
        return at_kerb or (before and beacon_kinds.get(lm.id) == "crossing")

    for k, m in enumerate(out):
        if m.kind != "arrive":
            m.landmarks = [lm for lm in m.landmarks if not quiet(k, lm)]


def _shadowed(passed: list[tuple[int, float, bool]], places: list[dict], n_graph: int,
              px: np.ndarray, py: np.ndarray) -> dict[int, float]:
    """Places of the map (indices below ``n_graph``) said by a beacon's label instead, with where.

    A beacon mounted at a stop names it more precisely ("Bushaltestelle ZOB,
    Steig 3" rather than "Herrenberg ZOB"); saying both is noise. A place is
    one place with all its members (same name within
    :data:`routing.places.GROUP_RADIUS_M`, chained): one platform within
    :data:`SHADOW_M` of a beacon said on the route silences the others too.
    Only beacons said on this route shadow: one across the road, not said,
    leaves the stop to be said.
    """
    said = [(i, along) for i, along, _ in passed if i >= n_graph]
    if not said or n_graph == 0:
        return {}
    out: dict[int, float] = {}
    for g in range(n_graph):
        near = [along for i, along in said if math.hypot(px[g] - px[i], py[g] - py[i]) <= SHADOW_M]
        if near:
            out[g] = min(near)
    grew = bool(out)
    while grew:  # the other members of a shadowed place
        grew = False
        for g in range(n_graph):
            if g in out:
                continue
            name = normalise(places[g]["name"])
            for s, along in list(out.items()):
                if (normalise(places[s]["name"]) == name
                        and math.hypot(px[g] - px[s], py[g] - py[s]) <= GROUP_RADIUS_M):
                    out[g] = along
                    grew = True
                    break
    return out


def _once_per_place(passed: list[tuple[int, float, bool]], places: list[dict], px: np.ndarray,
                    py: np.ndarray) -> list[tuple[int, float, bool]]:
    """One of each group of same-name places passed (within GROUP_RADIUS_M of each other, chained).

    The one at the goal when there is one (the nearest to the end), else the first along the route.
    """
    by_name: dict[str, list[tuple[int, float, bool]]] = {}
    for item in passed:
        by_name.setdefault(normalise(places[item[0]]["name"]), []).append(item)
    keep = []
    for items in by_name.values():
        groups: list[list[tuple[int, float, bool]]] = []
        for item in sorted(items, key=lambda it: it[1]):
            joined = [g for g in groups if any(math.hypot(px[item[0]] - px[o[0]], py[item[0]] - py[o[0]])
                                                <= GROUP_RADIUS_M for o in g)]
            merged = [item] + [o for g in joined for o in g]
            groups = [g for g in groups if all(g is not j for j in joined)] + [merged]
        for g in groups:
            at_goal = [it for it in g if it[2]]
            keep.append(max(at_goal, key=lambda it: it[1]) if at_goal else min(g, key=lambda it: it[1]))
    return sorted(keep, key=lambda it: it[1])


def _side(line, along: float, point) -> str:
    """Left or right of the direction of travel at ``along`` (ahead when on the line)."""
    a = line.interpolate(max(along - 2.0, 0.0))
    b = line.interpolate(min(along + 2.0, line.length))
    cross = (b.x - a.x) * (point.y - a.y) - (b.y - a.y) * (point.x - a.x)
    if abs(cross) / max(math.hypot(b.x - a.x, b.y - a.y), 1e-9) < 1.5:
        return "unknown"  # mapped on the way itself (e.g. a stop on a street centreline): side not known
    return "left" if cross > 0 else "right"
