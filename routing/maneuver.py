"""Plain data describing what a walker does at one point of a route.

These dataclasses are the contract between ``routing`` (which finds them in a
route) and ``voice`` (which says them). They hold no graph references, so
``voice`` can be used and tested without a map. Unknown facts are ``None`` or
the string ``"unknown"``, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ManeuverKind = Literal[
    "depart",
    "continue",
    "turn",
    "uturn",
    "name_change",
    "cross",
    "steps",
    "elevator",
    "enter_area",
    "leave_area",
    "landmark",
    "hazard",
    "arrive",
]

# Values kept for a crossing's control, in the order of DESIGN.md.
CrossingControl = Literal["signals", "zebra", "marked", "uncontrolled", "none", "unknown"]
Tristate = Literal["yes", "no", "unknown"]


@dataclass
class Crossing:
    """A street crossing as far as the map knows it."""

    street: str | None = None  # name of the street crossed, None if unnamed
    road_class: str | None = None  # e.g. "primary", "residential"
    control: CrossingControl = "unknown"
    sound: Tristate = "unknown"  # acoustic signal (traffic_signals:sound)
    vibration: Tristate = "unknown"
    tactile_paving: str = "unknown"  # yes, no, incorrect, unknown
    island: Tristate = "unknown"
    kerb: str = "unknown"  # raised, lowered, flush, rolled, no, unknown
    kerb_height_m: float | None = None
    button: Tristate = "unknown"  # button_operated
    mapped: bool = True  # False: crossing at a junction where nothing is mapped


@dataclass
class Steps:
    """A flight of steps."""

    count: int | None = None  # None: count unknown
    direction: Literal["up", "down", "unknown"] = "unknown"  # in direction of travel
    # "yes": a handrail is mapped, on a side not given
    handrail: Literal["left", "right", "both", "center", "yes", "none", "unknown"] = "unknown"
    ramp: Tristate = "unknown"


@dataclass
class Landmark:
    """Something recognisable the walker passes or reaches."""

    kind: str  # bus_stop, beacon, entrance, ...
    label: str  # spoken label, e.g. "Bushaltestelle Rathaus"
    label_en: str | None = None
    side: Literal["left", "right", "ahead", "unknown"] = "unknown"
    distance_m: float | None = None  # along the route from the maneuver point
    id: str | None = None


@dataclass
class Hazard:
    """An obstacle or danger on the way (mapped by staff or from OSM)."""

    kind: str  # construction, blocked_sidewalk, barrier, ...
    description: str | None = None  # plain German, spoken as is
    description_en: str | None = None
    distance_m: float | None = None  # from the maneuver point to the hazard


@dataclass
class Maneuver:
    """One instruction point of a route.

    Angles are degrees; ``turn_angle`` is signed (positive = right), ``bearing``
    is the heading after the maneuver, clockwise from north. ``distance_m`` is
    the distance from this maneuver to the next one; for a compound turn it is
    the distance to its first further part, each part's ``distance_m`` runs to
    what follows that part, and :attr:`to_next_m` is the whole way to the next
    maneuver.
    """

    kind: ManeuverKind
    location: tuple[float, float]  # (lon, lat), GeoJSON order
    distance_m: float
    bearing: float
    turn_angle: float = 0.0
    clock: int = 12
    street: str | None = None  # street (or way description) walked after the maneuver
    street_before: str | None = None
    way_kind: str | None = None  # footway, sidewalk, pedestrian_area, steps, ...
    modifier: str | None = None  # slight_left, left, sharp_left, straight, slight_right, ...
    compound: list["Maneuver"] = field(default_factory=list)  # "links und gleich wieder rechts"
    crossing: Crossing | None = None
    # a street this move crosses only if the walker is on the other side of the street walked (on
    # centreline maps the side is unknown): said as a possibility, never as a certainty
    side_crossing: Crossing | None = None
    steps: Steps | None = None
    landmarks: list[Landmark] = field(default_factory=list)
    hazards: list[Hazard] = field(default_factory=list)
    cardinal: str | None = None  # n, ne, e, se, s, sw, w, nw (depart)
    # arrive: where the goal is; "area": the goal is a square, and it begins here
    side: Literal["left", "right", "ahead", "unknown", "area"] | None = None
    reference: str | None = None  # depart: street or landmark the direction is relative to
    reference_kind: str | None = None  # depart: the reference's kind when a place (bus_stop, station, ...)
    duration_s: float | None = None

    @property
    def to_next_m(self) -> float:
        """Metres from this maneuver's point to the next maneuver's, over every part of a compound turn."""
        return self.distance_m + sum(part.distance_m for part in self.compound)


@dataclass
class RouteSummary:
    """What is said before the first step."""

    distance_m: float
    duration_s: float
    crossings: int = 0
    signals: int = 0
    signals_with_sound: int = 0
    signals_sound_unknown: int = 0
    zebras: int = 0
    unmarked_crossings: int = 0  # mapped as crossings without any marking (control "none")
    unmapped_crossings: int = 0  # at junctions where no crossing is mapped: their kind is not known
    unknown_crossings: int = 0  # mapped crossings of unknown kind
    marked_crossings: int = 0
    uncontrolled_crossings: int = 0
    flights_of_steps: list[Steps] = field(default_factory=list)
    hazards: list[Hazard] = field(default_factory=list)
    # On street-centreline maps the walker's side of a street is unknown: moves that cross a street
    # from one side but not from the other are not among ``crossings``; this says how many there may be.
    side_dependent_crossings: int = 0
    # the route is shorter than a step or two and starts where the destination is: nothing to walk
    already_there: bool = False
