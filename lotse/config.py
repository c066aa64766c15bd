"""Configuration of the service: one settings object, read from the environment.

Every setting has a default that works on one machine with the demo map.
Environment variables (``LOTSE_*``) override the defaults; ``create_app``
overrides both with its ``config`` argument (tests use that).
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_OSM = PROJECT_ROOT / "data" / "demo.osm"


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def defaults() -> dict:
    """Default settings, with environment overrides applied."""
    return {
        # Compiled graph to serve; None serves the demo map from data/demo.osm.
        "GRAPH_PATH": os.environ.get("LOTSE_GRAPH") or None,
        # Where compiled demo graphs, audio and the SQLite file live (default: instance folder).
        "DATA_DIR": os.environ.get("LOTSE_DATA_DIR") or None,
        # SQLAlchemy URL of the database; None: SQLite file lotse.sqlite3 in DATA_DIR.
        "DATABASE_URL": os.environ.get("DATABASE_URL") or None,
        # Apply schema migrations at start when the database is empty or behind (LOTSE_AUTO_MIGRATE=0: never).
        "AUTO_MIGRATE": os.environ.get("LOTSE_AUTO_MIGRATE", "1") not in ("0", "false", "no"),
        # Points farther than this from every walkable way are refused (metres).
        "MAX_SNAP_M": _env_float("LOTSE_MAX_SNAP_M", 150.0),
        # Spoken-audio cache (WAV files in DATA_DIR/audio): the least recently used go beyond this size.
        "AUDIO_CACHE_MB": _env_float("LOTSE_AUDIO_CACHE_MB", 1024.0),
        # Largest request body accepted (bytes).
        "MAX_CONTENT_LENGTH": int(os.environ.get("LOTSE_MAX_CONTENT_LENGTH", 1_000_000)),
        # Online geocoder fallback for place names the gazetteer does not know: None (off) or "nominatim".
        "GEOCODER": os.environ.get("LOTSE_GEOCODER") or None,
        "NOMINATIM_DOMAIN": os.environ.get("LOTSE_NOMINATIM_DOMAIN") or "nominatim.openstreetmap.org",
        # Live guidance sessions end after this many seconds without a request (and are deleted).
        "SESSION_TTL_S": _env_float("LOTSE_SESSION_TTL_S", 1800.0),
        # Expired sessions are purged at most this often per worker, on any request (seconds).
        "SESSION_PURGE_INTERVAL_S": _env_float("LOTSE_SESSION_PURGE_INTERVAL_S", 60.0),
        # Beacon calibration file (lotse beacons calibrate SURVEY.csv -o FILE): the deployment's radio model
        # and radio map for positioning; None: the generic model.
        "BEACON_CALIBRATION": os.environ.get("LOTSE_BEACON_CALIBRATION") or None,
        "JSON_SORT_KEYS": False,
    }
