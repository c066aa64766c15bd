"""Optional online geocoder fallback: Nominatim through geopy, off by default.

Lotse works offline; the built-in gazetteer answers first. Only when it
finds nothing and ``LOTSE_GEOCODER=nominatim`` is set does a query go to
Nominatim (``LOTSE_NOMINATIM_DOMAIN``, default the public server), limited
to the served graph's bounding box, at most one request a second (the
public server's usage policy), with answers cached. Failures (offline,
timeouts, rate limits) count as "nothing found": never required.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache

from routing.placenames import compact, score, tokens

log = logging.getLogger(__name__)

USER_AGENT = "lotse/0.1 (accessible pedestrian routing)"
TIMEOUT_S = 3.0
MIN_INTERVAL_S = 1.0
ENABLED_VALUES = {"nominatim"}
MAX_RESULTS = 10

_lock = threading.Lock()
_last_request = 0.0


def enabled(setting: str | None) -> bool:
    """Whether the ``GEOCODER`` setting switches the online fallback on."""
    return (setting or "").strip().lower() in ENABLED_VALUES


def lookup(query: str, bounds: tuple[float, float, float, float], domain: str | None = None,
           limit: int = MAX_RESULTS) -> list[dict]:
    """Places Nominatim finds for ``query`` inside ``bounds`` (south, west, north, east), as dicts."""
    found = _cached(query.strip(), tuple(round(b, 5) for b in bounds), domain or "nominatim.openstreetmap.org")
    return list(found[:limit])


@lru_cache(maxsize=512)
def _cached(query: str, bounds: tuple, domain: str) -> tuple[dict, ...]:
    global _last_request
    from geopy.exc import GeopyError
    from geopy.geocoders import Nominatim

    south, west, north, east = bounds
    with _lock:  # one request at a time, at most one a second
        wait = _last_request + MIN_INTERVAL_S - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            geocoder = Nominatim(user_agent=USER_AGENT, domain=domain, timeout=TIMEOUT_S)
            found = geocoder.geocode(query, exactly_one=False, limit=MAX_RESULTS, language="de",
                                     viewbox=[(south, west), (north, east)], bounded=True) or []
        except (GeopyError, OSError) as exc:
            log.warning("online geocoder failed for a query: %s", exc)
            found = []
        finally:
            _last_request = time.monotonic()
    q_toks = tokens(query)
    out = []
    for loc in found:
        raw = getattr(loc, "raw", {}) or {}
        name = raw.get("name") or str(loc.address).split(",")[0]
        n_toks = tokens(name)
        out.append({
            "id": f"nominatim:{raw.get('osm_type', '?')}/{raw.get('osm_id', '?')}",
            "name": name,
            "kind": f"{raw.get('class', 'place')}:{raw.get('type', 'unknown')}",
            "lat": round(float(loc.latitude), 7),
            "lon": round(float(loc.longitude), 7),
            "label": str(loc.address),
            "score": score(q_toks, compact(q_toks), n_toks, compact(n_toks)),
            "exact": False,
            "source": "nominatim",
        })
    return tuple(out)
