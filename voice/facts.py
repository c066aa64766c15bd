"""What to say about a crossing or a flight of steps, independent of language.

Deciding which facts are known, absent or unknown is the same in every
language; keeping it here means German and English can never disagree about
what is known. Each catalogue only puts words to the keys below.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from routing.maneuver import Crossing, Landmark, Maneuver, Steps

from .units import kerb_centimetres

MAJOR_ROADS = frozenset({"motorway", "trunk", "primary", "secondary",
                         "motorway_link", "trunk_link", "primary_link", "secondary_link"})
# Controls whose danger on a major road is worth a word.
_UNPROTECTED = frozenset({"marked", "uncontrolled", "none", "unknown", "unmapped"})


@dataclass
class CrossingFacts:
    """Keys of a crossing's facts, in speaking order.

    ``control``: signals, zebra, marked, uncontrolled, none, unknown, or
    unmapped (a junction where no crossing is mapped). ``present`` / ``absent``
    / ``unknown`` hold aid keys: sound, vibration, button, tactile, island,
    kerb. ``kerb`` is lowered, flush, rolled, raised, no, or None;
    ``kerb_cm`` its height when mapped.
    """

    control: str
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    kerb: str | None = None
    kerb_cm: int | None = None
    tactile_incorrect: bool = False
    edge_warning: bool = False  # road edge not detectable with a cane
    major_road: bool = False
    pre_sound: str | None = None  # "present"/"absent": worth the pre-announcement


def crossing_facts(c: Crossing) -> CrossingFacts:
    """Sort a crossing's attributes into present, absent and unknown."""
    control = c.control if c.mapped else "unmapped"
    if control not in {"signals", "zebra", "marked", "uncontrolled", "none", "unknown", "unmapped"}:
        control = "unknown"
    f = CrossingFacts(control)
    signals = control == "signals"
    # Signal aids: fully reported at traffic lights, elsewhere only when present.
    for key, value in (("sound", c.sound), ("vibration", c.vibration)):
        if value == "yes":
            f.present.append(key)
        elif signals and value == "no":
            f.absent.append(key)
        elif signals:
            f.unknown.append(key)
    if signals and c.button == "yes":
        f.present.append("button")
    if signals:
        f.pre_sound = {"yes": "present", "no": "absent"}.get(c.sound)
    if control == "unmapped":
        # Nothing is mapped here: listing every aid as unknown would be noise.
        if c.tactile_paving == "yes":
            f.present.append("tactile")
        if c.island == "yes":
            f.present.append("island")
    else:
        if c.tactile_paving == "yes":
            f.present.append("tactile")
        elif c.tactile_paving == "no":
            f.absent.append("tactile")
        elif c.tactile_paving == "incorrect":
            f.tactile_incorrect = True
        else:
            f.unknown.append("tactile")
        if c.island == "yes":
            f.present.append("island")
        elif c.island != "no":
            f.unknown.append("island")
    _kerb(c, f)
    low_edge = f.kerb in ("flush", "no") or (f.kerb_cm is not None and f.kerb_cm < 3)
    f.edge_warning = low_edge and (c.tactile_paving in ("no", "incorrect"))
    f.major_road = (c.road_class or "") in MAJOR_ROADS and control in _UNPROTECTED
    return f


def _kerb(c: Crossing, f: CrossingFacts) -> None:
    kind = c.kerb if c.kerb in ("lowered", "flush", "rolled", "raised", "no") else None
    height = c.kerb_height_m
    if height is not None and height >= 0:
        cm = kerb_centimetres(height)
        f.kerb_cm = cm
        if cm == 0 and kind is None:
            kind = "flush"
    f.kerb = kind
    if kind is None and f.kerb_cm is None and f.control != "unmapped":
        f.unknown.append("kerb")


HANDRAIL_VALUES = ("left", "right", "both", "center", "yes", "none")


@dataclass
class StepsFacts:
    """A flight of steps: count, up/down (None when unknown), handrail, unknowns."""

    count: int | None
    direction: str | None  # up, down, None
    handrail: str  # left, right, both, center, yes (side unknown), none, unknown
    ramp: bool
    unknown: list[str] = field(default_factory=list)  # count, handrail, handrail_side


def steps_facts(s: Steps | None) -> StepsFacts:
    """Normalise a Steps record; a count of 0 or less is treated as unknown."""
    s = s or Steps()
    count = s.count if isinstance(s.count, int) and s.count > 0 else None
    handrail = s.handrail if s.handrail in HANDRAIL_VALUES else "unknown"
    f = StepsFacts(count, s.direction if s.direction in ("up", "down") else None,
                   handrail, s.ramp == "yes")
    if count is None:
        f.unknown.append("count")
    if handrail == "unknown":
        f.unknown.append("handrail")
    elif handrail == "yes":
        f.unknown.append("handrail_side")  # a handrail is there; only its side is not known
    return f


def has_handrail(f: StepsFacts) -> bool:
    """A handrail is known to be there, on whichever side."""
    return f.handrail in ("left", "right", "both", "center", "yes")


def is_beacon(lm: Landmark) -> bool:
    """A beacon confirms the walker's position ("Sie sind an ..."), a passed landmark does not."""
    return lm.kind == "beacon" or (lm.id or "").startswith(("ibeacon:", "eddystone:", "beacon:"))


def ends_here(m: Maneuver) -> bool:
    """True when the way of the maneuver is the stairs or lift itself, not what follows."""
    return not m.street and (m.way_kind or "") in ("steps", "elevator")


def on_roadway(m: Maneuver) -> bool:
    """True when the way after the maneuver is a street mapped without a sidewalk (sidewalk=no)."""
    return (m.way_kind or "") in ("street_without_sidewalk", "street_no_sidewalk")


def compound_distance(m: Maneuver) -> float:
    """Distance walked after a turn: for a compound turn, from its last part to the next maneuver."""
    return m.compound[-1].distance_m if m.compound else m.distance_m
