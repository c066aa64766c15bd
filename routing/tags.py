"""Normalise OpenStreetMap tags into the accessibility attributes of Lotse.

Every function takes a plain ``dict`` of tags and returns normalised values.
"unknown" is a value of its own: nothing here guesses a fact the map does not
state. The rules for ambiguous OSM practice are documented next to each one
and listed in the README.
"""

from __future__ import annotations

import re
from typing import Mapping

Tags = Mapping[str, str]

UNKNOWN = "unknown"

# ---------------------------------------------------------------------------
# Which ways a pedestrian may use
# ---------------------------------------------------------------------------

#: highway values a pedestrian may use unless other tags forbid it.
WALKABLE_HIGHWAYS = frozenset(
    {
        "footway", "path", "pedestrian", "steps", "living_street", "residential",
        "service", "unclassified", "track", "road", "corridor", "platform",
        "elevator", "bridleway", "primary", "primary_link", "secondary",
        "secondary_link", "tertiary", "tertiary_link", "trunk", "trunk_link",
    }
)
#: highway values never walkable, whatever the other tags say.
NEVER_WALKABLE = frozenset(
    {"motorway", "motorway_link", "construction", "proposed", "abandoned",
     "raceway", "bus_guideway", "escape", "razed", "planned", "disused"}
)
#: Ways that need an explicit foot permission to be walkable.
FOOT_NEEDS_PERMISSION = frozenset({"cycleway", "trunk", "trunk_link", "bridleway"})

FOOT_ALLOWED = frozenset({"yes", "designated", "permissive", "official", "destination", "customers"})
FOOT_DENIED = frozenset({"no", "private", "use_sidepath", "discouraged_no", "military"})
ACCESS_DENIED = frozenset({"no", "private", "military"})

#: Roads with motor traffic: crossing them is a crossing.
CAR_ROAD_HIGHWAYS = frozenset(
    {
        "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
        "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
        "residential", "living_street", "service", "road", "busway",
    }
)
MAJOR_ROAD_CLASSES = frozenset({"motorway", "trunk", "primary", "secondary", "tertiary"})


def is_walkable(tags: Tags) -> bool:
    """Whether a way may be used on foot.

    Rules (the ambiguous ones are choices, documented in the README):

    * ``foot=*`` wins over everything but a never-walkable ``highway``;
      ``foot=use_sidepath`` means the sidewalk is mapped separately, so the
      roadway itself is not walked.
    * ``access=no/private/military`` forbids walking unless ``foot`` allows it;
      ``access=agricultural/forestry/delivery/destination`` does not, because
      in German signage they restrict vehicles, not pedestrians.
    * cycleways, trunk roads and bridleways need an explicit ``foot`` permission.
    * ``area=yes`` pedestrian squares are walked along their outline (and the
      footways that meet it), as osmnx does.
    """
    highway = tags.get("highway")
    if highway is None or highway in NEVER_WALKABLE:
        return False
    if tags.get("crossing") == "no" and tags.get("footway") == "crossing":
        return False
    foot = tags.get("foot")
    if foot in FOOT_DENIED:
        return False
    if foot in FOOT_ALLOWED:
        return highway in WALKABLE_HIGHWAYS or highway in FOOT_NEEDS_PERMISSION
    if highway in FOOT_NEEDS_PERMISSION:
        return False
    if highway not in WALKABLE_HIGHWAYS:
        return False
    if tags.get("access") in ACCESS_DENIED:
        return False
    if tags.get("service") == "private":
        return False
    return True


def car_road_class(tags: Tags) -> str | None:
    """The road class if motor traffic uses this way, else None.

    ``_link`` roads count as their main class; driveways and parking aisles are
    not counted as roads one crosses (they would make every house a crossing).
    """
    highway = tags.get("highway")
    if highway not in CAR_ROAD_HIGHWAYS:
        return None
    if highway == "service" and tags.get("service") in {"driveway", "parking_aisle", "drive-through"}:
        return None
    if tags.get("motor_vehicle") == "no" or tags.get("vehicle") == "no":
        return None
    return highway.removesuffix("_link")


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------

_NUMBER = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*([a-zA-Z\"']*)\s*$")


def parse_length_m(value: str | None) -> float | None:
    """Parse OSM lengths such as ``0.12``, ``12 cm``, ``3'`` into metres; None if unknown."""
    if not value:
        return None
    m = _NUMBER.match(value)
    if not m:
        return None
    number = float(m.group(1).replace(",", "."))
    unit = m.group(2).lower()
    factor = {"": 1.0, "m": 1.0, "cm": 0.01, "mm": 0.001, "ft": 0.3048, "'": 0.3048, '"': 0.0254}.get(unit)
    if factor is None or number < 0:
        return None
    return number * factor


def parse_speed_kmh(value: str | None) -> float | None:
    """Parse ``maxspeed`` (``50``, ``30 mph``, ``DE:urban``, ``walk``); None if unknown."""
    if not value:
        return None
    value = value.strip().lower()
    zones = {"de:urban": 50.0, "de:zone30": 30.0, "de:zone:30": 30.0, "de:rural": 100.0,
             "de:living_street": 7.0, "walk": 7.0, "de:bicycle_road": 30.0}
    if value in zones:
        return zones[value]
    m = re.match(r"^(\d+(?:\.\d+)?)\s*(mph|km/h|kmh)?$", value)
    if not m:
        return None
    speed = float(m.group(1))
    return speed * 1.609344 if m.group(2) == "mph" else speed


def parse_int(value: str | None) -> int | None:
    """Parse a non-negative integer tag (``step_count``, ``lanes``); None if unknown."""
    if value is None:
        return None
    m = re.match(r"^\s*(\d+)\s*$", value)
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------------------
# Crossings
# ---------------------------------------------------------------------------

CONTROLS = ("signals", "zebra", "marked", "uncontrolled", "none", "unknown")


def crossing_control(tags: Tags) -> str | None:
    """Control of a crossing described by these tags; None if the tags describe no crossing.

    ``crossing=uncontrolled`` is kept as its own value (in Germany it usually
    marks a crossing without markings or with a refuge, rarely a zebra);
    ``crossing=unmarked`` and ``crossing=no`` map to ``none``;
    ``crossing_ref=zebra`` wins over ``crossing=marked/uncontrolled``.
    """
    crossing = tags.get("crossing")
    is_crossing = (
        tags.get("highway") == "crossing"
        or tags.get("footway") == "crossing"
        or tags.get("cycleway") == "crossing"
        or tags.get("path") == "crossing"
        or crossing is not None
    )
    if not is_crossing:
        return None
    if crossing in {"traffic_signals", "pedestrian_signals"} or tags.get("crossing:signals") == "yes":
        return "signals"
    if crossing == "zebra" or tags.get("crossing_ref") == "zebra" or tags.get("crossing:markings") == "zebra":
        return "zebra"
    if crossing == "marked" or tags.get("crossing:markings") in {"yes", "lines", "dashes", "dots", "ladder"}:
        return "marked"
    if crossing in {"uncontrolled", "island"}:
        return "uncontrolled"
    if crossing in {"unmarked", "no"} or tags.get("crossing:markings") == "no":
        return "none"
    return UNKNOWN


def yes_no(value: str | None, yes: frozenset[str] = frozenset({"yes"})) -> str:
    """Normalise a yes/no tag to ``yes``, ``no`` or ``unknown``."""
    if value is None:
        return UNKNOWN
    value = value.strip().lower()
    if value in yes:
        return "yes"
    if value == "no":
        return "no"
    return UNKNOWN


def signal_sound(tags: Tags) -> str:
    """Acoustic signal of a traffic light: ``locate`` and ``walk`` count as yes."""
    return yes_no(tags.get("traffic_signals:sound"), frozenset({"yes", "locate", "walk"}))


def signal_vibration(tags: Tags) -> str:
    """Vibration (tactile) signal at the push button."""
    return yes_no(tags.get("traffic_signals:vibration"))


def tactile_paving(tags: Tags) -> str:
    """``tactile_paving``: yes, no, incorrect or unknown (``partial`` counts as incorrect)."""
    value = tags.get("tactile_paving")
    if value in {"incorrect", "partial"}:
        return "incorrect"
    return yes_no(value, frozenset({"yes", "contrasted", "primitive"}))


def crossing_island(tags: Tags) -> str:
    """Refuge island in the middle of the crossing."""
    if tags.get("crossing") == "island" or tags.get("traffic_calming") == "island":
        return "yes"
    return yes_no(tags.get("crossing:island"))


KERBS = ("raised", "lowered", "flush", "rolled", "no", "unknown")


def kerb(tags: Tags) -> tuple[str, float | None]:
    """Kerb kind and height in metres. ``kerb=yes`` says a kerb exists, not its kind: unknown."""
    value = tags.get("kerb")
    kind = value if value in {"raised", "lowered", "flush", "rolled", "no"} else UNKNOWN
    return kind, parse_length_m(tags.get("kerb:height"))


# ---------------------------------------------------------------------------
# Ways
# ---------------------------------------------------------------------------

SMOOTH_SURFACES = frozenset(
    {"asphalt", "concrete", "paving_stones", "paved", "concrete:plates", "chipseal",
     "metal", "wood", "rubber", "tartan", "acrylic", "paving_stones:30", "bricks"}
)
ROUGH_SURFACES = frozenset(
    {"sett", "cobblestone", "unhewn_cobblestone", "cobblestone:flattened", "grass_paver",
     "concrete:lanes", "pebblestone", "stepping_stones"}
)
UNPAVED_SURFACES = frozenset(
    {"unpaved", "gravel", "fine_gravel", "compacted", "dirt", "earth", "ground", "grass",
     "mud", "sand", "woodchips", "rock", "clay", "snow", "ice", "salt"}
)
SURFACE_GROUPS = ("paved_smooth", "paved_rough", "unpaved", "unknown")


def surface_group(tags: Tags) -> str:
    """Group ``surface`` (and bad ``smoothness``) into what a cane or wheel feels."""
    surface = tags.get("surface")
    smoothness = tags.get("smoothness")
    if surface in UNPAVED_SURFACES:
        group = "unpaved"
    elif surface in ROUGH_SURFACES:
        group = "paved_rough"
    elif surface in SMOOTH_SURFACES:
        group = "paved_smooth"
    else:
        group = UNKNOWN
    if smoothness in {"bad", "very_bad", "horrible", "very_horrible", "impassable"} and group != "unpaved":
        group = "paved_rough"
    return group


WAY_KINDS = (
    "footway", "sidewalk", "crossing", "pedestrian_street", "pedestrian_area",
    "living_street", "street_with_sidewalk", "street_without_sidewalk",
    "street_sidewalk_unknown", "shared_path", "segregated_path", "path", "track",
    "steps", "elevator", "platform", "corridor", "service",
)


def sidewalk(tags: Tags) -> str:
    """Sidewalk along a street: ``both``, ``left``, ``right``, ``yes`` (side not said), ``separate``, ``no`` or unknown.

    ``sidewalk:left=yes`` with ``sidewalk:right=separate`` is ``separate``: the
    way one can walk beside the road is mapped on its own, so the roadway
    itself is not where a walker belongs.
    """
    value = tags.get("sidewalk") or tags.get("sidewalk:both")
    if value in {"both", "left", "right", "separate", "no"}:
        return value
    if value == "none":
        return "no"
    if value == "yes":
        return "yes"  # a sidewalk exists; on which side is not said
    left, right = tags.get("sidewalk:left"), tags.get("sidewalk:right")
    if left or right:
        if left == "separate" or right == "separate":
            return "separate"
        sides = [s for s, v in (("left", left), ("right", right)) if v == "yes"]
        if len(sides) == 2:
            return "both"
        if sides:
            return sides[0]
        if left == "no" and right == "no":
            return "no"
    return UNKNOWN


def way_kind(tags: Tags) -> str:
    """What kind of way this is for a pedestrian (see :data:`WAY_KINDS`)."""
    highway = tags.get("highway")
    footway = tags.get("footway")
    if highway == "steps":
        return "steps"
    if highway == "elevator":
        return "elevator"
    if footway == "crossing" or tags.get("path") == "crossing" or tags.get("cycleway") == "crossing":
        return "crossing"
    if highway == "pedestrian":
        return "pedestrian_area" if tags.get("area") == "yes" else "pedestrian_street"
    if highway == "platform" or tags.get("public_transport") == "platform":
        return "platform"
    if highway == "corridor":
        return "corridor"
    if highway in {"footway", "path", "cycleway", "bridleway"}:
        if footway == "sidewalk" or tags.get("path") == "sidewalk":
            return "sidewalk"
        bicycle = tags.get("bicycle")
        if bicycle in {"designated", "yes"} or highway == "cycleway":
            if tags.get("segregated") == "yes":
                return "segregated_path"
            if highway != "footway" or bicycle == "designated":
                return "shared_path"
        return "footway" if highway == "footway" else "path"
    if highway == "track":
        return "track"
    if highway == "living_street":
        return "living_street"
    if highway == "service" and sidewalk(tags) == UNKNOWN:
        return "service"
    side = sidewalk(tags)
    if side in {"both", "left", "right", "yes"}:
        return "street_with_sidewalk"
    if side in {"no", "separate"}:
        return "street_without_sidewalk"
    return "street_sidewalk_unknown"


HANDRAILS = ("left", "right", "both", "center", "yes", "none", "unknown")


def handrail(tags: Tags) -> str:
    """Handrail of steps in way direction: left, right, both, center, yes (side unknown), none, unknown."""
    left = tags.get("handrail:left")
    right = tags.get("handrail:right")
    center = tags.get("handrail:center") or tags.get("handrail:centre")
    if left == "yes" and right == "yes":
        return "both"
    if left == "yes":
        return "left"
    if right == "yes":
        return "right"
    if center == "yes":
        return "center"
    general = tags.get("handrail")
    if general == "yes":
        return "yes"
    if general == "no" or (left == "no" and right == "no"):
        return "none"
    return UNKNOWN


def mirror_handrail(value: str) -> str:
    """The same handrail seen when walking the way backwards."""
    return {"left": "right", "right": "left"}.get(value, value)


def incline_direction(tags: Tags) -> str:
    """``up``/``down`` in way direction from ``incline`` (``up``, ``down``, ``10%``, ``-5°``), else unknown."""
    value = (tags.get("incline") or "").strip().lower()
    if value in {"up", "down"}:
        return value
    m = re.match(r"^(-?\d+(?:[.,]\d+)?)\s*(%|°)?$", value)
    if m:
        number = float(m.group(1).replace(",", "."))
        if number > 0:
            return "up"
        if number < 0:
            return "down"
    return UNKNOWN


def incline_percent(tags: Tags) -> float | None:
    """Absolute slope in percent when ``incline`` gives a number."""
    value = (tags.get("incline") or "").strip().lower()
    m = re.match(r"^(-?\d+(?:[.,]\d+)?)\s*(%|°)?$", value)
    if not m:
        return None
    number = abs(float(m.group(1).replace(",", ".")))
    if m.group(2) == "°":
        import math

        return math.tan(math.radians(number)) * 100.0
    return number


def lit(tags: Tags) -> str:
    """Street lighting: yes, no, unknown (``24/7``, ``automatic`` count as yes)."""
    return yes_no(tags.get("lit"), frozenset({"yes", "24/7", "automatic", "sunset-sunrise", "limited", "interval"}))


def road_danger(road_class: str, maxspeed_kmh: float | None, lanes: int | None) -> float:
    """How dangerous crossing this road is without help, as a factor (residential street = 1).

    Class sets the base; a known speed limit and lane count scale it. Unknown
    speed or lanes leave the class default: no guess is made either way.
    """
    base = {
        "motorway": 6.0, "trunk": 4.0, "primary": 3.0, "secondary": 2.5, "tertiary": 2.0,
        "unclassified": 1.2, "road": 1.2, "residential": 1.0, "busway": 1.5,
        "service": 0.5, "living_street": 0.3,
    }.get(road_class, 1.0)
    if maxspeed_kmh is not None:
        if maxspeed_kmh <= 10:
            base *= 0.5
        elif maxspeed_kmh <= 30:
            base *= 0.7
        elif maxspeed_kmh >= 70:
            base *= 1.8
        elif maxspeed_kmh >= 60:
            base *= 1.4
    if lanes is not None:
        if lanes >= 4:
            base *= 1.6
        elif lanes >= 3:
            base *= 1.3
    return base


def is_major_road(road_class: str, maxspeed_kmh: float | None, lanes: int | None) -> bool:
    """Primary/secondary/tertiary (or faster than 50 km/h, or 3+ lanes): crossing needs help."""
    return (
        road_class in MAJOR_ROAD_CLASSES
        or (maxspeed_kmh is not None and maxspeed_kmh > 50)
        or (lanes is not None and lanes >= 3)
    )


BARRIERS_IMPASSABLE = frozenset({"wall", "fence", "hedge", "city_wall", "retaining_wall", "ditch"})
BARRIERS_WHEELCHAIR_IMPASSABLE = frozenset({"stile", "turnstile", "kissing_gate", "full-height_turnstile", "step"})


def barrier(tags: Tags) -> str | None:
    """Kind of barrier on a node, or None. Kerbs are not barriers here (see :func:`kerb`)."""
    value = tags.get("barrier")
    if value in {None, "kerb", "no", "entrance"}:
        return None
    return value
