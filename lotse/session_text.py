"""German and English phrases of live guidance that the route's steps do not contain.

The route's own words (pre, main, post) come from ``voice``; these few
sentences — leaving the route, the new route, turning around — belong to the
session, not to a maneuver. They are kept here, not in the ``voice``
catalogues, so that a session never depends on a catalogue change in flight.
"""

from __future__ import annotations

from routing.geo import clock_from_angle, turn_angle_deg

_PHRASES = {
    "de": {
        "off_route": "Sie haben die Route verlassen.",
        "new_route": "Neue Route.",
        "obstacle_ahead": "Achtung, auf Ihrem Weg: {what}.",
        "no_other_route": "Eine andere Route gibt es von hier aus nicht.",
        "no_route": "Von hier aus gibt es keine neue Route. Bitte gehen Sie zurück zur Route.",
        "turn_around": "Bitte drehen Sie um.",
        "leads": "Die neue Route führt {where}.",
        "left": "nach links", "right": "nach rechts",
        "slight_left": "halb links", "slight_right": "halb rechts", "ahead": "geradeaus",
        "clock": "in Richtung {hour}",
    },
    "en": {
        "off_route": "You have left the route.",
        "new_route": "New route.",
        "obstacle_ahead": "Caution, on your way: {what}.",
        "no_other_route": "There is no other route from here.",
        "no_route": "There is no new route from here. Please go back to the route.",
        "turn_around": "Please turn around.",
        "leads": "The new route leads {where}.",
        "left": "to your left", "right": "to your right",
        "slight_left": "half left", "slight_right": "half right", "ahead": "straight ahead",
        "clock": "towards {hour}",
    },
}

def phrase(key: str, lang: str) -> str:
    """One fixed sentence in ``lang`` (German when unknown)."""
    return _PHRASES.get(lang, _PHRASES["de"])[key]


def _hour(hour: int, lang: str) -> str:
    if lang == "en":
        return f"{hour} o'clock"
    return "ein Uhr" if hour == 1 else f"{hour} Uhr"


def new_route_direction(heading: float | None, bearing: float, lang: str, directions: str) -> str | None:
    """Where the new route leads relative to the walker's heading; None when the heading is unknown."""
    if heading is None:
        return None
    angle = turn_angle_deg(heading, bearing)
    if abs(angle) >= 150:
        return phrase("turn_around", lang)
    p = _PHRASES.get(lang, _PHRASES["de"])
    if abs(angle) < 30:
        where = p["ahead"]
    elif directions == "clock":
        where = p["clock"].format(hour=_hour(clock_from_angle(angle), lang))
    else:
        side = "right" if angle > 0 else "left"
        where = p[side if abs(angle) >= 60 else f"slight_{side}"]
    return p["leads"].format(where=where)
