"""JSON Schemas of the beacon registry and of ``POST /api/v1/locate``."""

from __future__ import annotations

from beacons.model import KINDS, LEVEL_RANGE, MAX_LABEL_LENGTH, PATH_LOSS_EXPONENT_RANGE, TX_POWER_RANGE

from lotse.api import schemas

BEACON_ID = {"type": "string", "minLength": 1, "maxLength": 200,
             "description": "ibeacon:UUID:MAJOR:MINOR, eddystone:NAMESPACE:INSTANCE (hex) or a free id (at most "
                            "128 printable characters); stored in canonical form (lowercase hex, hyphenated UUID)"}
_TIME = {"type": ["string", "null"], "description": "ISO 8601 date (2024-05-01) or date and time"}

_FIELDS = {
    "id": BEACON_ID,
    "lat": schemas.LAT,
    "lon": schemas.LON,
    "level": {"type": ["number", "null"], "minimum": LEVEL_RANGE[0], "maximum": LEVEL_RANGE[1],
              "description": "building level (0 = street); null outdoors"},
    "tx_power": {"type": "number", "minimum": TX_POWER_RANGE[0], "maximum": TX_POWER_RANGE[1], "default": -59,
                 "description": "measured power: RSSI at 1 m, dBm"},
    "path_loss_exponent": {"type": "number", "minimum": PATH_LOSS_EXPONENT_RANGE[0],
                           "maximum": PATH_LOSS_EXPONENT_RANGE[1], "default": 2,
                           "description": "n in rssi = tx_power - 10 n log10(d)"},
    "kind": {"enum": list(KINDS), "default": "waypoint"},
    "label": {"type": "string", "minLength": 1, "maxLength": MAX_LABEL_LENGTH,
              "description": "spoken German name, e.g. 'Bushaltestelle Rathaus, Steig A' (no abbreviations)"},
    "label_en": {"type": ["string", "null"], "maxLength": MAX_LABEL_LENGTH, "description": "spoken English name"},
    "active": {"type": "boolean", "default": True,
               "description": "false: ignored by positioning, not announced, not a route point"},
    "installed_at": _TIME,
    "battery": {"type": ["number", "null"], "minimum": 0, "maximum": 100, "description": "percent"},
    "last_seen": _TIME,
}

BEACON_CREATE = {
    "type": "object",
    "required": ["id", "lat", "lon", "label"],
    "additionalProperties": False,
    "properties": _FIELDS,
}

BEACON_PUT = {
    "type": "object",
    "description": "The whole record: members left out take their defaults. `id`, if given, must be the one "
                   "in the URL.",
    "required": ["lat", "lon", "label"],
    "additionalProperties": False,
    "properties": _FIELDS,
}

ATTACHED = {
    "type": ["object", "null"],
    "description": "the nearest point of a walkable way within 30 m; null: farther (used for positioning, "
                   "not announced as a landmark)",
    "properties": {"edge": {"type": "integer"}, "lat": schemas.LAT, "lon": schemas.LON,
                   "distance_m": {"type": "number"}, "street": {"type": ["string", "null"]},
                   "way_kind": {"type": "string"}},
}

BEACON = {
    "type": "object",
    "required": ["id", "lat", "lon", "label", "kind", "active", "source", "attached"],
    "properties": {
        **_FIELDS,
        "source": {"enum": ["registry", "graph"],
                   "description": "registry: registered in the database (API, lotse beacons import); graph: built "
                                  "into the graph file (lotse build --beacons) and read-only here"},
        "attached": ATTACHED,
        "revision": {"type": "integer"},
        "created_at": {"type": "string"}, "created_by": {"type": "string"},
        "updated_at": {"type": "string"}, "updated_by": {"type": "string"},
        "warnings": {"type": "array", "items": {"type": "string"}},
    },
}

BEACON_PAGE = {
    "type": "object",
    "required": ["beacons", "next_cursor"],
    "properties": {
        "beacons": {"type": "array", "items": BEACON},
        "next_cursor": {"type": ["string", "null"], "description": "pass as cursor for the next page; null: last"},
        "version": {"type": "integer", "description": "registry version (change counter) of this answer"},
    },
}

READING = {
    "type": "object",
    "required": ["id", "rssi"],
    "properties": {
        "id": {"type": "string", "minLength": 1, "maxLength": 200, "description": "beacon id in any spelling"},
        "rssi": {"type": "number", "description": "dBm; readings outside -110..0 are rejected (and reported)"},
    },
}

GPS = {
    "type": "object",
    "required": ["lat", "lon", "accuracy_m"],
    "additionalProperties": False,
    "properties": {"lat": schemas.LAT, "lon": schemas.LON,
                   "accuracy_m": {"type": "number", "exclusiveMinimum": 0, "maximum": 5000,
                                  "description": "radius containing the true position in about 2/3 of fixes"}},
}

LOCATE_REQUEST = {
    "type": "object",
    "description": "A BLE scan and/or a GPS fix; at least one of them.",
    "additionalProperties": False,
    "properties": {
        "beacons": {"type": "array", "maxItems": 200, "items": READING},
        "gps": GPS,
    },
}

SKIPPED = {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"},
                                                                        "reason": {"type": "string"}}}}

LOCATE_RESPONSE = {
    "type": "object",
    "required": ["lat", "lon", "accuracy_m", "method", "nearest_beacon", "on_graph", "ignored", "rejected"],
    "properties": {
        "lat": schemas.LAT,
        "lon": schemas.LON,
        "accuracy_m": {"type": "number", "description": "radius containing the true position in about 2/3 of fixes"},
        "method": {"type": "string", "description": "likelihood (2 or more beacons), proximity (1), centroid (a "
                                                    "degenerate posterior), gps; '+gps' when a GPS fix was fused"},
        "level": {"type": ["number", "null"]},
        "nearest_beacon": {"type": ["object", "null"], "properties": {
            "id": {"type": "string"}, "label": {"type": "string"}, "label_en": {"type": ["string", "null"]},
            "kind": {"type": "string"}, "distance_m": {"type": "number"}}},
        "on_graph": {"type": ["object", "null"], "description": "the fix snapped onto the nearest walkable way "
                     "(null: farther than the snap limit)", "properties": {
            "lat": schemas.LAT, "lon": schemas.LON, "street": {"type": ["string", "null"]},
            "way_kind": {"type": "string"}, "distance_m": {"type": "number"}}},
        "used": {"type": "array", "items": {"type": "string"}},
        "ignored": {**SKIPPED, "description": "readings of unknown, inactive or other-level beacons"},
        "rejected": {**SKIPPED, "description": "malformed readings: bad id, implausible RSSI"},
        "beacons_version": {"type": "integer"},
    },
}
