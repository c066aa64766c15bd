"""The JSON Schema (2020-12) of a route test suite.

One schema serves three readers: the loader validates suites with it, the
HTTP API documents ``POST /api/v1/scenario-runs`` with it, and
``docs/route-suites.md`` explains it key by key. Every ``description`` here
is written for a partner organisation reading an error message.
"""

from __future__ import annotations

from typing import Any

#: Most scenarios one suite may hold (the API refuses larger suites with 413).
MAX_SCENARIOS = 200

_LAT = {"type": "number", "minimum": -90, "maximum": 90}
_LON = {"type": "number", "minimum": -180, "maximum": 180}
_RADIUS = {"type": "number", "exclusiveMinimum": 0, "maximum": 1000,
           "description": "metres around the point (default 15)"}

COORD_POINT = {"type": "object", "required": ["lat", "lon"], "additionalProperties": False,
               "properties": {"lat": _LAT, "lon": _LON}}
PLACE_POINT = {"type": "object", "required": ["place"], "additionalProperties": False,
               "properties": {"place": {"type": "string", "minLength": 1}}}
BEACON_POINT = {"type": "object", "required": ["beacon"], "additionalProperties": False,
                "properties": {"beacon": {"type": "string", "minLength": 1}}}

POINT = {
    "description": "a point: {lat, lon}, {place} or {beacon}",
    "oneOf": [COORD_POINT, PLACE_POINT, BEACON_POINT],
}

AREA = {
    "description": "an area: {lat, lon, radius_m} or {beacon, radius_m}",
    "oneOf": [
        {"type": "object", "required": ["lat", "lon"], "additionalProperties": False,
         "properties": {"lat": _LAT, "lon": _LON, "radius_m": _RADIUS, "label": {"type": "string"}}},
        {"type": "object", "required": ["beacon"], "additionalProperties": False,
         "properties": {"beacon": {"type": "string", "minLength": 1}, "radius_m": _RADIUS,
                        "label": {"type": "string"}}},
    ],
}

_COUNT = {"type": "integer", "minimum": 0}

#: Expectation key -> its schema. The order is the order checks are reported in.
EXPECTATIONS: dict[str, dict[str, Any]] = {
    "max_length_m": {"type": "number", "exclusiveMinimum": 0,
                     "description": "route length in metres at most this"},
    "max_detour_factor": {"type": "number", "minimum": 1,
                          "description": "route length divided by the shortest walk, at most this"},
    "max_crossings": dict(_COUNT, description="street crossings of any kind, at most this many"),
    "max_unsignalised_major_crossings": dict(
        _COUNT, description="crossings of major roads (primary, secondary, tertiary) without traffic signals"),
    "max_crossings_without_sound": dict(
        _COUNT, description="crossings without a known acoustic signal (no signals, or sound no/unknown)"),
    "no_steps": {"type": "boolean", "description": "true: the route uses no flight of steps"},
    "max_turns": dict(_COUNT, description="turns (each part of a compound turn counts)"),
    "must_pass": {"type": "array", "items": AREA, "minItems": 1,
                  "description": "areas the route line must come within radius_m of"},
    "must_avoid": {"type": "array", "items": AREA, "minItems": 1,
                   "description": "areas the route line must stay farther than radius_m from"},
    "must_mention": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
                     "description": "words the spoken guidance (summary and step texts) must contain, "
                                    "ignoring case"},
}

EXPECT = {"type": "object", "additionalProperties": False, "properties": EXPECTATIONS,
          "description": "what the route must satisfy"}

_ROUTE_SETTINGS = {
    "profile": {"type": "string", "minLength": 1, "description": "profile preset, see GET /api/v1/profiles"},
    "options": {"type": "object", "description": "per-request overrides of profile parameters"},
    "lang": {"enum": ["de", "en"]},
    "units": {"enum": ["metres", "steps"]},
    "directions": {"enum": ["clock", "relative"]},
}

SCENARIO = {
    "type": "object",
    "required": ["name", "from", "to"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": {"type": "string"},
        "from": POINT,
        "to": POINT,
        **_ROUTE_SETTINGS,
        "expect": EXPECT,
        "expect_problem": {"type": "string", "minLength": 1,
                           "description": "the route must be refused with this problem type "
                                          "(e.g. no-route, point-off-network); no other expectation then"},
    },
}

SUITE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Lotse route test suite",
    "type": "object",
    "required": ["scenarios"],
    "additionalProperties": False,
    "patternProperties": {"^x-": {"description": "free: a place for YAML anchors shared by scenarios"}},
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string"},
        "defaults": {
            "type": "object",
            "additionalProperties": False,
            "properties": {**_ROUTE_SETTINGS, "expect": EXPECT},
            "description": "settings and expectations every scenario starts from",
        },
        "scenarios": {"type": "array", "items": SCENARIO, "minItems": 1},
    },
}
