"""Directions of a maneuver: turn modifier, clock face, compass point.

Routing fills ``modifier`` and ``clock`` where it can; these helpers derive
what is missing from ``turn_angle`` / ``bearing`` with one set of thresholds
so that every language says the same thing.
"""

from __future__ import annotations

from routing.geo import clock_from_angle
from routing.maneuver import Maneuver

MODIFIERS = (
    "straight", "slight_left", "left", "sharp_left",
    "slight_right", "right", "sharp_right", "uturn",
)
_ALIASES = {
    "slightleft": "slight_left", "slightright": "slight_right",
    "sharpleft": "sharp_left", "sharpright": "sharp_right",
    "u_turn": "uturn", "uturn_left": "uturn", "uturn_right": "uturn",
    "ahead": "straight", "continue": "straight",
}
CARDINALS = ("n", "ne", "e", "se", "s", "sw", "w", "nw")


def modifier_from_angle(angle: float) -> str:
    """Turn class of a signed angle: <20° straight, <45° slight, <135° normal, else sharp."""
    a = abs(angle)
    side = "right" if angle > 0 else "left"
    if a < 20:
        return "straight"
    if a < 45:
        return f"slight_{side}"
    if a < 135:
        return side
    return f"sharp_{side}"


def normalise_modifier(value: str | None) -> str | None:
    """Canonical modifier name, or None when the value is not one we know."""
    if not value:
        return None
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    key = _ALIASES.get(key.replace("_", ""), _ALIASES.get(key, key))
    return key if key in MODIFIERS else None


def modifier_of(m: Maneuver) -> str:
    """The maneuver's modifier, derived from its turn angle when not given."""
    return normalise_modifier(m.modifier) or modifier_from_angle(m.turn_angle)


def clock_of(m: Maneuver) -> int:
    """Clock direction 1..12; the default 12 is not trusted against a clear turn angle."""
    clock = m.clock if isinstance(m.clock, int) and 1 <= m.clock <= 12 else 12
    if clock == 12 and abs(m.turn_angle) >= 15:
        return clock_from_angle(m.turn_angle)
    return clock


def cardinal_of(m: Maneuver) -> str:
    """Compass point (n, ne, ...) from ``cardinal`` or else from ``bearing``."""
    if m.cardinal and m.cardinal.lower() in CARDINALS:
        return m.cardinal.lower()
    return CARDINALS[int(((m.bearing % 360.0) + 22.5) // 45.0) % 8]

