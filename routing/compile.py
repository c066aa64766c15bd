"""Compile the networkx pedestrian graph into a :class:`CompiledGraph`.

Besides flattening attributes into columns, this is where junctions are
understood: for every move from one way to another at a node, it finds the
turn angle and which roads with motor traffic the walker crosses there.

Crossing at a junction. On street-centreline data the side of the street a
walker is on is not known, so a move from way A to way B at a junction crosses
the roads on one side of the angle between them or on the other. Lotse takes
the side with the smaller danger (a walker may choose their side; at equal
danger, the side with the better-controlled crossing) and counts what is
crossed there. The crossed road's control is what the map says about
that crossing: a crossing node at the junction itself or on the road within
:data:`ARM_LOOKAHEAD_M` of it, traffic signals at the junction, or else an
unmarked crossing ("none", not mapped). On data with separate sidewalks and
crossing ways, the crossing way meets the road at its crossing node and the
same rule finds exactly that road crossed, with the node's attributes.

Known limit: the side is chosen anew at every move. Joining a centreline
street from a footway and leaving it to a footway on the other side crosses
nothing at either move, although the walker crossed the street somewhere
(and walking along a street through a crossing node of it crosses nothing
either). States do not carry the side of the street; until they do,
:func:`routing.costs.road_join_costs` prices joining and leaving a street
(half a crossing each) and :func:`routing.audit.implied_crossings` reports
such side switches in the audit.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from typing import Any, Callable

import networkx as nx
import numpy as np

from routing.geo import bearing_deg, haversine_m, turn_angle_deg
from routing.graph import NO_CROSSING, VOCAB, CompiledGraph, code

ARM_LOOKAHEAD_M = 25.0  # a crossing node this close to a junction belongs to it
BEARING_PROBE_M = 8.0  # bearings are taken this far along a way, not from one tiny segment

CROSSING_FIELDS = ("control", "sound", "vibration", "tactile_paving", "island", "kerb", "button")
CROSSING_VOCAB = {
    "control": "control", "sound": "tristate", "vibration": "tristate",
    "tactile_paving": "tactile", "island": "tristate", "kerb": "kerb", "button": "tristate",
}
# Worse controls win when several roads are crossed in one move.
CONTROL_RANK = {"signals": 0, "zebra": 1, "marked": 2, "uncontrolled": 3, "unknown": 4, "none": 5}


def _probe_bearing(coords: list[tuple[float, float]]) -> float:
    """Bearing from the first point towards the point ~BEARING_PROBE_M along the line."""
    lat0, lon0 = coords[0]
    walked = 0.0
    for (la, lo), (lb, lob) in zip(coords, coords[1:]):
        walked += float(haversine_m(la, lo, lb, lob))
        if walked >= BEARING_PROBE_M:
            return bearing_deg(lat0, lon0, lb, lob)
    return bearing_deg(lat0, lon0, coords[-1][0], coords[-1][1])


def _merge_crossing(*infos: dict | None) -> dict:
    """Combine crossing descriptions: the first known value of each field wins."""
    merged: dict[str, Any] = {}
    for info in infos:
        if not info:
            continue
        for key, value in info.items():
            if merged.get(key) in (None, "unknown") and value not in (None, "unknown"):
                merged[key] = value
            else:
                merged.setdefault(key, value)
    return merged


def compile_graph(G: nx.MultiGraph, meta: dict | None = None) -> CompiledGraph:
    """Compile a graph from :func:`routing.build.build_graph` into arrays."""
    started = time.perf_counter()
    nodes = list(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    strings: list[str] = []
    string_ids: dict[str, int] = {}

    def sid(value: str | None) -> int:
        if not value:
            return -1
        if value not in string_ids:
            string_ids[value] = len(strings)
            strings.append(value)
        return string_ids[value]

    # ---- nodes --------------------------------------------------------------
    n = len(nodes)
    A: dict[str, np.ndarray] = {
        "node_lat": np.array([G.nodes[x]["lat"] for x in nodes], dtype=np.float64),
        "node_lon": np.array([G.nodes[x]["lon"] for x in nodes], dtype=np.float64),
        "node_osm": np.array(nodes, dtype=np.int64),
        "node_signals": np.array([bool(G.nodes[x].get("signals")) for x in nodes]),
        "node_elevator": np.array([bool(G.nodes[x].get("elevator")) for x in nodes]),
        "node_barrier": np.array([sid(G.nodes[x].get("barrier")) for x in nodes], dtype=np.int32),
        "node_kerb": np.array([code("kerb", G.nodes[x].get("kerb")) for x in nodes], dtype=np.int8),
        "node_kerb_height": np.array(
            [G.nodes[x].get("kerb_height_m") or np.nan for x in nodes], dtype=np.float32),
    }
    for f in CROSSING_FIELDS:
        A[f"node_cross_{f}"] = np.full(n, NO_CROSSING if f == "control" else code(CROSSING_VOCAB[f], None), dtype=np.int8)
    for i, x in enumerate(nodes):
        info = G.nodes[x].get("crossing")
        if info:
            for f in CROSSING_FIELDS:
                A[f"node_cross_{f}"][i] = code(CROSSING_VOCAB[f], info.get(f))

    # ---- edges --------------------------------------------------------------
    edges = list(G.edges(keys=True, data=True))
    m = len(edges)
    u = np.empty(m, dtype=np.int32)
    v = np.empty(m, dtype=np.int32)
    geom_offsets = np.zeros(m + 1, dtype=np.int64)
    geom_lat: list[float] = []
    geom_lon: list[float] = []
    cols: dict[str, list] = defaultdict(list)
    bearing_start = np.empty(m, dtype=np.float32)  # leaving u along the edge
    bearing_end = np.empty(m, dtype=np.float32)  # arriving at v
    bearing_back = np.empty(m, dtype=np.float32)  # leaving v back along the edge
    for k, (a, b, _key, d) in enumerate(edges):
        coords = d["geometry"]
        if d["way_from"] != a:
            a, b = b, a
        u[k], v[k] = index[a], index[b]
        geom_offsets[k + 1] = geom_offsets[k] + len(coords)
        geom_lat.extend(c[0] for c in coords)
        geom_lon.extend(c[1] for c in coords)
        bearing_start[k] = _probe_bearing(coords)
        bearing_back[k] = _probe_bearing(coords[::-1])
        bearing_end[k] = (bearing_back[k] + 180.0) % 360.0
        cols["edge_len"].append(d["length_m"])
        cols["edge_walkable"].append(d["walkable"])
        cols["edge_kind"].append(code("way_kind", d["way_kind"]))
        cols["edge_name"].append(sid(d.get("name") or d.get("ref")))
        cols["edge_highway"].append(sid(d.get("highway")))
        cols["edge_osm"].append(d["osm_way"])
        cols["edge_surface"].append(code("surface", d["surface"]))
        cols["edge_sidewalk"].append(code("sidewalk", d["sidewalk"]))
        cols["edge_lit"].append(code("tristate", d["lit"]))
        cols["edge_width"].append(d["width_m"] if d["width_m"] is not None else np.nan)
        cols["edge_incline"].append(code("incline", d["incline_dir"]))
        cols["edge_incline_pct"].append(d["incline_pct"] if d["incline_pct"] is not None else np.nan)
        cols["edge_tactile"].append(code("tactile", d["tactile_paving"]))
        cols["edge_oneway"].append(d["oneway_foot"])
        cols["edge_area"].append(d["area"] or d["way_kind"] == "pedestrian_area")
        cols["edge_road_class"].append(
            VOCAB["road_class"].index(d["road_class"]) if d.get("road_class") in VOCAB["road_class"] else -1)
        cols["edge_danger"].append(d.get("danger", 0.0))
        cols["edge_major"].append(bool(d.get("major", False)))
        cols["edge_maxspeed"].append(d.get("maxspeed_kmh") or np.nan)
        cols["edge_lanes"].append(_small_count(d.get("lanes"), np.int8))
        cols["edge_step_count"].append(_small_count(d.get("step_count"), np.int16))
        cols["edge_handrail"].append(code("handrail", d.get("handrail")))
        cols["edge_ramp"].append(code("tristate", d.get("ramp")))
        info = d.get("crossing") or {}
        for f in CROSSING_FIELDS:
            default = NO_CROSSING if f == "control" else code(CROSSING_VOCAB[f], None)
            cols[f"edge_cross_{f}"].append(code(CROSSING_VOCAB[f], info[f]) if info else default)
    dtypes = {
        "edge_len": np.float32, "edge_walkable": bool, "edge_kind": np.int8, "edge_name": np.int32,
        "edge_highway": np.int32, "edge_osm": np.int64, "edge_surface": np.int8, "edge_sidewalk": np.int8,
        "edge_lit": np.int8, "edge_width": np.float32, "edge_incline": np.int8,
        "edge_incline_pct": np.float32, "edge_tactile": np.int8, "edge_oneway": bool, "edge_area": bool,
        "edge_road_class": np.int8, "edge_danger": np.float32, "edge_major": bool,
        "edge_maxspeed": np.float32, "edge_lanes": np.int8, "edge_step_count": np.int16,
        "edge_handrail": np.int8, "edge_ramp": np.int8,
    }
    for key, values in cols.items():
        A[key] = np.array(values, dtype=dtypes.get(key, np.int8))
    A.update(
        edge_u=u, edge_v=v, geom_offsets=geom_offsets,
        geom_lat=np.array(geom_lat, dtype=np.float64), geom_lon=np.array(geom_lon, dtype=np.float64),
        edge_bearing_start=bearing_start, edge_bearing_end=bearing_end,
    )

    # ---- states (directed walkable edges) -----------------------------------
    walk = np.flatnonzero(A["edge_walkable"])
    fwd_edges = walk
    bwd_edges = walk[~A["edge_oneway"][walk]]
    state_edge = np.concatenate([fwd_edges, bwd_edges]).astype(np.int32)
    state_fwd = np.concatenate([np.ones(len(fwd_edges), bool), np.zeros(len(bwd_edges), bool)])
    state_from = np.where(state_fwd, u[state_edge], v[state_edge]).astype(np.int32)
    state_to = np.where(state_fwd, v[state_edge], u[state_edge]).astype(np.int32)
    state_bearing_start = np.where(state_fwd, bearing_start[state_edge], bearing_back[state_edge]).astype(np.float32)
    state_bearing_end = np.where(state_fwd, bearing_end[state_edge], (bearing_start[state_edge] + 180.0) % 360.0).astype(np.float32)
    A.update(state_edge=state_edge, state_fwd=state_fwd, state_from=state_from, state_to=state_to,
             state_bearing_start=state_bearing_start, state_bearing_end=state_bearing_end)
    # edge -> its states (forward, backward); -1 where a direction is not walkable
    edge_state = np.full((m, 2), -1, dtype=np.int32)
    s_idx = np.arange(len(state_edge), dtype=np.int32)
    edge_state[state_edge[state_fwd], 0] = s_idx[state_fwd]
    edge_state[state_edge[~state_fwd], 1] = s_idx[~state_fwd]
    A["edge_state"] = edge_state

    # ---- car-road arms at each node -------------------------------------------
    car = np.flatnonzero(A["edge_road_class"] >= 0)
    arms: dict[int, list[tuple[float, int]]] = defaultdict(list)  # node -> (bearing out, edge)
    for e in car:
        arms[int(u[e])].append((float(bearing_start[e]), int(e)))
        arms[int(v[e])].append((float(bearing_back[e]), int(e)))

    # every way (walkable or not) leaving each node, sorted clockwise: the corners between them
    all_arms: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for e in range(m):
        all_arms[int(u[e])].append((float(bearing_start[e]), e))
        all_arms[int(v[e])].append((float(bearing_back[e]), e))
    for node_list in all_arms.values():
        node_list.sort()
    is_car = A["edge_road_class"] >= 0
    crossway = A["edge_kind"] == code("way_kind", "crossing")

    def crossing_along_arm(node: int, edge: int) -> dict | None:
        """First crossing node on the road leaving ``node`` along ``edge``, within ARM_LOOKAHEAD_M.

        The walk follows the road through nodes where only it continues (two
        road arms: a way split, a footway or driveway joining) and stops at
        the next road junction.
        """
        prev, e, walked = node, edge, 0.0
        while True:
            walked += float(A["edge_len"][e])
            if walked > ARM_LOOKAHEAD_M:
                return None
            far = int(v[e]) if int(u[e]) == prev else int(u[e])
            info = G.nodes[nodes[far]].get("crossing")
            if info:
                return info
            onward = [x for _, x in arms.get(far, ()) if x != e]
            if len(arms.get(far, ())) != 2 or len(onward) != 1 or far == node:
                return None
            prev, e = far, onward[0]

    arm_cache: dict[tuple[int, int], dict] = {}

    def arm_crossing(node: int, edge: int) -> dict:
        """What the map says about crossing road ``edge`` next to junction ``node``."""
        key = (node, edge)
        if key in arm_cache:
            return arm_cache[key]
        own = G.nodes[nodes[node]].get("crossing")
        near = own or crossing_along_arm(node, edge)
        if near:
            result = dict(near, mapped=True)
        elif A["node_signals"][node]:
            result = {"control": "signals", "mapped": True}
        else:
            result = {"control": "none", "mapped": False}
        arm_cache[key] = result
        return result

    def arm_rank(node: int, edge: int) -> int:
        """How poorly crossing ``edge`` at ``node`` is controlled (higher is worse)."""
        return CONTROL_RANK.get(arm_crossing(node, edge).get("control", "unknown"), 4)

    # ---- transitions ------------------------------------------------------------
    out_states: dict[int, list[int]] = defaultdict(list)
    for s in range(len(state_edge)):
        out_states[int(state_from[s])].append(s)
    t_from: list[int] = []
    t_to: list[int] = []
    t_node: list[int] = []
    t_angle: list[float] = []
    t_cross: dict[str, list] = defaultdict(list)
    t_side: dict[str, list] = defaultdict(list)

    def describe(out: dict[str, list], node: int, crossed: list[int], e_in: int, e_out: int) -> None:
        """Append what crossing the roads ``crossed`` at ``node`` means to the columns in ``out``."""
        if not crossed:
            out["control"].append(NO_CROSSING)
            for f in CROSSING_FIELDS[1:]:
                out[f].append(code(CROSSING_VOCAB[f], None))
            out["danger"].append(0.0)
            out["major"].append(False)
            out["count"].append(0)
            out["name"].append(-1)
            out["edge"].append(-1)
            out["mapped"].append(False)
            return
        infos = [arm_crossing(node, e) for e in crossed]
        way_info = [
            G.edges[edges[e][0], edges[e][1], edges[e][2]].get("crossing")
            for e in (e_in, e_out)
            if A["edge_kind"][e] == code("way_kind", "crossing")
        ]
        worst = max(infos, key=lambda i: CONTROL_RANK.get(i.get("control", "unknown"), 4))
        info = _merge_crossing(worst, *way_info) if worst.get("mapped") else worst
        if not worst.get("mapped") and way_info:
            info = _merge_crossing(*way_info)  # a crossing way without crossing node
            info["mapped"] = True
        main = max(crossed, key=lambda e: A["edge_danger"][e])
        out["control"].append(code("control", info.get("control", "unknown")))
        for f in CROSSING_FIELDS[1:]:
            out[f].append(code(CROSSING_VOCAB[f], info.get(f)))
        out["danger"].append(float(sum(A["edge_danger"][e] for e in crossed)))
        out["major"].append(bool(any(A["edge_major"][e] for e in crossed)))
        out["count"].append(len(crossed))
        out["name"].append(int(A["edge_name"][main]))
        out["edge"].append(int(main))
        out["mapped"].append(bool(info.get("mapped")))

    for s_in in range(len(state_edge)):
        node = int(state_to[s_in])
        e_in = int(state_edge[s_in])
        back = (float(state_bearing_end[s_in]) + 180.0) % 360.0
        node_arms = arms.get(node, ())
        for s_out in out_states.get(node, ()):
            e_out = int(state_edge[s_out])
            if e_out == e_in:
                continue  # no U-turn on the same edge: never part of a shortest path
            out_b = float(state_bearing_start[s_out])
            t_from.append(s_in)
            t_to.append(s_out)
            t_node.append(node)
            t_angle.append(turn_angle_deg(float(state_bearing_end[s_in]), out_b))
            crossed = _crossed_arms(node_arms, e_in, e_out, back, out_b, A["edge_danger"],
                                    lambda e, node=node: arm_rank(node, e))
            if not crossed and is_car[e_in] != is_car[e_out] and crossway[e_in] != crossway[e_out]:
                # Between a street centreline and a crossing way at its crossing node: the walker
                # leaves (or reaches) the street's side by crossing it there.
                crossed = [e_in if is_car[e_in] else e_out]
            describe(t_cross, node, crossed, e_in, e_out)
            # From one street into another, the walker's side of the first is unknown:
            # the other side's crossings are kept too, so a cost can weigh them.
            other = None
            if is_car[e_in] and is_car[e_out]:
                other = _other_side_crossings(all_arms[node], e_in, back, e_out, out_b, A["edge_danger"], is_car)
            describe(t_side, node, other or [], e_in, e_out)
    order = np.lexsort((np.array(t_to), np.array(t_from))) if t_from else np.array([], dtype=np.int64)
    A["trans_from"] = np.array(t_from, dtype=np.int32)[order]
    A["trans_to"] = np.array(t_to, dtype=np.int32)[order]
    A["trans_node"] = np.array(t_node, dtype=np.int32)[order]
    A["trans_angle"] = np.array(t_angle, dtype=np.float32)[order]
    for f in CROSSING_FIELDS:
        A[f"trans_cross_{f}"] = np.array(t_cross[f], dtype=np.int8)[order]
    A["trans_cross_danger"] = np.array(t_cross["danger"], dtype=np.float32)[order]
    A["trans_cross_major"] = np.array(t_cross["major"], dtype=bool)[order]
    A["trans_cross_count"] = np.array(t_cross["count"], dtype=np.int8)[order]
    A["trans_cross_name"] = np.array(t_cross["name"], dtype=np.int32)[order]
    A["trans_cross_edge"] = np.array(t_cross["edge"], dtype=np.int32)[order]
    A["trans_cross_mapped"] = np.array(t_cross["mapped"], dtype=bool)[order]
    for f in CROSSING_FIELDS:
        A[f"trans_side_{f}"] = np.array(t_side[f], dtype=np.int8)[order]
    A["trans_side_danger"] = np.array(t_side["danger"], dtype=np.float32)[order]
    A["trans_side_major"] = np.array(t_side["major"], dtype=bool)[order]
    A["trans_side_mapped"] = np.array(t_side["mapped"], dtype=bool)[order]
    A["trans_side_name"] = np.array(t_side["name"], dtype=np.int32)[order]
    A["trans_side_edge"] = np.array(t_side["edge"], dtype=np.int32)[order]
    indptr = np.zeros(len(state_edge) + 1, dtype=np.int64)
    np.add.at(indptr, A["trans_from"].astype(np.int64) + 1, 1)
    A["trans_indptr"] = np.cumsum(indptr)

    # A crossing way that touches no road (mapping gap): its crossing is on the edge itself.
    node_has_arms = np.zeros(n, dtype=bool)
    node_has_arms[list(arms.keys())] = True
    is_cross_way = A["edge_kind"] == code("way_kind", "crossing")
    A["edge_cross_standalone"] = is_cross_way & ~node_has_arms[u] & ~node_has_arms[v]

    meta = dict(meta or {})
    meta["strings"] = strings
    meta["vocab"] = {k: list(vs) for k, vs in VOCAB.items()}
    meta["places"] = G.graph.get("places", [])
    meta["compile_seconds"] = round(time.perf_counter() - started, 3)
    return CompiledGraph(arrays=A, meta=meta)


def _small_count(value: int | None, dtype) -> int:
    """A count (lanes, steps) for an integer column; -1 (unknown) if absent, zero or out of range."""
    if value is None or value <= 0 or value > np.iinfo(dtype).max:
        return -1
    return int(value)


def _other_side_crossings(
    arms: list[tuple[float, int]], e_in: int, back: float, e_out: int, out_b: float,
    danger: np.ndarray, is_car: np.ndarray,
) -> list[int] | None:
    """Roads crossed from the worse side of street ``e_in`` into street ``e_out``, if worse at all.

    ``arms`` are all ways at the node, sorted clockwise; corner ``k`` lies
    between arm ``k`` and arm ``k + 1``. Arriving on the right of ``e_in`` the
    walker stands at the corner before its arm, on the left at the corner
    after it; leaving, they may take either side of ``e_out``. From each
    arriving corner the cheaper way round the junction is found (crossing the
    street one came along counts too); the costlier of the two arriving
    corners is returned when it costs more than the other, else None.
    """
    n = len(arms)
    if n < 3:
        return None
    a = _arm_index(arms, e_in, back)
    b = _arm_index(arms, e_out, out_b)

    def passed(i: int, j: int, clockwise: bool) -> list[int]:
        idx = [(i + 1 + k) % n for k in range((j - i) % n)] if clockwise else \
              [(j + 1 + k) % n for k in range((i - j) % n)]
        return [arms[x][1] for x in idx if is_car[arms[x][1]]]

    def cheapest(corner: int) -> tuple[float, list[int]]:
        options = [passed(corner, target, cw) for target in ((b - 1) % n, b) for cw in (True, False)]
        best = min(options, key=lambda es: (sum(float(danger[e]) for e in es), len(es)))
        return sum(float(danger[e]) for e in best), best

    right, left = cheapest((a - 1) % n), cheapest(a)
    worse, better = (right, left) if right[0] > left[0] else (left, right)
    return worse[1] if worse[0] > better[0] + 1e-9 else None


def _arm_index(arms: list[tuple[float, int]], edge: int, bearing: float) -> int:
    """Index of the arm of ``edge`` leaving at ``bearing`` (a loop edge has two arms at one node)."""
    return min((i for i, (_, e) in enumerate(arms) if e == edge),
               key=lambda i: abs(turn_angle_deg(arms[i][0], bearing)))


def _crossed_arms(
    node_arms, e_in: int, e_out: int, back: float, out_b: float, danger: np.ndarray,
    rank: Callable[[int], int] | None = None,
) -> list[int]:
    """Road edges crossed between arriving along ``e_in`` and leaving along ``e_out``.

    Arms strictly inside the clockwise sector from ``back`` to ``out_b`` lie on
    one side, the others on the other side; the side with less danger wins.
    When both sides are equally dangerous, the side whose worst crossing is
    better controlled (``rank(edge)``, lower is better) wins, so that a move
    and its reverse cross the same, better side; a full tie takes the
    clockwise side.
    """
    if not node_arms:
        return []
    sweep = (out_b - back) % 360.0
    cw: list[int] = []
    ccw: list[int] = []
    for bearing, e in node_arms:
        if e == e_in or e == e_out:
            continue
        rel = (bearing - back) % 360.0
        if 0.0 < rel < sweep:
            cw.append(e)
        else:
            ccw.append(e)
    if not cw or not ccw:
        return []
    d_cw = sum(float(danger[e]) for e in cw)
    d_ccw = sum(float(danger[e]) for e in ccw)
    if math.isclose(d_cw, d_ccw, rel_tol=1e-6) and rank is not None:
        r_cw, r_ccw = max(rank(e) for e in cw), max(rank(e) for e in ccw)
        if r_cw != r_ccw:
            return cw if r_cw < r_ccw else ccw
    return cw if d_cw <= d_ccw else ccw
