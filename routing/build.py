"""Build the pedestrian graph (networkx) from an OSM extract.

Ways are split at every node shared with another way (or passed twice by the
same way) and at every tagged node that matters on the way (crossings,
signals, barriers, kerbs, elevators), so that those points are graph nodes a
route passes through. Edges keep their geometry and the normalised attributes
of :mod:`routing.tags`; attributes that depend on the direction of travel
(handrail side, incline) are stored in way direction together with the node
the way starts from (``way_from``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Callable

import networkx as nx

from routing import tags as T
from routing.geo import haversine_m
from routing.osm_import import OsmExtract, OsmWay

#: Nodes of a square's outline this close to a node of another walkable way
#: are one point (a mapping slip: the outline was drawn onto the street's end
#: without sharing its node).
AREA_JOIN_TOLERANCE_M = 0.5

SPLIT_NODE_KEYS = ("crossing", "barrier", "kerb", "traffic_signals", "elevator", "entrance")


def _is_split_node(tags: dict[str, str] | None) -> bool:
    if not tags:
        return False
    if tags.get("highway") in {"crossing", "traffic_signals", "elevator"}:
        return True
    return any(k in tags for k in SPLIT_NODE_KEYS)


def crossing_attributes(tags: dict[str, str], control: str) -> dict:
    """What a crossing node or crossing way says about the crossing, normalised."""
    kerb_kind, kerb_height = T.kerb(tags)
    return {
        "control": control,
        "sound": T.signal_sound(tags),
        "vibration": T.signal_vibration(tags),
        "tactile_paving": T.tactile_paving(tags),
        "island": T.crossing_island(tags),
        "kerb": kerb_kind,
        "kerb_height_m": kerb_height,
        "button": T.yes_no(tags.get("button_operated")),
    }


def node_attributes(tags: dict[str, str]) -> dict:
    """Normalised attributes of a graph node from its OSM tags."""
    attrs: dict = {}
    control = T.crossing_control(tags)
    if tags.get("highway") == "traffic_signals":
        attrs["signals"] = True
        if control is None:
            control = "signals"
    if control is not None:
        attrs["crossing"] = crossing_attributes(tags, control)
    barrier = T.barrier(tags)
    if barrier:
        attrs["barrier"] = barrier
    if tags.get("barrier") == "kerb" or ("kerb" in tags and control is None):
        kind, height = T.kerb(tags)
        attrs["kerb"] = kind
        if height is not None:
            attrs["kerb_height_m"] = height
    if tags.get("highway") == "elevator":
        attrs["elevator"] = True
    if "tactile_paving" in tags and control is None:
        attrs["tactile_paving"] = T.tactile_paving(tags)
    return attrs


def way_attributes(way: OsmWay) -> dict:
    """Normalised attributes of a way, shared by all edges cut from it."""
    tags = way.tags
    maxspeed = T.parse_speed_kmh(tags.get("maxspeed"))
    lanes = T.parse_int(tags.get("lanes"))
    kind = T.way_kind(tags) if way.walkable else "road"
    attrs: dict = {
        "osm_way": way.id,
        "highway": tags.get("highway"),
        "name": tags.get("name") or None,
        "ref": tags.get("ref") or None,
        "walkable": way.walkable,
        "way_kind": kind,
        "surface": T.surface_group(tags),
        "sidewalk": T.sidewalk(tags),
        "lit": T.lit(tags),
        "width_m": T.parse_length_m(tags.get("width") or tags.get("est_width")),
        "incline_dir": T.incline_direction(tags),
        "incline_pct": T.incline_percent(tags),
        "tactile_paving": T.tactile_paving(tags),
        "oneway_foot": tags.get("oneway:foot") == "yes" or (tags.get("highway") == "steps" and tags.get("oneway") == "yes"),
        "area": tags.get("area") == "yes",
        "bridge": tags.get("bridge") not in (None, "no"),
        "tunnel": tags.get("tunnel") not in (None, "no"),
        "level": tags.get("level"),
    }
    if way.road_class is not None:
        attrs["road_class"] = way.road_class
        attrs["maxspeed_kmh"] = maxspeed
        attrs["lanes"] = lanes
        attrs["danger"] = T.road_danger(way.road_class, maxspeed, lanes)
        attrs["major"] = T.is_major_road(way.road_class, maxspeed, lanes)
    if kind == "steps":
        attrs["step_count"] = T.parse_int(tags.get("step_count"))
        attrs["handrail"] = T.handrail(tags)
        attrs["ramp"] = T.yes_no(tags.get("ramp") or tags.get("ramp:wheelchair") or tags.get("ramp:stroller"))
    if kind == "crossing":
        attrs["crossing"] = crossing_attributes(tags, T.crossing_control(tags) or "unknown")
    return attrs


def _layer(tags: dict[str, str]) -> tuple[str, str]:
    return (tags.get("layer") or "0", tags.get("level") or "")


def join_area_outlines(extract: OsmExtract, tolerance_m: float = AREA_JOIN_TOLERANCE_M) -> int:
    """Join outline nodes of walkable areas to nearly coincident nodes of other ways.

    A square (``area=yes``) whose outline passes a street's end a few
    centimetres off, without sharing the node, is cut off there: a route
    reaches the square elsewhere and turns back. An outline node within
    ``tolerance_m`` of a node of another walkable way (same layer and level,
    no way in common) is replaced by that node, in the outline's node list
    and coordinates; the ways of the street keep theirs. Nodes of one way are
    never joined to each other (a spiral staircase has its nodes centimetres
    apart). Returns the number of outline nodes joined; ``extract`` is changed
    in place.
    """
    walkable = [w for w in extract.ways if w.walkable]
    node_ways: dict[int, set[int]] = defaultdict(set)
    layers: dict[int, set[tuple[str, str]]] = defaultdict(set)
    coords: dict[int, tuple[float, float]] = {}
    for w in walkable:
        for n, c in zip(w.nodes, w.coords):
            node_ways[n].add(w.id)
            layers[n].add(_layer(w.tags))
            coords[n] = c
    outline = {n for w in walkable if w.tags.get("area") == "yes" for n in w.nodes}
    if not outline:
        return 0
    cell = tolerance_m / 111_320.0 * 2  # degrees of latitude; a cell is twice the tolerance
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for n, (lat, lon) in coords.items():
        grid[(math.floor(lat / cell), math.floor(lon / cell))].append(n)
    uses = Counter(n for w in walkable for n in w.nodes)
    replace: dict[int, int] = {}
    for n in sorted(outline):
        lat, lon = coords[n]
        ci, cj = math.floor(lat / cell), math.floor(lon / cell)
        # longitude cells are narrower than latitude ones by cos(lat): look wider
        span = max(1, math.ceil(1 / max(math.cos(math.radians(lat)), 0.1)))
        best = None
        for di in (-1, 0, 1):
            for dj in range(-span, span + 1):
                for m in grid.get((ci + di, cj + dj), ()):
                    if m == n or m in replace or node_ways[m] & node_ways[n]:
                        continue
                    if not layers[m] & layers[n]:
                        continue
                    d = float(haversine_m(lat, lon, *coords[m]))
                    if d > tolerance_m:
                        continue
                    # the street's node wins over another outline's, then the busier one
                    key = (d, m in outline, -uses[m], m)
                    if best is None or key < best[0]:
                        best = (key, m)
        if best is not None and best[1] not in replace:
            replace[n] = best[1]
    if not replace:
        return 0
    for n in replace:  # an outline joined to another outline that was itself joined
        while replace[n] in replace:
            replace[n] = replace[replace[n]]
    for w in walkable:
        if not any(n in replace for n in w.nodes):
            continue
        nodes, pts = [], []
        for n, c in zip(w.nodes, w.coords):
            if n in replace:
                n = replace[n]
                c = coords[n]
            if nodes and nodes[-1] == n:
                continue
            nodes.append(n)
            pts.append(c)
        w.nodes, w.coords = nodes, pts
    for n, m in replace.items():
        tags = extract.node_tags.get(n)
        if tags:
            extract.node_tags[m] = {**tags, **extract.node_tags.get(m, {})}
    return len(replace)


def build_graph(
    extract: OsmExtract,
    progress: Callable[[str, int], None] | None = None,
) -> nx.MultiGraph:
    """Turn an :class:`OsmExtract` into an undirected networkx multigraph.

    Nodes are OSM node ids with ``lat``, ``lon`` and normalised attributes;
    edges carry ``length_m``, ``geometry`` (list of (lat, lon)), ``way_from``
    and the attributes of :func:`way_attributes`. Outline nodes of squares
    that nearly coincide with a street's node are joined first
    (:func:`join_area_outlines`); ``G.graph["joined_area_nodes"]`` counts them.
    """
    joined = join_area_outlines(extract)
    # A node used twice is a junction: shared by two ways, or passed twice by one
    # self-intersecting way (every occurrence counts, not just one per way).
    uses = Counter()
    for way in extract.ways:
        uses.update(way.nodes)
        uses[way.nodes[0]] += 1
        uses[way.nodes[-1]] += 1

    G = nx.MultiGraph()
    for i, way in enumerate(extract.ways):
        attrs = way_attributes(way)
        start = 0
        for j in range(1, len(way.nodes)):
            node = way.nodes[j]
            last = j == len(way.nodes) - 1
            if not last and uses[node] < 2 and not _is_split_node(extract.node_tags.get(node)):
                continue
            seg_nodes = way.nodes[start : j + 1]
            seg_coords = way.coords[start : j + 1]
            start = j
            if seg_nodes[0] == seg_nodes[-1] and len(seg_nodes) <= 2:
                continue  # a degenerate loop of one point
            lats = [c[0] for c in seg_coords]
            lons = [c[1] for c in seg_coords]
            length = float(haversine_m(lats[:-1], lons[:-1], lats[1:], lons[1:]).sum())
            for nid, (lat, lon) in ((seg_nodes[0], seg_coords[0]), (seg_nodes[-1], seg_coords[-1])):
                if nid not in G:
                    G.add_node(nid, lat=lat, lon=lon, **node_attributes(extract.node_tags.get(nid, {})))
            G.add_edge(
                seg_nodes[0], seg_nodes[-1], length_m=max(length, 0.01),
                geometry=seg_coords, way_from=seg_nodes[0], **attrs,
            )
        if progress and i % 5000 == 0:
            progress("graph", i)
    G.graph["places"] = [p.__dict__ for p in extract.places]
    G.graph["joined_area_nodes"] = joined
    return G


def largest_walkable_component(G: nx.MultiGraph) -> set:
    """Nodes of the largest connected walkable part (islands are reported, not routed to)."""
    walk = nx.Graph()
    walk.add_edges_from((u, v) for u, v, d in G.edges(data=True) if d["walkable"])
    if walk.number_of_nodes() == 0:
        return set()
    return max(nx.connected_components(walk), key=len)
