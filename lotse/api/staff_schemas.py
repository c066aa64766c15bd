"""JSON Schemas of the staff endpoints: obstacles, audit trail, data-quality map."""

from __future__ import annotations

from routing.obstacles import KINDS, MAX_RADIUS_M, MIN_RADIUS_M, SEVERITIES

TIME = {"type": "string", "description": "ISO 8601 date and time with a timezone, e.g. 2025-05-01T08:00:00+02:00"}

GEOMETRY = {
    "type": "object",
    "description": "GeoJSON Point (with radius_m), LineString or Polygon, [lon, lat] positions",
    "required": ["type", "coordinates"],
    "properties": {"type": {"enum": ["Point", "LineString", "Polygon"]}, "coordinates": {"type": "array"}},
}

_FIELDS = {
    "geometry": GEOMETRY,
    "radius_m": {"type": ["number", "null"], "minimum": MIN_RADIUS_M, "maximum": MAX_RADIUS_M,
                 "description": "radius of a Point obstacle in metres (default 5)"},
    "kind": {"enum": list(KINDS)},
    "severity": {"enum": list(SEVERITIES), "description": "impassable: routes avoid it; hazard: routes may pass "
                 "with a cost and a spoken warning"},
    "valid_from": TIME,
    "valid_until": {**TIME, "type": ["string", "null"], "description": TIME["description"] + "; null: until removed"},
    "description": {"type": "string", "minLength": 3, "maxLength": 300,
                    "description": "spoken to users as is: plain German, no abbreviations"},
    "description_en": {"type": ["string", "null"], "maxLength": 300},
}

OBSTACLE_CREATE = {
    "type": "object",
    "required": ["geometry", "kind", "severity", "description"],
    "additionalProperties": False,
    "properties": _FIELDS,
}

OBSTACLE_PATCH = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": _FIELDS,
}

EDGE = {
    "type": "object",
    "properties": {"edge": {"type": "integer"}, "osm_way": {"type": "integer"}, "street": {"type": ["string", "null"]},
                   "way_kind": {"type": "string"}, "length_m": {"type": "number"}},
}

OBSTACLE = {
    "type": "object",
    "required": ["type", "id", "geometry", "properties"],
    "properties": {
        "type": {"const": "Feature"},
        "id": {"type": "integer"},
        "geometry": GEOMETRY,
        "properties": {
            "type": "object",
            "required": ["kind", "severity", "description", "valid_from", "active", "affected"],
            "properties": {
                **{k: v for k, v in _FIELDS.items() if k != "geometry"},
                "active": {"type": "boolean", "description": "in effect now"},
                "revision": {"type": "integer"},
                "created_at": TIME, "created_by": {"type": "string"},
                "updated_at": TIME, "updated_by": {"type": "string"},
                "affected": {"type": "object", "properties": {"count": {"type": "integer"},
                                                              "edges": {"type": "array", "items": EDGE}}},
            },
        },
    },
}

OBSTACLE_PAGE = {
    "type": "object",
    "required": ["type", "features", "next_cursor"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": OBSTACLE},
        "next_cursor": {"type": ["string", "null"], "description": "pass as cursor for the next page; null: last page"},
    },
}

AUDIT_PAGE = {
    "type": "object",
    "required": ["entries", "next_cursor"],
    "properties": {
        "entries": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "at": TIME, "actor": {"type": "object"}, "action": {"type": "string"},
            "entity": {"type": "string"}, "entity_id": {"type": "string"},
            "before": {"type": ["object", "null"]}, "after": {"type": ["object", "null"]}}}},
        "next_cursor": {"type": ["string", "null"]},
    },
}

QUALITY = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array", "items": {"type": "object", "properties": {
            "type": {"const": "Feature"}, "geometry": {"type": "object"},
            "properties": {"type": "object", "required": ["missing", "usage"], "properties": {
                "missing": {"type": "array", "items": {"type": "string"}},
                "usage": {"type": "number", "description": "share of sampled walking routes passing here"},
                "rank": {"type": "integer"}}}}}},
        "measure": {"type": "object"},
    },
}

def query(name: str, description: str, schema: dict | None = None) -> dict:
    """An OpenAPI query parameter."""
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}
