"""The gazetteer: named places, streets and stops of a compiled graph, found by name.

Residents name places, not coordinates. A :class:`Gazetteer` indexes

* the named places the OSM import collected (``graph.meta["places"]``: stops,
  stations, named amenities, shops, buildings ...), id ``osm:<type>/<id>``;
* streets and squares from the names of walkable edges: one entry per
  *stretch* (a street's edges joined where they touch or come within
  :data:`GROUP_RADIUS_M` of each other), placed at the middle of its longest
  edge, labelled with the nearest cross street ("Mainzer Straße / Pariser
  Straße"), id ``street:way/<id of that edge>``; named platform ways are stops;
* anything added at runtime with :meth:`Gazetteer.add` (beacons).

**One place per name and neighbourhood.** Entries with the same normalised
name (:func:`routing.placenames.normalise`) within :data:`GROUP_RADIUS_M` of
the group's most prominent member are one place: the platforms of a bus stop,
a station and the bus stops named after it, a town hall and the "Rathaus" bus
stop in front of it. The most prominent member (station, then named amenity,
shop and the like, then building, street or square, then stop) gives the
place its position; the others are listed as ``members``.

**Resolving a name to one point** (:meth:`Gazetteer.resolve`), the rule:

1. If the query matches names exactly (same normalised name), it is unique
   when exactly one place has that name, ambiguous when several do (the same
   name far apart, or a street name that occurs in separate stretches).
2. Otherwise the best candidate must score at least
   :data:`RESOLVE_MIN_SCORE`, and it is ambiguous when another place scores
   within :data:`AMBIGUITY_MARGIN` of it.
3. Otherwise the name is unknown; candidates scoring at least
   :data:`SUGGEST_MIN_SCORE` are offered as suggestions.

A blind walker cannot glance at a map to notice a wrong guess, so ambiguity
is reported rather than guessed away.
"""

from __future__ import annotations

import bisect
import threading
import weakref
from dataclasses import dataclass, field, replace
from typing import Iterable, Literal

import numpy as np
from rapidfuzz import fuzz, process
from scipy.spatial import cKDTree

from routing.geo import LocalFrame
from routing.graph import CompiledGraph
from routing.placenames import (FUZZY_NAME_CUTOFF, FUZZY_TOKEN_CUTOFF, MIN_PREFIX_LEN, compact, normalise, score,
                                tokens)

GROUP_RADIUS_M = 150.0
LABEL_STREET_M = 100.0  # a place's label names the nearest street within this distance
DENSIFY_M = 20.0  # street geometry is sampled this densely for distances
RESOLVE_MIN_SCORE = 80.0
AMBIGUITY_MARGIN = 10.0
SUGGEST_MIN_SCORE = 60.0
SEARCH_MIN_SCORE = 50.0
MAX_KEYS_PER_TOKEN = 150  # a query word in more names than this ("strasse") only ranks, never finds
MAX_PREFIX_TOKENS = 200
MAX_FUZZY = 25

KIND_ALIASES = {"transit": ("station", "stop", "bus_stop")}


def kind_priority(kind: str) -> int:
    """Which member of a group gives its position: lower is more prominent."""
    if kind == "station":
        return 0
    if kind in ("street", "square"):
        return 3
    if kind in ("bus_stop", "stop", "beacon"):
        return 4
    if kind == "building":
        return 2
    return 1


def kind_matches(kind: str, wanted: Iterable[str]) -> bool:
    """``kind`` is one of ``wanted``: exact, a family ("amenity" for "amenity:cafe") or an alias."""
    for w in wanted:
        if kind == w or kind.startswith(w + ":") or kind in KIND_ALIASES.get(w, ()):
            return True
    return False


@dataclass(frozen=True)
class Place:
    """One gazetteer entry; ``points`` (x, y metres) is the geometry of a street stretch."""

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    label: str | None = None
    points: np.ndarray | None = field(default=None, repr=False, compare=False)
    # a square: its walkable edges. Arriving at any of them is arriving (Router.plan's arrive_on)
    area_edges: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "lat": round(self.lat, 7),
                "lon": round(self.lon, 7), "label": self.label or self.name}


@dataclass(frozen=True)
class Candidate:
    """A place matching a query: its most prominent member, all members and the score."""

    place: Place
    members: tuple[Place, ...]
    score: float
    exact: bool

    @property
    def lat(self) -> float:
        return self.place.lat

    @property
    def lon(self) -> float:
        return self.place.lon

    def to_dict(self) -> dict:
        d = self.place.to_dict()
        d["score"] = self.score
        d["exact"] = self.exact
        if len(self.members) > 1:
            d["members"] = [m.to_dict() for m in self.members]
        return d


@dataclass(frozen=True)
class Resolution:
    """Outcome of :meth:`Gazetteer.resolve`: the place, or why there is none."""

    query: str
    status: Literal["unique", "ambiguous", "unknown"]
    candidates: tuple[Candidate, ...]

    @property
    def place(self) -> Candidate | None:
        return self.candidates[0] if self.status == "unique" else None


class _Index:
    """The searchable form of a set of entries; immutable once built."""

    def __init__(self, entries: list[Place], frame: LocalFrame):
        self.frame = frame
        by_key: dict[str, list[Place]] = {}
        key_tokens: dict[str, tuple[str, ...]] = {}
        for p in entries:
            toks = tokens(p.name)
            key = compact(toks)
            if len(key) < 2:
                continue
            by_key.setdefault(key, []).append(p)
            key_tokens.setdefault(key, toks)
        self.keys = sorted(by_key)
        self.key_tokens = [key_tokens[k] for k in self.keys]
        self.key_id = {k: i for i, k in enumerate(self.keys)}
        self.groups = [self._group(by_key[k]) for k in self.keys]
        token_keys: dict[str, set[int]] = {}
        for i, toks in enumerate(self.key_tokens):
            for t in toks:
                token_keys.setdefault(t, set()).add(i)
        self.vocab = sorted(token_keys)
        self.token_keys = [frozenset(token_keys[t]) for t in self.vocab]
        self.vocab_id = {t: i for i, t in enumerate(self.vocab)}

    # -- grouping ------------------------------------------------------------------
    def _xy(self, p: Place) -> np.ndarray:
        if p.points is not None:
            return p.points
        x, y = self.frame.to_xy(p.lat, p.lon)
        return np.array([[float(x), float(y)]])

    def _distance(self, a: Place, b: Place) -> float:
        pa, pb = self._xy(a), self._xy(b)
        if len(pa) * len(pb) <= 4096:
            return float(np.min(np.hypot(pa[:, None, 0] - pb[None, :, 0], pa[:, None, 1] - pb[None, :, 1])))
        small, large = (pa, pb) if len(pa) < len(pb) else (pb, pa)
        return float(cKDTree(large).query(small, k=1)[0].min())

    def _group(self, places: list[Place]) -> list[tuple[Place, ...]]:
        """Same-name entries near the most prominent one form one place (see module doc)."""
        if len(places) == 1:
            return [(places[0],)]

        def centrality(p: Place) -> float:
            x, y = self.frame.to_xy(p.lat, p.lon)
            return sum(float(np.hypot(*(np.array(self.frame.to_xy(q.lat, q.lon)) - (x, y)))) for q in places)

        ordered = sorted(places, key=lambda p: (kind_priority(p.kind), centrality(p), p.id))
        groups: list[list[Place]] = []
        for p in ordered:
            near = [(self._distance(g[0], p), g) for g in groups]
            near = [(d, g) for d, g in near if d <= GROUP_RADIUS_M]
            if near:
                min(near, key=lambda dg: dg[0])[1].append(p)
            else:
                groups.append([p])
        return [tuple(g) for g in groups]

    # -- search ----------------------------------------------------------------------
    def candidate_keys(self, q_toks: tuple[str, ...], q_key: str) -> set[int]:
        """Names worth scoring: exact, prefix or fuzzy hits of the query or its words."""
        found: set[int] = set()
        if q_key in self.key_id:
            found.add(self.key_id[q_key])
        if len(q_key) >= 3:
            i = bisect.bisect_left(self.keys, q_key)
            while i < len(self.keys) and self.keys[i].startswith(q_key) and len(found) < 4 * MAX_KEYS_PER_TOKEN:
                found.add(i)
                i += 1
            for _, _, i in process.extract(q_key, self.keys, scorer=fuzz.ratio,
                                           score_cutoff=FUZZY_NAME_CUTOFF, limit=MAX_FUZZY):
                found.add(i)
        per_token: list[set[int]] = []
        for q in q_toks:
            hits: set[int] = set()
            if q in self.vocab_id:
                hits |= self.token_keys[self.vocab_id[q]]
            if len(q) >= MIN_PREFIX_LEN:
                i = bisect.bisect_left(self.vocab, q)
                n = 0
                while i < len(self.vocab) and self.vocab[i].startswith(q) and n < MAX_PREFIX_TOKENS:
                    hits |= self.token_keys[i]
                    i += 1
                    n += 1
            if len(q) >= 3:
                for _, _, i in process.extract(q, self.vocab, scorer=fuzz.ratio,
                                               score_cutoff=FUZZY_TOKEN_CUTOFF, limit=MAX_FUZZY):
                    hits |= self.token_keys[i]
            per_token.append(hits)
        specific = [h for h in per_token if len(h) <= MAX_KEYS_PER_TOKEN]
        for hits in specific or per_token:
            found |= hits
        return found

    def search(self, query: str, kinds: tuple[str, ...] | None) -> list[Candidate]:
        q_toks = tokens(query)
        q_key = compact(q_toks)
        if not q_key:
            return []
        out: list[Candidate] = []
        for k in self.candidate_keys(q_toks, q_key):
            s = score(q_toks, q_key, self.key_tokens[k], self.keys[k])
            if s < SEARCH_MIN_SCORE:
                continue
            for members in self.groups[k]:
                if kinds:
                    members = tuple(m for m in members if kind_matches(m.kind, kinds))
                    if not members:
                        continue
                out.append(Candidate(members[0], members, s, s >= 100.0))
        out.sort(key=lambda c: (-c.score, kind_priority(c.place.kind), -len(c.members), len(c.place.name),
                                 c.place.name, c.place.id))
        return out


class Gazetteer:
    """Named places of one graph, searchable by name; build with :func:`gazetteer_for`.

    The index is built on first use and rebuilt on the next query after
    :meth:`add` or :meth:`remove`; queries see a consistent snapshot.
    """

    def __init__(self, base: Iterable[Place], frame: LocalFrame | None = None, labels: "_StreetLabels | None" = None):
        self._entries: dict[str, Place] = {p.id: p for p in base}
        if frame is None:  # a gazetteer of given places (tests, tools): centred on them
            lats = [p.lat for p in self._entries.values()] or [0.0]
            lons = [p.lon for p in self._entries.values()] or [0.0]
            frame = LocalFrame(float(np.mean(lats)), float(np.mean(lons)))
        self._frame = frame
        self._labels = labels
        self._index: _Index | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> list[Place]:
        return list(self._entries.values())

    def add(self, entries: Iterable[Place]) -> None:
        """Add or replace entries (by id), e.g. beacons with their spoken labels."""
        with self._lock:
            for p in entries:
                if p.label is None and self._labels is not None:
                    p = replace(p, label=self._labels.label(p))
                self._entries[p.id] = p
            self._index = None

    def remove(self, ids: Iterable[str]) -> None:
        """Remove entries by id (unknown ids are ignored)."""
        with self._lock:
            for i in ids:
                self._entries.pop(i, None)
            self._index = None

    def _snapshot(self) -> _Index:
        index = self._index
        if index is None:
            with self._lock:
                if self._index is None:
                    self._index = _Index(list(self._entries.values()), self._frame)
                index = self._index
        return index

    def search(self, query: str, limit: int = 10, kinds: Iterable[str] | None = None) -> list[Candidate]:
        """Places matching ``query``, best first (exact normalised matches first)."""
        found = self._snapshot().search(query, tuple(kinds) if kinds else None)
        return found[:limit]

    def resolve(self, query: str, kinds: Iterable[str] | None = None, max_candidates: int = 8) -> Resolution:
        """One place for ``query``, or why not: the rule is in the module docstring."""
        found = self._snapshot().search(query, tuple(kinds) if kinds else None)
        if not found:
            return Resolution(query, "unknown", ())
        exact = [c for c in found if c.exact]
        if exact:
            status = "unique" if len(exact) == 1 else "ambiguous"
            return Resolution(query, status, tuple(exact[:max_candidates]))
        best = found[0]
        if best.score < RESOLVE_MIN_SCORE:
            hints = [c for c in found if c.score >= SUGGEST_MIN_SCORE]
            return Resolution(query, "unknown", tuple(hints[:max_candidates]))
        close = [c for c in found if c.score >= best.score - AMBIGUITY_MARGIN]
        return Resolution(query, "unique" if len(close) == 1 else "ambiguous", tuple(close[:max_candidates]))


# ---- building from a graph ---------------------------------------------------------


class _StreetLabels:
    """Nearest named street of a point, for labels ("Rathaus, Am Altenhof")."""

    def __init__(self, frame: LocalFrame, xy: np.ndarray, name_of_point: np.ndarray, names: list[str]):
        self.frame = frame
        self.names = names
        self.keys = [normalise(n) for n in names]
        self.name_of_point = name_of_point
        self.tree = cKDTree(xy) if len(xy) else None

    def label(self, p: Place) -> str:
        near = self.nearest(p.lat, p.lon, exclude=normalise(p.name))
        return f"{p.name}, {near}" if near else p.name

    def nearest(self, lat: float, lon: float, exclude: str | None = None) -> str | None:
        """The nearest street within :data:`LABEL_STREET_M` whose key is not ``exclude``."""
        if self.tree is None:
            return None
        x, y = self.frame.to_xy(lat, lon)
        dist, idx = self.tree.query([float(x), float(y)], k=min(12, self.tree.n),
                                    distance_upper_bound=LABEL_STREET_M)
        for d, i in zip(np.atleast_1d(dist), np.atleast_1d(idx)):
            if not np.isfinite(d):
                break
            name = int(self.name_of_point[i])
            if self.keys[name] != exclude:
                return self.names[name]
        return None


def _densify(gx: np.ndarray, gy: np.ndarray, offsets: np.ndarray, edges: np.ndarray) -> dict[int, np.ndarray]:
    """Each edge's geometry sampled at most :data:`DENSIFY_M` apart (vertices included), in one pass.

    Vertex ``j`` of an edge contributes itself if it is the edge's first,
    else the points of the segment ending at it.
    """
    starts, ends = offsets[edges], offsets[edges + 1]
    counts = ends - starts
    vert = np.repeat(starts, counts) + np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    first = np.zeros(len(vert), dtype=bool)
    first[np.cumsum(counts) - counts] = True
    prev = np.where(first, vert, vert - 1)
    seg = np.hypot(gx[vert] - gx[prev], gy[vert] - gy[prev])
    c = np.where(first, 1, np.maximum(1, np.ceil(seg / DENSIFY_M))).astype(np.int64)
    item_vert = np.repeat(np.arange(len(vert)), c)
    t = (np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c) + 1) / np.repeat(c, c)
    a, b = prev[item_vert], vert[item_vert]
    xy = np.column_stack((gx[a] + t * (gx[b] - gx[a]), gy[a] + t * (gy[b] - gy[a])))
    per_edge = np.add.reduceat(c, np.cumsum(counts) - counts) if len(edges) else c
    bounds = np.concatenate(([0], np.cumsum(per_edge)))
    return {int(e): xy[bounds[i]:bounds[i + 1]] for i, e in enumerate(edges.tolist())}


def _midpoint(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The point halfway along a polyline."""
    seg = np.hypot(np.diff(x), np.diff(y))
    cum = np.concatenate(([0.0], np.cumsum(seg)))
    half = cum[-1] / 2.0
    i = min(int(np.searchsorted(cum, half, side="right")) - 1, len(seg) - 1)
    t = 0.0 if seg[i] == 0 else (half - cum[i]) / seg[i]
    return float(x[i] + t * (x[i + 1] - x[i])), float(y[i] + t * (y[i + 1] - y[i]))


def _components(edges: list[int], eu: np.ndarray, ev: np.ndarray) -> list[list[int]]:
    """Edges joined by shared nodes (union-find)."""
    parent: dict[int, int] = {}

    def find(a: int) -> int:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for e in edges:
        parent[find(int(eu[e]))] = find(int(ev[e]))
    comps: dict[int, list[int]] = {}
    for e in edges:
        comps.setdefault(find(int(eu[e])), []).append(e)
    return list(comps.values())


def _merge_near(comps: list[list[int]], pts: dict[int, np.ndarray]) -> list[list[int]]:
    """Join stretches of one name that come within :data:`GROUP_RADIUS_M` of each other."""
    if len(comps) == 1:
        return comps
    clouds = [np.vstack([pts[e] for e in c]) for c in comps]
    trees = [cKDTree(c) for c in clouds]
    parent = list(range(len(comps)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i in range(len(comps)):
        for j in range(i + 1, len(comps)):
            d, _ = trees[i].query(clouds[j], k=1, distance_upper_bound=GROUP_RADIUS_M)
            if np.isfinite(d).any():
                parent[find(i)] = find(j)
    merged: dict[int, list[int]] = {}
    for i, c in enumerate(comps):
        merged.setdefault(find(i), []).extend(c)
    return list(merged.values())


def build_gazetteer(graph: CompiledGraph) -> Gazetteer:
    """A gazetteer of ``graph``'s places and streets (a few hundred ms for a city)."""
    frame = LocalFrame(float(np.mean(graph.node_lat)), float(np.mean(graph.node_lon)))
    strings = graph.meta.get("strings", [])
    platform_sid = strings.index("platform") if "platform" in strings else -2
    offsets = graph.geom_offsets
    gx, gy = (np.asarray(a) for a in frame.to_xy(graph.geom_lat, graph.geom_lon))
    edge_len = graph.edge_len

    # Walkable named edges by (normalised name, is a platform); the spelling of most length wins.
    keys = {sid: normalise(strings[sid]) for sid in np.unique(graph.edge_name[graph.edge_name >= 0]).tolist()}
    named = np.flatnonzero(graph.edge_walkable & (graph.edge_name >= 0))
    pts = _densify(gx, gy, offsets, named)
    groups: dict[tuple[str, bool], list[int]] = {}
    spelling: dict[tuple[str, bool], dict[str, float]] = {}
    for e in named.tolist():
        sid = int(graph.edge_name[e])
        if len(keys[sid]) < 2:
            continue
        gk = (keys[sid], int(graph.edge_highway[e]) == platform_sid)
        groups.setdefault(gk, []).append(e)
        by_name = spelling.setdefault(gk, {})
        by_name[strings[sid]] = by_name.get(strings[sid], 0.0) + float(edge_len[e])
    display = {gk: max(by_name, key=by_name.get) for gk, by_name in spelling.items()}
    streets = {gk: edges for gk, edges in groups.items() if not gk[1]}

    # Labels: every sampled point of a street knows its name; every node the streets meeting there.
    names = sorted({display[gk] for gk in streets})
    name_idx = {n: i for i, n in enumerate(names)}
    xy = [pts[e] for edges in streets.values() for e in edges]
    of_point = [np.full(len(pts[e]), name_idx[display[gk]], dtype=np.int32)
                for gk, edges in streets.items() for e in edges]
    labels = _StreetLabels(frame, np.vstack(xy) if xy else np.zeros((0, 2)),
                           np.concatenate(of_point) if of_point else np.zeros(0, dtype=np.int32), names)
    node_names: dict[int, set[str]] = {}
    for gk, edges in streets.items():
        for e in edges:
            for n in (int(graph.edge_u[e]), int(graph.edge_v[e])):
                node_names.setdefault(n, set()).add(display[gk])

    base: list[Place] = []
    for gk, edges in groups.items():
        name = display[gk]
        for stretch in _merge_near(_components(edges, graph.edge_u, graph.edge_v), pts):
            longest = max(stretch, key=lambda e: float(edge_len[e]))
            mx, my = _midpoint(gx[offsets[longest]:offsets[longest + 1]], gy[offsets[longest]:offsets[longest + 1]])
            lat, lon = frame.to_latlon(mx, my)
            area = sum(float(edge_len[e]) for e in stretch if graph.edge_area[e])
            total = sum(float(edge_len[e]) for e in stretch)
            kind = "stop" if gk[1] else ("square" if area > total / 2 else "street")
            label = name if gk[1] else _cross_label(graph, frame, name, stretch, node_names, (mx, my))
            area_edges = tuple(e for e in stretch if graph.edge_area[e]) if kind == "square" else ()
            base.append(Place(f"street:way/{int(graph.edge_osm[longest])}", name, kind, float(lat), float(lon),
                              label, np.vstack([pts[e] for e in stretch]), area_edges))
    for p in graph.meta.get("places", []):
        place = Place(f"osm:{p['osm_id']}", p["name"], p["kind"], float(p["lat"]), float(p["lon"]))
        base.append(replace(place, label=labels.label(place)))
    return Gazetteer(base, frame, labels)


def _cross_label(graph: CompiledGraph, frame: LocalFrame, name: str, stretch: list[int],
                 node_names: dict[int, set[str]], at: tuple[float, float]) -> str:
    """"Mainzer Straße / Pariser Straße": the street crossing this one nearest its position."""
    best, best_d = None, float("inf")
    for e in stretch:
        for n in (int(graph.edge_u[e]), int(graph.edge_v[e])):
            others = node_names.get(n, set()) - {name}
            if not others:
                continue
            x, y = frame.to_xy(float(graph.node_lat[n]), float(graph.node_lon[n]))
            d = float(np.hypot(float(x) - at[0], float(y) - at[1]))
            if d < best_d:
                best, best_d = min(others), d
    return f"{name} / {best}" if best else name


_cache: dict[int, tuple[weakref.ref, Gazetteer]] = {}
_cache_lock = threading.Lock()


def gazetteer_for(graph: CompiledGraph) -> Gazetteer:
    """The gazetteer of ``graph``, built once per graph object (lazily, thread-safe)."""
    key = id(graph)
    hit = _cache.get(key)
    if hit is not None and hit[0]() is graph:
        return hit[1]
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0]() is graph:
            return hit[1]
        for k in [k for k, (ref, _) in _cache.items() if ref() is None]:
            del _cache[k]
        gaz = build_gazetteer(graph)
        _cache[key] = (weakref.ref(graph), gaz)
        return gaz
