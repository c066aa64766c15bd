"""``GET /api/v1/places``: the gazetteer, and place names as route points.

Search and the ambiguity rule live in :mod:`routing.places`; this module
turns them into HTTP answers and problems, and asks the optional online
geocoder (:mod:`lotse.geocoder`) only when the gazetteer knows nothing.
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, jsonify, request

from routing.places import KIND_ALIASES, Candidate, Gazetteer, gazetteer_for

from lotse import geocoder
from lotse.api import schemas
from lotse.api.spec import documented, quote
from lotse.problems import Problem

bp = Blueprint("places", __name__)

MAX_QUERY_LEN = 200
MAX_LIMIT = 50
MAX_PROBLEM_CANDIDATES = 8

PLACE = {
    "type": "object",
    "required": ["id", "name", "kind", "lat", "lon", "score"],
    "properties": {
        "id": {"type": "string", "description": "osm:node/<id>, osm:way/<id>, street:way/<id>, beacon:<id> or nominatim:..."},
        "name": {"type": "string"},
        "kind": {"type": "string", "description": "street, square, bus_stop, stop, station, building, "
                                                   "amenity:<value>, shop:<value>, ... or beacon"},
        "lat": schemas.LAT,
        "lon": schemas.LON,
        "score": {"type": "number", "minimum": 0, "maximum": 100, "description": "100 = same normalised name"},
        "exact": {"type": "boolean"},
        "label": {"type": "string", "description": "name with the nearest street or, for a street, a cross street"},
        "members": {"type": "array", "items": {"type": "object"},
                    "description": "entries of the same name nearby that form this place (bus stop platforms ...)"},
        "source": {"type": "string", "description": "'nominatim' for answers of the online fallback"},
    },
}

PLACES_RESPONSE = {
    "type": "object",
    "required": ["places"],
    "properties": {"query": {"type": "string"}, "places": {"type": "array", "items": PLACE}},
}

PARAMETERS = [
    {"name": "q", "in": "query", "required": True, "description": "a place, street or stop name; "
     "case, umlauts, 'Str.', hyphens, small typos and word beginnings are tolerated",
     "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LEN}},
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 10}},
    {"name": "kind", "in": "query", "required": False, "description": "comma-separated kinds or families: "
     "street, square, bus_stop, stop, station, transit (all stops and stations), amenity, shop, building, beacon ...",
     "schema": {"type": "string"}},
]


def gazetteer() -> Gazetteer:
    """The gazetteer of the graph served (built on first use), with the active beacons by their labels."""
    gaz = gazetteer_for(current_app.extensions["lotse.graphs"].graph)
    beacons = current_app.extensions.get("lotse.beacons")
    if beacons is not None:
        beacons.sync_gazetteer(gaz)  # beacons registered since the last query (any worker) are found
    return gaz


#: Kinds a filter may name besides those in the gazetteer: the OSM import's kinds and families
#: (routing.osm_import._place_kind), streets, beacons, and the aliases of routing.places.
BASE_KINDS = ("street", "square", "station", "stop", "bus_stop", *KIND_ALIASES, "building", "beacon")
KIND_FAMILIES = ("amenity", "shop", "tourism", "office", "leisure", "historic")
_FAMILY_VALUE = re.compile(r"[a-z]+:[a-z0-9_\-]+")
_present: dict[tuple[int, int], frozenset[str]] = {}


def _known_kinds(gaz: Gazetteer) -> frozenset[str]:
    """Every kind a filter may name: the static vocabulary and the kinds (and families) in ``gaz``."""
    key = (id(gaz), len(gaz))
    known = _present.get(key)
    if known is None:
        kinds = {p.kind for p in gaz.entries}
        known = frozenset((*BASE_KINDS, *KIND_FAMILIES, *kinds, *(k.split(":", 1)[0] for k in kinds)))
        _present.clear()
        _present[key] = known
    return known


def _kinds(value: object, gaz: Gazetteer, pointer: str) -> list[str] | None:
    """The kinds of a comma-separated filter; an ``invalid-request`` problem naming any unknown kind."""
    if value is None:
        return None
    kinds = [k.strip() for k in str(value).split(",") if k.strip()]
    known = _known_kinds(gaz)
    bad = [k for k in kinds if k not in known and not (_FAMILY_VALUE.fullmatch(k) and k.split(":")[0] in known)]
    if bad:
        shown = ", ".join(quote(k, 40) for k in bad[:5])
        raise Problem("invalid-request", f"{pointer.strip('/').replace('/', '.')}: unknown kind {shown}; known: "
                      f"{', '.join(BASE_KINDS)}, or a family such as {', '.join(KIND_FAMILIES)} alone or with "
                      "a value (amenity:pharmacy, shop:bakery); several separated by commas.",
                      pointer=pointer, errors=[{"pointer": pointer, "message": f"unknown kind {shown}"}])
    return kinds or None


def _online(query: str, limit: int) -> list[dict]:
    """Answers of the online geocoder, when configured; [] otherwise."""
    if not geocoder.enabled(current_app.config.get("GEOCODER")):
        return []
    graph = current_app.extensions["lotse.graphs"].graph
    bounds = graph.meta.get("bounds") or (
        float(graph.node_lat.min()), float(graph.node_lon.min()),
        float(graph.node_lat.max()), float(graph.node_lon.max()))
    return geocoder.lookup(query, tuple(bounds), current_app.config.get("NOMINATIM_DOMAIN"), limit)


@bp.get("/places")
@documented(
    "Search named places, streets and stops",
    description="Ranked candidates for a name; an exact (normalised) match comes first. Entries of one name "
                "within 150 m form one place (its `members`). Nothing here needs the internet unless "
                "LOTSE_GEOCODER=nominatim is set, and then only when the built-in gazetteer finds nothing.",
    parameters=PARAMETERS,
    responses={200: ("Candidates, best first", PLACES_RESPONSE),
               422: ("Missing or empty q, a bad limit or an unknown kind", schemas.PROBLEM)},
    tag="places",
)
def search_places():
    q = (request.args.get("q") or "").strip()
    if not q:
        raise Problem("invalid-request", "Query parameter q (a place, street or stop name) is required.",
                      errors=[{"pointer": "q", "message": "required, not empty"}])
    if len(q) > MAX_QUERY_LEN:
        raise Problem("invalid-request", f"q is longer than {MAX_QUERY_LEN} characters.")
    raw_limit = request.args.get("limit", "10")
    try:
        limit = int(raw_limit)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise Problem("invalid-request", f"limit must be a whole number from 1 to {MAX_LIMIT}, not {raw_limit!r}.")
    gaz = gazetteer()
    places = [c.to_dict() for c in gaz.search(q, limit, _kinds(request.args.get("kind"), gaz, "kind"))]
    if not places:
        places = _online(q, limit)
    return jsonify({"query": q, "places": places})


def _describe(c: Candidate | dict) -> str:
    d = c.to_dict() if isinstance(c, Candidate) else c
    return f"{d.get('label') or d['name']} ({d['kind']})"


def resolved(point: dict) -> Candidate | None:
    """The gazetteer place a ``{"place": ...}`` point names, when it resolves uniquely (else None).

    Anything else is left to :func:`resolve_place` to report.
    """
    if "place" not in point:
        return None
    gaz = gazetteer()
    try:
        kinds = _kinds(point.get("kind"), gaz, "/to/kind")
    except Problem:
        return None
    res = gaz.resolve(str(point["place"]).strip(), kinds, max_candidates=MAX_PROBLEM_CANDIDATES)
    return res.candidates[0] if res.status == "unique" else None


def area_of(candidate: Candidate | None) -> tuple[int, ...]:
    """The edges of a square (arriving at any is arriving), else ()."""
    if candidate is None:
        return ()
    return tuple(sorted({e for member in candidate.members for e in member.area_edges}))


def goal_landmark(candidate: Candidate | None) -> dict | None:
    """The place asked for as a landmark said on arrival ("Dort ist die Löwen-Apotheke"); not streets or squares."""
    if candidate is None or candidate.place.kind in ("street", "square"):
        return None
    p = candidate.place
    return {"name": p.name, "kind": p.kind, "lat": p.lat, "lon": p.lon, "id": p.id, "goal": True}


def resolve_place(point: dict, role: str) -> tuple[float, float]:
    """(lat, lon) of a ``{"place": ...}`` point, or an ``ambiguous-place`` / ``unknown-place`` problem.

    The rule is :meth:`routing.places.Gazetteer.resolve`'s: an exact name of
    exactly one place, or a best match scoring at least ``RESOLVE_MIN_SCORE``
    with no other place within ``AMBIGUITY_MARGIN`` of it. The online
    geocoder, when switched on, is asked only when nothing matched at all.
    """
    query = str(point["place"]).strip()
    gaz = gazetteer()
    kinds = _kinds(point.get("kind"), gaz, f"/{role}/kind")
    res = gaz.resolve(query, kinds, max_candidates=MAX_PROBLEM_CANDIDATES)
    if res.status == "unique":
        return res.candidates[0].lat, res.candidates[0].lon
    if res.status == "ambiguous":
        shown = "; ".join(_describe(c) for c in res.candidates)
        raise Problem(
            "ambiguous-place",
            f'"{query}" ({role}) matches {len(res.candidates)} places: {shown}. '
            "Send a more precise name, a kind, or the lat/lon of one candidate.",
            pointer=f"/{role}", query=query, candidates=[c.to_dict() for c in res.candidates])
    if not res.candidates:
        online = _online(query, MAX_PROBLEM_CANDIDATES)
        if len(online) == 1:
            return online[0]["lat"], online[0]["lon"]
        if online:
            raise Problem(
                "ambiguous-place",
                f'"{query}" ({role}) matches {len(online)} places of the online geocoder: '
                f'{"; ".join(_describe(c) for c in online)}. Send the lat/lon of one of them.',
                pointer=f"/{role}", query=query, candidates=online)
    hint = (" Did you mean: " + "; ".join(_describe(c) for c in res.candidates) + "?") if res.candidates else ""
    raise Problem("unknown-place", f'No place called "{query}" ({role}) is known.{hint}',
                  pointer=f"/{role}", query=query, candidates=[c.to_dict() for c in res.candidates])
