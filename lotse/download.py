"""Download OpenStreetMap data for a named place (online only).

osmnx geocodes the place (Nominatim) and gives the Overpass endpoint; the raw
OSM XML of its bounding box is then saved to a file and built like any other
extract, so downloaded and file-based graphs are built by the same code.
"""

from __future__ import annotations

from pathlib import Path


class DownloadError(Exception):
    """The place could not be geocoded or downloaded (offline, unknown place ...)."""


OVERPASS_QUERY = """[out:xml][timeout:300];
(
  way["highway"]({s},{w},{n},{e});
  node({s},{w},{n},{e})["highway"];
  node({s},{w},{n},{e})["crossing"];
  node({s},{w},{n},{e})["kerb"];
  node({s},{w},{n},{e})["barrier"];
  node({s},{w},{n},{e})["amenity"]["name"];
  node({s},{w},{n},{e})["shop"]["name"];
  node({s},{w},{n},{e})["public_transport"];
);
(._;>;);
out body;
"""


def download_place(place: str, target: Path) -> Path:
    """Geocode ``place`` and save its OSM data as XML at ``target``."""
    try:
        import osmnx as ox
        import requests
    except ImportError as exc:  # pragma: no cover - both are dependencies
        raise DownloadError(f"downloading needs osmnx and requests: {exc}") from None
    try:
        gdf = ox.geocode_to_gdf(place)
    except Exception as exc:  # noqa: BLE001 - osmnx raises many kinds; all mean the same here
        raise DownloadError(
            f"could not look up '{place}' ({type(exc).__name__}). "
            "Downloading needs an internet connection; offline, use --osm FILE with an extract "
            "(e.g. from Geofabrik)."
        ) from None
    west, south, east, north = gdf.total_bounds
    query = OVERPASS_QUERY.format(s=south, w=west, n=north, e=east)
    try:
        response = requests.post(ox.settings.overpass_url.rstrip("/") + "/interpreter",
                                 data={"data": query}, timeout=600)
        response.raise_for_status()
    except Exception as exc:  # noqa: BLE001
        raise DownloadError(f"could not download OSM data for '{place}': {exc}") from None
    target.write_bytes(response.content)
    return target
