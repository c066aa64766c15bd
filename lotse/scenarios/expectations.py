"""Check one route response against a scenario's expectations.

Works on the JSON the API returns (``route.properties.audit``, ``steps``), so
a suite checks exactly what a client receives, whether the route came from
this process or from a server far away. Every check reports what it
expected and what it measured, so a partner can see by how much a route
missed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Callable

import numpy as np

from routing.geo import LocalFrame

#: Default radius of a must_pass / must_avoid area, metres.
DEFAULT_RADIUS_M = 15.0


@dataclass
class Check:
    """The outcome of one expectation."""

    name: str
    passed: bool
    expected: Any
    measured: Any
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Context:
    """What a check may need beyond the response: filled in by the runner."""

    #: Length of the shortest walk between the same points (for the detour factor), metres.
    shortest_walk_m: float | None = None
    #: Beacon id -> (lat, lon), or None where the beacon is unknown.
    beacons: dict[str, tuple[float, float] | None] | None = None


def measures(response: dict[str, Any]) -> dict[str, Any]:
    """The figures of a route that suites check and comparisons diff."""
    props = response["route"]["properties"]
    audit = props.get("audit") or {}
    steps_audit = audit.get("steps") or {}
    crossings = audit.get("crossings")
    with_sound = audit.get("crossings_with_sound")
    return {
        "distance_m": props.get("distance_m"),
        "duration_s": props.get("duration_s"),
        "detour_factor": audit.get("detour_factor"),
        "crossings": crossings,
        "crossings_without_sound": (crossings - with_sound) if crossings is not None and with_sound is not None
        else None,
        "unsignalised_major_crossings": audit.get("major_road_crossings_without_signals"),
        "step_flights": steps_audit.get("flights") if isinstance(steps_audit, dict) else None,
        "turns": audit.get("turns"),
    }


def guidance_text(response: dict[str, Any]) -> str:
    """Everything the walker hears: the summary and every step's texts."""
    parts = [response["route"]["properties"].get("summary") or ""]
    for step in response.get("steps", []):
        text = step.get("text") or {}
        parts += [text.get(k) or "" for k in ("pre", "main", "post")]
    return "\n".join(p for p in parts if p)


def needs_shortest_walk(expect: dict[str, Any], response: dict[str, Any]) -> bool:
    """True when ``max_detour_factor`` is asked for and the audit does not carry it."""
    return "max_detour_factor" in expect and measures(response)["detour_factor"] is None


def beacons_wanted(expect: dict[str, Any]) -> set[str]:
    """Beacon ids named by must_pass / must_avoid areas."""
    return {a["beacon"] for key in ("must_pass", "must_avoid") for a in expect.get(key, []) if "beacon" in a}


def check(expect: dict[str, Any], response: dict[str, Any], ctx: Context | None = None) -> list[Check]:
    """Every expectation of ``expect`` checked against ``response``, in schema order."""
    ctx = ctx or Context()
    m = measures(response)
    out: list[Check] = []
    for key, fn in _CHECKS.items():
        if key in expect:
            out.extend(fn(expect[key], response, m, ctx))
    return out


# --- the checks -----------------------------------------------------------------------------

def _at_most(key: str, measure: str, unit: str, what: str) -> Callable[..., list[Check]]:
    def run(limit, response, m, ctx) -> list[Check]:
        value = m[measure]
        if value is None:
            return [Check(key, False, limit, None, f"the route carries no {what} (audit key missing)")]
        ok = value <= limit
        shown, bound = _visible(value, limit, 0 if unit == "m" else None)
        unit_text = " m" if unit == "m" else ""
        msg = f"{what}: {shown}{unit_text} (at most {bound}{unit_text})"
        if not ok:
            over, _ = _visible(value - limit, 0.0, 0 if unit == "m" else None)
            msg += f", {over}{unit_text} over"
        return [Check(key, ok, limit, value, msg)]
    return run


def _detour(limit, response, m, ctx) -> list[Check]:
    factor = m["detour_factor"]
    if factor is None and ctx.shortest_walk_m and m["distance_m"] is not None:
        factor = m["distance_m"] / ctx.shortest_walk_m if ctx.shortest_walk_m > 0 else 1.0
    if factor is None:
        return [Check("max_detour_factor", False, limit, None, "detour factor unknown: the shortest walk "
                      "between these points could not be planned")]
    factor = round(factor, 3)
    ok = factor <= limit
    shown, bound = _visible(factor, limit, 2)
    return [Check("max_detour_factor", ok, limit, factor,
                  f"detour factor {shown} against the shortest walk (at most {bound})")]


def _no_steps(wanted, response, m, ctx) -> list[Check]:
    if not wanted:
        return []
    flights = m["step_flights"]
    if flights is None:
        return [Check("no_steps", False, True, None, "the route carries no count of steps (audit key missing)")]
    where = [s.get("text", {}).get("main", "") for s in response.get("steps", []) if s.get("steps")]
    msg = "no flight of steps" if flights == 0 else f"{flights} flight(s) of steps: " + " | ".join(where[:3])
    return [Check("no_steps", flights == 0, 0, flights, msg)]


def _mention(words, response, m, ctx) -> list[Check]:
    text = guidance_text(response).casefold()
    missing = [w for w in words if w.casefold() not in text]
    found = [w for w in words if w not in missing]
    if missing:
        return [Check("must_mention", False, words, found,
                      "the guidance never says " + ", ".join(f"'{w}'" for w in missing))]
    return [Check("must_mention", True, words, found, "the guidance says " + ", ".join(f"'{w}'" for w in words))]


def _areas(key: str) -> Callable[..., list[Check]]:
    must_pass = key == "must_pass"

    def run(areas, response, m, ctx) -> list[Check]:
        coords = response["route"]["geometry"]["coordinates"]
        landmark_ids = {lm.get("id") for s in response.get("steps", []) for lm in s.get("landmarks") or []}
        out = []
        for area in areas:
            radius = float(area.get("radius_m", DEFAULT_RADIUS_M))
            label = area.get("label") or _area_label(area)
            if "beacon" in area:
                bid = area["beacon"]
                pos = (ctx.beacons or {}).get(bid)
                if pos is None:
                    if bid in landmark_ids:
                        out.append(Check(key, must_pass, area, 0.0, f"{label}: announced as a landmark on the route"))
                    else:
                        out.append(Check(key, False, area, None, f"{label}: beacon not known to the server"))
                    continue
                lat, lon = pos
            else:
                lat, lon = area["lat"], area["lon"]
            dist = round(distance_to_line_m(lat, lon, coords), 1)
            inside = dist <= radius
            ok = inside if must_pass else not inside
            verb = "passes" if inside else "stays"
            msg = (f"{label}: route {verb} {dist:.0f} m from it "
                   f"({'within' if must_pass else 'beyond'} {radius:.0f} m required)")
            out.append(Check(key, ok, area, dist, msg))
        return out

    return run


def _area_label(area: dict[str, Any]) -> str:
    if "beacon" in area:
        return f"beacon {area['beacon']}"
    return f"point {area['lat']:.6f},{area['lon']:.6f}"


def distance_to_line_m(lat: float, lon: float, coords: list[list[float]]) -> float:
    """Shortest distance in metres from (lat, lon) to a GeoJSON LineString's coordinates."""
    if not coords:
        return math.inf
    frame = LocalFrame(lat, lon)
    pts = np.asarray(coords, dtype=float)
    x, y = frame.to_xy(pts[:, 1], pts[:, 0])
    if len(pts) == 1:
        return float(math.hypot(x[0], y[0]))
    ax, ay, bx, by = x[:-1], y[:-1], x[1:], y[1:]
    dx, dy = bx - ax, by - ay
    seg2 = dx * dx + dy * dy
    t = np.where(seg2 > 0, np.clip(-(ax * dx + ay * dy) / np.where(seg2 > 0, seg2, 1), 0, 1), 0)
    px, py = ax + t * dx, ay + t * dy
    return float(np.min(np.hypot(px, py)))


def _fmt(value: float, unit: str) -> str:
    if unit == "m":
        return f"{value:.0f} m"
    return f"{value:g}"


def _visible(value: float, limit: float, decimals: int | None) -> tuple[str, str]:
    """``value`` and ``limit`` with as many decimals as it takes to tell them apart.

    A detour factor of 1.053 against a limit of 1.05 is "1.053 (at most
    1.05)", not "1.05 (at most 1.05)"; 1000.4 m against 1000 m is "1000.4 m".
    ``decimals`` is the fewest to show (None: as short as ``:g`` gives);
    equal numbers keep that. The limit is shown as written when that is exact.
    """
    if decimals is None:
        shown, bound, d = f"{value:g}", f"{limit:g}", 0
    else:
        shown, bound, d = f"{value:.{decimals}f}", f"{limit:.{decimals}f}", decimals
    while value != limit and shown == bound and d < 9:
        d += 1
        shown, bound = (f"{x:.{d}f}".rstrip("0").rstrip(".") for x in (value, limit))
    return shown, bound


_CHECKS: dict[str, Callable[..., list[Check]]] = {
    "max_length_m": _at_most("max_length_m", "distance_m", "m", "length"),
    "max_detour_factor": _detour,
    "max_crossings": _at_most("max_crossings", "crossings", "", "crossings"),
    "max_unsignalised_major_crossings": _at_most(
        "max_unsignalised_major_crossings", "unsignalised_major_crossings", "",
        "crossings of major roads without signals"),
    "max_crossings_without_sound": _at_most("max_crossings_without_sound", "crossings_without_sound", "",
                                            "crossings without a known acoustic signal"),
    "no_steps": _no_steps,
    "max_turns": _at_most("max_turns", "turns", "", "turns"),
    "must_pass": _areas("must_pass"),
    "must_avoid": _areas("must_avoid"),
    "must_mention": _mention,
}
