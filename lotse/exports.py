"""A route for the field: GPX 1.1 and GeoJSON from the route the API returns.

Mobility trainers walk a route with a GPS app or load it into a GIS; each
step becomes a waypoint carrying its spoken text, so they can check on the
spot what Lotse would say there. Works on the ``/routes`` response (plain
data), so the CLI, the HTTP API and tests produce identical files. Every
file carries the attribution of its map data (ODbL needs it for OSM).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

GPX_NS = "http://www.topografix.com/GPX/1/1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
GPX_MEDIA_TYPE = "application/gpx+xml"
GEOJSON_MEDIA_TYPE = "application/geo+json"


@dataclass(frozen=True)
class Attribution:
    """Who the map data belongs to and under which licence, in English and German."""

    text: str
    author: str
    license_url: str | None
    link: str | None
    text_de: str = ""
    author_de: str = ""

    def text_in(self, lang: str | None) -> str:
        """'© OpenStreetMap-Mitwirkende' in German output, '© OpenStreetMap contributors' otherwise."""
        return self.text_de if lang == "de" and self.text_de else self.text

    def author_in(self, lang: str | None) -> str:
        return self.author_de if lang == "de" and self.author_de else self.author


OSM = Attribution(
    text="© OpenStreetMap contributors",
    author="OpenStreetMap contributors",
    license_url="https://opendatacommons.org/licenses/odbl/1-0/",
    link="https://www.openstreetmap.org/copyright",
    # the wording openstreetmap.org/copyright uses in German
    text_de="© OpenStreetMap-Mitwirkende",
    author_de="OpenStreetMap-Mitwirkende",
)

DEMO = Attribution(text="© Lotse project (invented demo map, not OpenStreetMap data)", author="Lotse project",
                   license_url=None, link=None,
                   text_de="© Lotse-Projekt (erfundene Demokarte, keine OpenStreetMap-Daten)",
                   author_de="Lotse-Projekt")

#: Profiles by name in titles (the ids stay in keywords and properties).
PROFILE_NAMES = {
    "de": {"walk": "zu Fuß", "blind_cane": "Langstock", "guide_dog": "Führhund", "low_vision": "Sehbehinderung",
           "wheelchair": "Rollstuhl"},
    "en": {"walk": "walking", "blind_cane": "white cane", "guide_dog": "guide dog", "low_vision": "low vision",
           "wheelchair": "wheelchair"},
}


def _creator() -> str:
    from lotse import __version__

    return f"Lotse {__version__}"


def _fmt(value: float) -> str:
    return f"{value:.7f}"


def _texts(step: dict[str, Any]) -> list[str]:
    text = step.get("text") or {}
    return [t for t in (text.get("pre"), text.get("main"), text.get("post")) if t]


def _lang(response: dict[str, Any]) -> str:
    return "en" if response.get("lang") == "en" else "de"


def _title(response: dict[str, Any]) -> str:
    """'Lotse-Route, Profil Langstock, 300 Meter' / 'Lotse route, profile white cane, 300 metres'."""
    props = response["route"]["properties"]
    lang = _lang(response)
    profile = props.get("profile", "?")
    profile = PROFILE_NAMES[lang].get(profile, profile)
    metres = f"{props.get('distance_m', 0):.0f}"
    if lang == "de":
        return f"Lotse-Route, Profil {profile}, {metres} Meter"
    return f"Lotse route, profile {profile}, {metres} metres"


# --- GPX ------------------------------------------------------------------------------------

def route_to_gpx(response: dict[str, Any], *, attribution: Attribution = OSM,
                 created: dt.datetime | None = None) -> str:
    """GPX 1.1: metadata with attribution, one waypoint per step (texts in name/desc), the track."""
    ET.register_namespace("", GPX_NS)
    ET.register_namespace("xsi", XSI_NS)
    q = lambda tag: f"{{{GPX_NS}}}{tag}"  # noqa: E731
    coords = response["route"]["geometry"]["coordinates"]
    props = response["route"]["properties"]
    root = ET.Element(q("gpx"), {"version": "1.1", "creator": _creator(),
                                 f"{{{XSI_NS}}}schemaLocation": f"{GPX_NS} {GPX_NS}/gpx.xsd"})
    meta = ET.SubElement(root, q("metadata"))
    ET.SubElement(meta, q("name")).text = _title(response)
    lang = _lang(response)
    credit = attribution.text_in(lang)
    map_data = "Kartendaten" if lang == "de" else "Map data"
    ET.SubElement(meta, q("desc")).text = " ".join(x for x in (props.get("summary"), f"{map_data}: {credit}.") if x)
    copyright_ = ET.SubElement(meta, q("copyright"), author=attribution.author_in(lang))
    if attribution.license_url:
        ET.SubElement(copyright_, q("license")).text = attribution.license_url
    if attribution.link:
        link = ET.SubElement(meta, q("link"), href=attribution.link)
        ET.SubElement(link, q("text")).text = credit
    stamp = (created or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    ET.SubElement(meta, q("time")).text = stamp.isoformat().replace("+00:00", "Z")
    ET.SubElement(meta, q("keywords")).text = f"Lotse, {props.get('profile', '')}, {lang}"
    if coords:
        lons = [c[0] for c in coords]
        lats = [c[1] for c in coords]
        ET.SubElement(meta, q("bounds"), minlat=_fmt(min(lats)), minlon=_fmt(min(lons)),
                      maxlat=_fmt(max(lats)), maxlon=_fmt(max(lons)))
    for i, step in enumerate(response.get("steps", []), 1):
        lon, lat = step["location"][:2]
        wpt = ET.SubElement(root, q("wpt"), lat=_fmt(lat), lon=_fmt(lon))
        main = (step.get("text") or {}).get("main") or step.get("kind", "")
        ET.SubElement(wpt, q("name")).text = f"{i}. {main}"
        ET.SubElement(wpt, q("desc")).text = "\n".join(_texts(step))
        ET.SubElement(wpt, q("src")).text = credit
        ET.SubElement(wpt, q("type")).text = step.get("kind", "step")
    trk = ET.SubElement(root, q("trk"))
    ET.SubElement(trk, q("name")).text = _title(response)
    if props.get("summary"):
        ET.SubElement(trk, q("desc")).text = props["summary"]
    ET.SubElement(trk, q("src")).text = credit
    ET.SubElement(trk, q("type")).text = str(props.get("profile", "walk"))
    seg = ET.SubElement(trk, q("trkseg"))
    for lon, lat, *_ in coords:
        ET.SubElement(seg, q("trkpt"), lat=_fmt(lat), lon=_fmt(lon))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- GeoJSON --------------------------------------------------------------------------------

def route_to_geojson(response: dict[str, Any], *, attribution: Attribution = OSM) -> dict[str, Any]:
    """A FeatureCollection (RFC 7946): the route line, then every step as a Point with its texts."""
    route = response["route"]
    credit = {"attribution": attribution.text_in(_lang(response)), "license": attribution.license_url}
    features = [{
        "type": "Feature",
        "geometry": route["geometry"],
        "properties": {"feature": "route", **route["properties"], "lang": response.get("lang"), **credit},
    }]
    for i, step in enumerate(response.get("steps", []), 1):
        props = {k: v for k, v in step.items() if k != "location"}
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": step["location"][:2]},
            "properties": {"feature": "step", "index": i, **props},
        })
    coords = route["geometry"]["coordinates"]
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features, **credit}
    if coords:
        lons, lats = [c[0] for c in coords], [c[1] for c in coords]
        collection["bbox"] = [min(lons), min(lats), max(lons), max(lats)]
    return collection


def write_route_files(response: dict[str, Any], demo: bool, gpx_path: str | None = None,
                      geojson_path: str | None = None) -> None:
    """Write the GPX and/or GeoJSON files of a ``/routes`` response (for ``lotse route``)."""
    import json
    from pathlib import Path

    attribution = DEMO if demo else OSM
    if gpx_path:
        Path(gpx_path).write_text(route_to_gpx(response, attribution=attribution), encoding="utf-8")
    if geojson_path:
        Path(geojson_path).write_text(json.dumps(route_to_geojson(response, attribution=attribution),
                                                 ensure_ascii=False, indent=1), encoding="utf-8")
