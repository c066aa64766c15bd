"""JSON Schemas of live guidance sessions and orientation (where am I, around me)."""

from __future__ import annotations

from lotse.api import schemas

GUIDANCE = {
    "type": "object",
    "additionalProperties": False,
    "description": "When things are said (defaults: pre-announcement at max(30 m, speed × 8 s), reassurance "
                   "after 120 m without a word)",
    "properties": {
        "announce_m": {"type": "number", "minimum": 10, "maximum": 200, "default": 30,
                       "description": "pre-announce a maneuver at least this far before it"},
        "announce_s": {"type": "number", "minimum": 0, "maximum": 30, "default": 8,
                       "description": "... or this many seconds of walking at the current speed, if farther"},
        "reassure_m": {"type": "number", "minimum": 50, "maximum": 1000, "default": 120,
                       "description": "say how far to the next maneuver after this many metres without a word"},
    },
}

SESSION_REQUEST = {
    "type": "object",
    "required": ["from", "to"],
    "additionalProperties": False,
    "description": "A route request as for POST /api/v1/routes (without alternatives), plus `guidance` settings.",
    "properties": {
        **{k: v for k, v in schemas.ROUTE_REQUEST["properties"].items() if k != "alternatives"},
        "guidance": GUIDANCE,
    },
}

SESSION_FROM_ROUTE = {
    "type": "object",
    "required": ["route"],
    "additionalProperties": False,
    "description": "Guide along a route the client already has: the response of POST /api/v1/routes as it came "
                   "(an alternative works too). Give units, directions and step_length_m as asked then; `options` "
                   "are used when a new route is planned after leaving this one.",
    "properties": {
        "route": {
            "type": "object",
            "required": ["route", "steps"],
            "properties": {
                "route": schemas.ROUTE_FEATURE,
                "steps": {"type": "array", "minItems": 2, "maxItems": 2000,
                          "items": {**schemas.STEP, "properties": {
                              **schemas.STEP["properties"],
                              "location": {"type": "array", "items": {"type": "number"}, "minItems": 2,
                                           "maxItems": 2},
                              "text": {"type": "object", "required": ["main"],
                                       "properties": {"pre": {"type": ["string", "null"]},
                                                      "main": {"type": "string", "minLength": 1},
                                                      "post": {"type": ["string", "null"]}}}}}},
                "lang": {"enum": ["de", "en"]},
            },
        },
        **{k: SESSION_REQUEST["properties"][k] for k in ("options", "lang", "units", "directions", "step_length_m",
                                                         "audio", "speech_rate", "guidance")},
    },
}

SESSION_START = {"oneOf": [SESSION_REQUEST, SESSION_FROM_ROUTE],
                 "description": "A route request, or {\"route\": <a route response>}."}

BEACON_READING = {
    "type": "object",
    "required": ["id", "rssi"],
    "properties": {"id": {"type": "string", "minLength": 1, "maxLength": 200},
                   "rssi": {"type": "number", "minimum": -127, "maximum": 20}},
}

POSITION_UPDATE = {
    "type": "object",
    "additionalProperties": False,
    "description": "A GPS fix (lat, lon, accuracy_m) and/or a BLE scan (beacons). Send timestamps with every "
                   "update or with none.",
    "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
    "properties": {
        "lat": schemas.LAT,
        "lon": schemas.LON,
        "accuracy_m": {"type": ["number", "null"], "minimum": 0, "maximum": 5000,
                       "description": "radius containing the true position in about 2/3 of fixes (default 10; "
                                      "null: unknown)"},
        "heading": {"type": ["number", "null"], "minimum": 0, "maximum": 360,
                    "description": "direction of walking, degrees clockwise from north (null: unknown, as phones "
                                   "report it standing still)"},
        "speed": {"type": ["number", "null"], "minimum": 0, "maximum": 20,
                  "description": "walking speed, m/s (null: unknown)"},
        "beacons": {"type": "array", "maxItems": 100, "items": BEACON_READING},
        "timestamp": {"type": ["number", "string"],
                      "description": "time of the fix: seconds since 1970 or ISO 8601 with zone (default: arrival)"},
    },
}

SPEAK_ITEM = {
    "type": "object",
    "required": ["kind", "text"],
    "properties": {
        "kind": {"enum": ["summary", "main", "pre", "post", "reassure", "warning", "landmark", "off_route",
                          "no_route", "direction", "route_changed"],
                 "description": "main: at the maneuver; pre: before it; post: what follows; reassure: distance to "
                                "the next maneuver on a long stretch; warning: hazard ahead; landmark: a stop or "
                                "beacon passed now; off_route: left the route (a new route follows); no_route: "
                                "left the route and no new route; direction: where a new route leads from the "
                                "walker's heading; route_changed: staff closed or endangered the way ahead"},
        "step": {"type": "integer", "description": "index into the (current) route's steps"},
        "text": {"type": "string"},
        "distance_m": {"type": "number", "description": "pre/warning: metres ahead; reassure/post: to the next"},
        "late": {"type": "boolean", "description": "said after the walker passed the point (sparse fixes)"},
        "repeat": {"type": "boolean"},
        "audio": {"type": "string", "description": "URL of the spoken text (sessions with audio: true)"},
    },
}

PROGRESS = {
    "type": "object",
    "required": ["distance_done_m", "distance_remaining_m", "step_index"],
    "properties": {
        "distance_done_m": {"type": "number"},
        "distance_remaining_m": {"type": "number"},
        "step_index": {"type": "integer", "description": "the last maneuver passed"},
        "next_step_index": {"type": ["integer", "null"]},
        "distance_to_next_m": {"type": ["number", "null"]},
        "next_maneuver": {"type": ["object", "null"]},
    },
}

SESSION = {
    "type": "object",
    "required": ["id", "route", "steps", "expires_at"],
    "properties": {
        "id": {"type": "string"},
        "route": schemas.ROUTE_FEATURE,
        "steps": {"type": "array", "items": schemas.STEP},
        "expires_at": {"type": "string", "format": "date-time"},
        "route_version": {"type": "integer", "description": "0, then +1 for each new route after leaving the route"},
        "speak": {"type": "array", "items": SPEAK_ITEM},
        "progress": PROGRESS,
        "arrived": {"type": "boolean"},
        "lang": {"type": "string"},
    },
}

POSITION_ANSWER = {
    "type": "object",
    "required": ["position", "progress", "speak", "off_route", "arrived"],
    "properties": {
        "position": {
            "type": "object",
            "description": "the fix snapped onto the route",
            "properties": {"lat": schemas.LAT, "lon": schemas.LON, "accuracy_m": {"type": "number"},
                           "method": {"type": "string"}, "distance_from_route_m": {"type": "number"},
                           "on_route": {"type": "boolean"}},
        },
        "progress": PROGRESS,
        "speak": {"type": "array", "items": SPEAK_ITEM, "description": "what to say now, in order"},
        "off_route": {"type": "boolean", "description": "the walker left the route; `route` and `steps` hold the "
                                                        "new route when one was found"},
        "arrived": {"type": "boolean"},
        "route_version": {"type": "integer"},
        "route": schemas.ROUTE_FEATURE,
        "steps": {"type": "array", "items": schemas.STEP},
        "stale": {"type": "boolean", "description": "the fix was older than the last one and was ignored"},
        "expires_at": {"type": "string", "format": "date-time"},
    },
}

REPEAT_ANSWER = {
    "type": "object",
    "required": ["speak"],
    "properties": {"speak": {"type": "array", "items": SPEAK_ITEM}, "progress": PROGRESS,
                   "arrived": {"type": "boolean"}, "expires_at": {"type": "string"}},
}

HEADING = {"type": "number", "minimum": 0, "maximum": 360, "description": "degrees clockwise from north"}
LANG = {"enum": ["de", "en"], "default": "de"}
DIRECTIONS = {"enum": ["clock", "relative"], "default": "clock",
              "description": "say directions as clock face (with heading) or left/right"}

#: Where the walker is, for /whereami and /around: a GPS fix, a BLE scan, or both (located as /locate does).
_WHERE = {"lat": schemas.LAT, "lon": schemas.LON,
          "accuracy_m": {"type": "number", "minimum": 0, "maximum": 5000},
          "beacons": {"type": "array", "minItems": 1, "maxItems": 100, "items": BEACON_READING,
                      "description": "a BLE scan; with lat/lon both are fused as by POST /api/v1/locate"}}
_WHERE_RULES = {"dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
                "anyOf": [{"required": ["lat", "lon"]}, {"required": ["beacons"]}]}

WHEREAMI_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    **_WHERE_RULES,
    "properties": {**_WHERE, "heading": HEADING, "lang": LANG, "directions": DIRECTIONS},
}

SESSION_WHEREAMI_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
    "description": "Optional: a position (else the session's last fix) and language (else the session's).",
    "properties": {k: v for k, v in WHEREAMI_REQUEST["properties"].items() if k != "beacons"},
}

AROUND_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    **_WHERE_RULES,
    "properties": {**_WHERE, "heading": HEADING,
                   "radius_m": {"type": "number", "exclusiveMinimum": 0, "maximum": 300, "default": 50},
                   "lang": LANG, "directions": DIRECTIONS},
}

THING = {
    "type": "object",
    "required": ["kind", "lat", "lon", "distance_m", "bearing"],
    "properties": {
        "kind": {"enum": ["place", "stop", "crossing"]},
        "name": {"type": ["string", "null"]},
        "lat": schemas.LAT, "lon": schemas.LON,
        "distance_m": {"type": "number"},
        "bearing": {"type": "number", "description": "from the walker, degrees from north"},
        "clock": {"type": ["integer", "null"], "description": "clock-face direction relative to the heading"},
        "detail": {"type": "object", "description": "place_kind; for crossings control, sound, vibration, "
                                                    "tactile_paving, island and the street crossed"},
    },
}

POSITION_USED = {
    "type": "object",
    "description": "the position answered for: lat, lon, accuracy_m and method (gps, or the beacon method "
                   "of POST /api/v1/locate when beacons were sent)",
}

WHEREAMI_ANSWER = {
    "type": "object",
    "required": ["text", "street", "junction", "stop"],
    "properties": {
        "text": {"type": "string", "description": "spoken summary"},
        "street": {"type": ["object", "null"], "description": "name, way_kind, distance_m, side (left/right of "
                   "the street relative to heading, or unknown), side_source (sidewalk, offset or null)"},
        "junction": {"type": ["object", "null"], "description": "the next junction ahead (both ways without "
                     "heading): distance_m along the way, bearing, clock, streets meeting there"},
        "at_junction": {"type": ["object", "null"], "description": "the junction the walker stands at (within 3 m)"},
        "stop": {"anyOf": [THING, {"type": "null"}]},
        "beacon": {"type": ["object", "null"], "description": "the nearest active beacon within 100 m: id, label, "
                   "kind, lat, lon, distance_m, bearing, clock"},
        "route": {"type": "object", "description": "session: progress on the route"},
        "position": POSITION_USED,
    },
}

AROUND_ANSWER = {
    "type": "object",
    "required": ["items", "text", "radius_m"],
    "properties": {"items": {"type": "array", "items": THING}, "text": {"type": "string"},
                   "radius_m": {"type": "number"}, "position": POSITION_USED},
}
