"""JSON Schemas (2020-12) of requests and responses: used to validate and to document."""

from __future__ import annotations

LAT = {"type": "number", "minimum": -90, "maximum": 90, "description": "latitude, WGS84 degrees"}
LON = {"type": "number", "minimum": -180, "maximum": 180, "description": "longitude, WGS84 degrees"}

COORD_POINT = {
    "type": "object",
    "required": ["lat", "lon"],
    "properties": {"lat": LAT, "lon": LON},
    "additionalProperties": False,
}

PLACE_POINT = {
    "type": "object",
    "required": ["place"],
    "properties": {
        "place": {"type": "string", "minLength": 1, "maxLength": 200,
                  "description": "a name searched in the gazetteer (GET /api/v1/places); it must match one place"},
        "kind": {"type": "string", "maxLength": 200,
                 "description": "only places of these kinds (comma-separated), e.g. bus_stop; see GET /api/v1/places"},
    },
    "additionalProperties": False,
}

BEACON_POINT = {
    "type": "object",
    "required": ["beacon"],
    "properties": {
        "beacon": {"type": "string", "minLength": 1, "maxLength": 200,
                   "description": "id of a registered, active beacon (GET /api/v1/beacons), in any spelling"},
    },
    "additionalProperties": False,
}

POINT = {
    "description": "A point: coordinates, a place name, or a beacon.",
    "oneOf": [COORD_POINT, PLACE_POINT, BEACON_POINT],
}

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}

ROUTE_REQUEST = {
    "type": "object",
    "required": ["from", "to"],
    "additionalProperties": False,
    "properties": {
        "from": POINT,
        "to": POINT,
        "profile": {"type": "string", "description": "profile preset, see GET /api/v1/profiles", "default": "walk"},
        "options": {"type": "object", "description": "per-request overrides of profile parameters"},
        "lang": {"enum": ["de", "en"], "default": "de"},
        "units": {"enum": ["metres", "steps"], "default": "metres"},
        "directions": {"enum": ["clock", "relative"], "default": "relative"},
        "step_length_m": {"type": "number", "minimum": 0.3, "maximum": 1.5, "default": 0.7},
        "audio": {"type": "boolean", "default": False},
        "speech_rate": {"type": "integer", "minimum": 80, "maximum": 400, "default": 175,
                        "description": "speech rate of the audio, words per minute"},
        "alternatives": {"type": "integer", "minimum": 0, "maximum": 3, "default": 0},
    },
}

TEXT = {
    "type": "object",
    "properties": {"pre": {"type": ["string", "null"]}, "main": {"type": "string"}, "post": {"type": ["string", "null"]}},
}

STEP = {
    "type": "object",
    "required": ["kind", "distance_m", "bearing", "turn_angle", "clock", "location", "text"],
    "properties": {
        "kind": {"type": "string"},
        "distance_m": {"type": "number", "description": "metres to the next step"},
        "bearing": {"type": "number"},
        "turn_angle": {"type": "number", "description": "signed degrees, positive = right"},
        "clock": {"type": "integer", "minimum": 1, "maximum": 12},
        "modifier": {"type": ["string", "null"]},
        "street": {"type": ["string", "null"]},
        "location": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
        "crossing": {"type": "object"},
        "side_crossing": {"type": "object", "description": "a street this move crosses only from the other "
                          "side of the street walked (on centreline maps the side is unknown)"},
        "steps": {"type": "object"},
        "landmarks": {"type": "array"},
        "warnings": {"type": "array"},
        "text": TEXT,
        "audio": {"type": "object"},
    },
}

ROUTE_FEATURE = {
    "type": "object",
    "required": ["type", "geometry", "properties"],
    "properties": {
        "type": {"const": "Feature"},
        "geometry": {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {"type": {"const": "LineString"}, "coordinates": {"type": "array"}},
        },
        "properties": {
            "type": "object",
            "required": ["distance_m", "duration_s", "profile"],
            "properties": {
                "distance_m": {"type": "number"},
                "duration_s": {"type": "number"},
                "profile": {"type": "string"},
                "audit": {"type": "object", "description": "what the route asks of the walker (routing.audit): "
                          "crossings by control and aid, unknown crossings, major-road crossings without signals, "
                          "steps, turns, barriers, rough and unknown surface, hazards, walk_distance_m, "
                          "detour_factor (length / shortest walk)"},
                "summary": {"type": "string"},
            },
        },
    },
}

ALTERNATIVE = {
    "type": "object",
    "description": "Another route between the same points, with its own steps and audit.",
    "required": ["route", "steps", "label"],
    "properties": {
        "route": ROUTE_FEATURE,
        "steps": {"type": "array", "items": STEP},
        "label": {"enum": ["shortest", "different"],
                  "description": "shortest: the shortest walk (the asked profile chose a longer, safer way); "
                                 "different: another way sharing at most 70 % of its length with the others"},
    },
}

ROUTE_RESPONSE = {
    "type": "object",
    "required": ["route", "steps", "alternatives"],
    "properties": {
        "route": ROUTE_FEATURE,
        "steps": {"type": "array", "items": STEP},
        "alternatives": {"type": "array", "items": ALTERNATIVE,
                         "description": "up to the requested number of alternatives (request field alternatives)"},
        "lang": {"type": "string"},
        "from": {**COORD_POINT, "description": "the start as resolved (a place or beacon becomes coordinates)"},
        "to": {**COORD_POINT, "description": "the goal as resolved"},
        "audio": {
            "type": "object",
            "description": "present when audio was asked for: whether it is available, and why not",
            "properties": {"available": {"type": "boolean"}, "detail": {"type": "string"},
                           "format": {"type": "string"}, "rate": {"type": "integer"}},
        },
    },
}

HEALTH = {
    "type": "object",
    "required": ["status", "graph"],
    "properties": {
        "status": {"const": "ok"},
        "graph": {"type": "object"},
        "version": {"type": "string"},
    },
}
