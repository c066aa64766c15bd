"""English catalogue: the words of every English instruction.

German street and place names stay German (that is what the signs say) but
with their abbreviations expanded. German free text (hazard descriptions,
landmark labels) is only used when no English text is given for it.
"""

from __future__ import annotations

from routing.maneuver import Crossing, Hazard, Landmark, Maneuver, RouteSummary, Steps

from .directions import cardinal_of, clock_of, modifier_of
from .facts import (compound_distance, crossing_facts, ends_here, has_handrail, is_beacon, on_roadway,
                    steps_facts)
from .german import UNNAMED_ALIASES, normalise_name
from .sentences import clean_free_text, join, listing
from .style import Style
from .units import Amount, distance_amount, duration_parts

AND = "and"

_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
          8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
_NOUNS = {"m": ("metre", "metres"), "km": ("kilometre", "kilometres"), "steps": ("pace", "paces")}


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def count_word(n: int) -> str:
    return _WORDS.get(n, str(n))


def amount(a: Amount) -> str:
    """'120 metres', '1 metre', '1.2 kilometres', '40 paces'."""
    sg, pl = _NOUNS[a.unit]
    return f"{number(a.value)} {sg if a.is_one else pl}"


def distance(metres: float, st: Style) -> str:
    return amount(distance_amount(metres, st.units, st.step_length_m))


def plural(n: int, singular: str, plural_: str) -> str:
    return f"{n} {singular if n == 1 else plural_}"


def duration(seconds: float) -> str:
    d = duration_parts(seconds)
    if d.under_a_minute:
        return "less than a minute"
    parts = []
    if d.hours:
        parts.append(plural(d.hours, "hour", "hours"))
    if d.minutes:
        parts.append(plural(d.minutes, "minute", "minutes"))
    return "about " + f" {AND} ".join(parts)


# --- directions ------------------------------------------------------------

_TURN = {"straight": "go straight ahead", "slight_left": "turn slightly left", "left": "turn left",
         "sharp_left": "turn sharp left", "slight_right": "turn slightly right", "right": "turn right",
         "sharp_right": "turn sharp right", "uturn": "turn around"}
_WAY = {"straight": "straight ahead", "slight_left": "slightly left", "left": "left",
        "sharp_left": "sharp left", "slight_right": "slightly right", "right": "right",
        "sharp_right": "sharp right", "uturn": "back"}
_TOWARDS = {"straight": "straight ahead", "slight_left": "slightly to your left", "left": "to your left",
            "sharp_left": "sharp to your left", "slight_right": "slightly to your right",
            "right": "to your right", "sharp_right": "sharp to your right", "uturn": "behind you"}
_CARDINAL = {"n": "north", "ne": "north-east", "e": "east", "se": "south-east",
             "s": "south", "sw": "south-west", "w": "west", "nw": "north-west"}
_SIDE_CLOCK = {"right": 3, "left": 9, "ahead": 12}


def clock_words(hour: int) -> str:
    return f"{hour} o'clock"


def _clocked(m: Maneuver, st: Style) -> bool:
    return st.directions == "clock" and modifier_of(m) not in ("straight", "uturn")


def turn_move(m: Maneuver, st: Style) -> str:
    """'turn left', 'turn towards 3 o'clock', 'go straight ahead'."""
    if _clocked(m, st):
        return f"turn towards {clock_words(clock_of(m))}"
    return _TURN[modifier_of(m)]


def way_words(m: Maneuver, st: Style) -> str:
    """'straight ahead', 'slightly left', 'towards 1 o'clock'."""
    if _clocked(m, st):
        return f"towards {clock_words(clock_of(m))}"
    return _WAY[modifier_of(m)]


def side_words(side: str | None, st: Style) -> str:
    if side not in _SIDE_CLOCK:
        return ""
    if st.directions == "clock":
        return f"at {clock_words(_SIDE_CLOCK[side])}"
    return {"right": "on your right", "left": "on your left", "ahead": "ahead of you"}[side]


# --- ways ------------------------------------------------------------------

UNNAMED = {
    "footway": "the footpath", "sidewalk": "the pavement", "pedestrian_area": "the square",
    "pedestrian": "the pedestrian zone", "steps": "the stairs", "path": "the path",
    "track": "the track", "cycleway": "the cycle path",
    "shared_cycle_path": "the shared foot and cycle path",
    "living_street": "the traffic-calmed street", "crossing": "the crossing",
    "elevator": "the lift", "street": "the street",
    "street_no_sidewalk": "the street without pavement", "corridor": "the corridor",
    "platform": "the platform",
}
_INTO = {"pedestrian", "elevator", "corridor", "living_street"}


def way_name(name: str | None, way_kind: str | None) -> tuple[str, str]:
    """(noun phrase, preposition for 'onto'): ('Mainzer Straße', 'onto'), ('the lift', 'into')."""
    kind = UNNAMED_ALIASES.get(way_kind or "", way_kind or "")
    if name and name.strip():
        return normalise_name(name), "onto"
    return UNNAMED.get(kind, "the path"), ("into" if kind in _INTO else "onto")


def onto(m: Maneuver) -> str:
    noun, prep = way_name(m.street, m.way_kind)
    return f"{prep} {noun}"


def on(m: Maneuver) -> str:
    return f"on {way_name(m.street, m.way_kind)[0]}"


def has_way(m: Maneuver) -> bool:
    return bool(m.street) or bool(m.way_kind)


def post_text(m: Maneuver, st: Style, distance_m: float | None = None) -> str:
    """'Continue 120 metres on Mainzer Straße.' (way left out as in German)."""
    d = m.distance_m if distance_m is None else distance_m
    where = f" {on(m)}" if has_way(m) and not ends_here(m) else ""
    roadway = "there is no pavement: you walk on the roadway" if where and m.street and on_roadway(m) else ""
    if d < 0.5:
        return join(f"continue{where}", roadway) if where else ""
    return join(f"continue {distance(d, st)}{where}", roadway)


HAZARDS = {
    "construction": "construction site", "blocked_sidewalk": "pavement blocked",
    "missing_kerb_ramp": "kerb not lowered", "damaged_tactile_paving": "tactile paving damaged",
    "temporary_barrier": "temporary barrier", "other": "obstacle",
    "barrier": "barrier", "bollard": "bollard", "gate": "gate", "obstacle": "obstacle",
    "scaffolding": "scaffolding", "narrow": "narrow passage", "pothole": "pothole",
    "rough_surface": "uneven surface", "parked_vehicles": "parked vehicles",
    "tactile_paving_broken": "tactile paving damaged", "flooding": "water on the path",
    "ice": "slippery surface", "low_clearance": "low headroom", "vegetation": "overgrowth",
    "steps": "step", "kerb": "kerb edge", "cyclists": "cyclists",
}


def hazard_words(h: Hazard) -> str:
    if h.description_en and h.description_en.strip():
        return clean_free_text(h.description_en)
    return HAZARDS.get(h.kind, "obstacle")


_KIND_NOUNS = {"bus_stop": "bus stop", "stop": "stop", "station": "station"}


def label(lm: Landmark) -> str:
    """English label; an OSM stop name gets its kind ("Parkstraße bus stop") so it is not taken for a street."""
    if lm.label_en:
        return clean_free_text(lm.label_en)
    name = normalise_name(lm.label)
    noun = _KIND_NOUNS.get(lm.kind)
    if noun is None or is_beacon(lm) or any(w in name.lower() for w in ("haltestelle", "bahnhof", "hbf", "station", "stop")):
        return name
    return f"{name} {noun}"


def landmark_sentence(lm: Landmark, st: Style, where: str = "pass") -> str:
    if is_beacon(lm):
        return f"You are at {label(lm)}"
    side = side_words(lm.side, st)
    if where == "here":
        return f"{label(lm)} is here" + (f", {side}" if side else "")
    if where == "goal":
        return f"{label(lm)} is there"
    return f"You pass {label(lm)} {side}".strip()


def extras(m: Maneuver, st: Style) -> tuple[list[str], list[str]]:
    at, later = [], []
    if m.kind not in ("landmark", "arrive"):
        for lm in m.landmarks:
            if lm.distance_m is None or lm.distance_m <= 5:
                at.append(landmark_sentence(lm, st, "here"))
            else:
                s = landmark_sentence(lm, st).replace("You pass", "you pass", 1).replace("You are", "you are", 1)
                later.append(f"after {distance(lm.distance_m, st)} {s}")
    if m.kind != "hazard":
        for h in m.hazards:
            if h.distance_m is None or h.distance_m <= 2:
                at.append(f"Caution: {hazard_words(h)}")
            else:
                later.append(f"Caution: {hazard_words(h)}, after {distance(h.distance_m, st)}")
    return at, later


# --- maneuver kinds --------------------------------------------------------

def _in(pre_d: float | None, st: Style) -> str:
    """'in 30 metres'; 'shortly' when there is no approach (first maneuver)."""
    return "shortly" if pre_d is None else f"in {distance(pre_d, st)}"


def depart(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    way = f" {on(m)}" if has_way(m) else ""
    main = [f"head {_CARDINAL[cardinal_of(m)]}{way}"]
    if m.reference:
        where = f"at {clock_words(clock_of(m))}" if _clocked(m, st) else _TOWARDS[modifier_of(m)]
        ref = label(Landmark(kind=m.reference_kind, label=m.reference)) if m.reference_kind else m.reference
        main.append(f"facing {normalise_name(ref)}, that is {where}")
    text = join(*main)
    if m.steps is not None:  # the route begins on steps: say them at once
        text = f"{text} {steps(m, st, None)[1]}"
    return join(f"your route starts{way or ' here'}"), text, post_text(m, st)


def continue_(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    w = way_words(m, st)
    where = f" {on(m)}" if has_way(m) else ""
    return (join(f"{_in(pre_d, st)}, continue {w}{where}"),
            join(f"now continue {w}{where}"), post_text(m, st))


def turn(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    if modifier_of(m) == "uturn":
        return uturn(m, st, pre_d)
    target = m.compound[-1] if m.compound else m
    moves = turn_move(m, st) + "".join(f", then immediately {turn_move(x, st)}" for x in m.compound)
    into = f" {onto(target)}" if has_way(target) else ""
    if target.street and target.street == m.street_before:  # a bend of the same street or square
        into = f", staying {on(target)}"
    main = [f"now {moves}{into}"]
    if m.side_crossing is not None:
        main.append(side_crossing_words(m.side_crossing))
    return (join(f"{_in(pre_d, st)}, {moves}{into}"), join(*main),
            post_text(target, st, compound_distance(m)))


def side_crossing_words(c: Crossing) -> str:
    """'depending on your side of the street, you cross Mainzer Straße here at the traffic lights'."""
    f = crossing_facts(c)
    how = CONTROL[f.control] or ("where no crossing is mapped" if f.control == "unmapped" else "")
    return f"depending on your side of the street, you cross {_crossed(c, False)} here {how}".strip()


def uturn(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    back = f" and go back {on(m)}" if has_way(m) else ""
    return join(f"{_in(pre_d, st)}, turn around"), join(f"now turn around{back}"), post_text(m, st)


def name_change(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    if not m.street:
        return continue_(m, st, pre_d)
    noun = "the path" if (m.way_kind or "") in ("footway", "path", "track", "shared_cycle_path") else "the street"
    name = normalise_name(m.street)
    return (join(f"{_in(pre_d, st)}, {noun} becomes {name}"),
            join(f"{noun} is now called {name}"), post_text(m, st))


CONTROL = {"signals": "at the traffic lights", "zebra": "at the zebra crossing",
           "marked": "at the marked crossing", "uncontrolled": "at the uncontrolled crossing",
           "none": "without a crossing", "unknown": "", "unmapped": ""}
AIDS = {"sound": "acoustic signal", "vibration": "vibration signal", "button": "push button",
        "tactile": "tactile paving", "island": "crossing island", "kerb": "kerb"}
_CROSSED_UNNAMED = {"cycleway": "the cycle path", "service": "the driveway",
                    "rail": "the tracks", "tram": "the tracks"}


def _crossed(c: Crossing, major: bool) -> str:
    if c.street:
        return normalise_name(c.street) + (", a main road," if major else "")
    if major:
        return "the main road"
    return _CROSSED_UNNAMED.get(c.road_class or "", "the street")


def _kerb_words(kind: str | None, cm: int | None) -> str:
    if cm is not None and cm > 0:
        height = plural(cm, "centimetre", "centimetres") + " high"
        return f"kerb lowered, {height}" if kind == "lowered" else f"kerb {height}"
    return {"lowered": "kerb lowered", "flush": "kerb flush with the road", "rolled": "kerb rounded",
            "raised": "kerb high", "no": "no kerb"}.get(kind or "", "")


def cross(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    c = m.crossing or Crossing()
    f = crossing_facts(c)
    road, ctrl = _crossed(c, f.major_road), CONTROL[f.control]
    first = f"now cross {road} {ctrl}".rstrip(" ,")
    if f.present:
        first += ", with " + listing([AIDS[k] for k in f.present], AND)
    if f.absent:
        first += ", without " + listing([AIDS[k] for k in f.absent], AND)
    main = [first]
    if f.control == "unknown":
        main.append("type of crossing unknown")
    elif f.control == "unmapped":
        main.append("no crossing mapped")
    main.append(_kerb_words(f.kerb, f.kerb_cm))
    if f.edge_warning:
        main.append("caution: the road edge cannot be felt")
    if f.tactile_incorrect:
        main.append("tactile paving faulty")
    if f.unknown:
        main.append(listing([AIDS[k] for k in f.unknown], AND) + " unknown")
    sound = {"present": " with acoustic signal", "absent": " without acoustic signal"}.get(f.pre_sound or "", "")
    pre = f"{_in(pre_d, st)}, cross {road} {ctrl}".rstrip(" ,") + sound
    if f.control == "unmapped":
        pre += ", no crossing mapped"
    return join(pre), join(*main), post_text(m, st)


HANDRAIL = {"left": "handrail on the left", "right": "handrail on the right",
            "both": "handrails on both sides", "center": "handrail in the middle", "yes": "with a handrail",
            "none": "no handrail"}
_STEPS_UNKNOWN = {"count": "number of steps", "handrail": "handrail", "handrail_side": "side of the handrail"}


def steps(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    f = steps_facts(m.steps)
    known = []
    if f.count:
        known.append(plural(f.count, "step", "steps"))
    if f.handrail in HANDRAIL:
        known.append(HANDRAIL[f.handrail])
    if f.ramp:
        known.append("with ramp")
    head = {"up": "now go up the stairs", "down": "now go down the stairs"}.get(f.direction or "", "now take the stairs")
    main = [", ".join([head, *known])]
    if f.unknown:
        main.append(listing([_STEPS_UNKNOWN[k] for k in f.unknown], AND) + " unknown")
    pre_head = {"up": "there are stairs going up", "down": "there are stairs going down"}.get(
        f.direction or "", "there are stairs")
    pre = f"{_in(pre_d, st)}, {pre_head}" + (f", {plural(f.count, 'step', 'steps')}" if f.count else "")
    return join(pre), join(*main), post_text(m, st)


def elevator(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    return join(f"{_in(pre_d, st)}, there is a lift"), join("now take the lift"), post_text(m, st)


def enter_area(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    """Where the way turns onto the area, the turn is the instruction: 'Now turn left and enter ...'."""
    if m.street:
        name = normalise_name(m.street)
        what = f"{name}, an open area"
    else:
        name, what = "the square", "an open square"
    if modifier_of(m) == "straight":
        pre, main = f"{_in(pre_d, st)} you reach {what}", f"now you enter {what}"
    else:
        move = f"{turn_move(m, st)} and enter {what}"
        pre, main = f"{_in(pre_d, st)}, {move}", f"now {move}"
    # after the turn onto it, the way runs straight across until the next maneuver
    post = join(f"continue {distance(m.distance_m, st)} straight ahead across {name}")
    return join(pre), join(main, "orientation is difficult"), post


def leave_area(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    """The turn off the area is said early, too: 'In 30 metres, leave Marktplatz and turn right ...'."""
    area = normalise_name(m.street_before) if m.street_before else "the square"
    into = f" {onto(m)}" if has_way(m) else ""
    mod = modifier_of(m)
    if mod == "uturn":
        move = f"turn around and leave {area}{into}"
        return join(f"{_in(pre_d, st)}, {move}"), join(f"now {move}"), post_text(m, st)
    pre = f"{_in(pre_d, st)} you leave {area}"
    if mod != "straight":
        pre = f"{_in(pre_d, st)}, leave {area} and {turn_move(m, st)}{into}"
    return join(pre), join(f"now leave {area} and {turn_move(m, st)}{into}"), post_text(m, st)


def landmark(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    if not m.landmarks:
        return continue_(m, st, pre_d)
    first = m.landmarks[0]
    if is_beacon(first):
        pre = f"{_in(pre_d, st)} you reach {label(first)}"
    else:
        pre = f"{_in(pre_d, st)} you pass {label(first)} {side_words(first.side, st)}"
    return join(pre), join(*(landmark_sentence(lm, st) for lm in m.landmarks)), post_text(m, st)


def hazard(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    hs = m.hazards or [Hazard(kind="obstacle")]
    pre, main = [], []
    for h in hs:
        extra = h.distance_m if h.distance_m and h.distance_m > 2 else 0.0
        pre.append(f"caution: {hazard_words(h)}, in {distance((pre_d or 0.0) + extra, st)}")
        main.append(f"caution: {hazard_words(h)}" + (f", in {distance(extra, st)}" if extra else ""))
    return join(*pre), join(*main), post_text(m, st)


ALREADY_THERE = "You are already at your destination"


def arrive(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    if pre_d is None:  # arrival is the first maneuver: there is nothing to walk
        return "", join(ALREADY_THERE), ""
    if m.side == "area":  # the goal is a square, reached where the route meets it
        name = normalise_name(m.street) if m.street else "the square"
        main = ["you have reached your destination", f"{name}, an open area, begins here"]
        main += [landmark_sentence(lm, st, "goal") for lm in m.landmarks]
        return (join(f"{_in(pre_d, st)} you reach your destination, {name}"), join(*main),
                join("route guidance has ended"))
    side = m.side if m.side in _SIDE_CLOCK else None
    pre = f"{_in(pre_d, st)} you reach your destination"
    if side is None:
        main = ["you have reached your destination", "which side it is on is not known"]
    else:
        where = "it is " + side_words(side, st)
        main = [f"you have reached your destination, {where}"]
        pre += f", {where}"
    main += [landmark_sentence(lm, st, "goal") for lm in m.landmarks]
    return join(pre), join(*main), join("route guidance has ended")


KINDS = {
    "depart": depart, "continue": continue_, "turn": turn, "uturn": uturn,
    "name_change": name_change, "cross": cross, "steps": steps, "elevator": elevator,
    "enter_area": enter_area, "leave_area": leave_area, "landmark": landmark,
    "hazard": hazard, "arrive": arrive,
}


def texts(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    """Pre-announcement, instruction at the point, and what follows, in English."""
    pre, main, post = KINDS.get(m.kind, continue_)(m, st, pre_d)
    at, later = extras(m, st)
    return pre, join(main, *at), join(post, *later)


# --- route summary ---------------------------------------------------------

def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _signals(n: int, w: int, u: int) -> str:
    o = max(0, n - w - u)
    head = f"{count_word(n)} {'traffic light' if n == 1 else 'traffic lights'}"
    if n == 1:
        tail = "with acoustic signal" if w else ("acoustic signal unknown" if u else "without acoustic signal")
    elif w == n:
        tail = ("both" if n == 2 else "all") + " with acoustic signal"
    elif o == n:
        tail = "none with acoustic signal"
    elif u == n:
        tail = f"acoustic signal unknown at {'both' if n == 2 else 'all of them'}"
    else:
        parts = []
        if w:
            parts.append(f"{count_word(w)} of them with acoustic signal")
        if o:
            parts.append(f"{count_word(o)} without" if w else f"{count_word(o)} of them without acoustic signal")
        if u:
            parts.append(f"acoustic signal unknown at {count_word(u)}")
        tail = ", ".join(parts)
    return _cap(f"{head}, {tail}")


def _flight(s: Steps) -> str:
    f = steps_facts(s)
    count = f"with {plural(f.count, 'step', 'steps')}" if f.count else ""
    if has_handrail(f):
        rail = f"{AND} a handrail" if count else "with a handrail"
    elif f.handrail == "none":
        rail = "without handrail"
    else:
        rail = ""
    unknown = listing([_STEPS_UNKNOWN[k] for k in f.unknown if k != "handrail_side"], AND)
    text = " ".join(x for x in (count, rail) if x)
    if unknown:
        text = f"{text}, {unknown} unknown" if text else f"{unknown} unknown"
    return text


def _attach(head: str, details: str) -> str:
    if not details:
        return head
    return f"{head} {details}" if details.startswith(("with ", "without ")) else f"{head}, {details}"


_ORDINALS = ("first", "second", "third")


def summary(s: RouteSummary, st: Style) -> str:
    """'Route: 850 metres, about 12 minutes. Three traffic lights, all with acoustic signal. ...'"""
    if s.already_there:
        return join(ALREADY_THERE)
    out = [f"Route: {distance(s.distance_m, st)}, {duration(s.duration_s)}"]
    maybe = s.side_dependent_crossings
    if s.crossings <= 0 and maybe == 1:  # "up to one street" is no bound: one is a possibility
        out.append("depending on the side of the street, you may have to cross one street")
    elif s.crossings <= 0 and maybe > 1:
        out.append(f"depending on the side of the street, up to {count_word(maybe)} streets to cross")
    elif s.crossings <= 0:
        out.append("no streets to cross")
    else:
        if s.signals > 0:
            out.append(_signals(s.signals, s.signals_with_sound, s.signals_sound_unknown))
        for n, one, many in ((s.zebras, "zebra crossing", "zebra crossings"),
                             (s.unmarked_crossings, "unmarked crossing", "unmarked crossings"),
                             (s.unmapped_crossings, "street to cross where no crossing is mapped",
                              "streets to cross where no crossing is mapped"),
                             (s.unknown_crossings, "crossing of unknown type", "crossings of unknown type")):
            if n > 0:
                out.append(_cap(f"{count_word(n)} {one if n == 1 else many}"))
        rest = (s.crossings - s.signals - s.zebras - s.unmarked_crossings - s.unmapped_crossings
                - s.unknown_crossings)
        if rest > 0:
            named = {"marked": s.marked_crossings, "uncontrolled": s.uncontrolled_crossings}
            for adjective, n in named.items():
                if n > 0:
                    out.append(_cap(f"{count_word(n)} {adjective} {'crossing' if n == 1 else 'crossings'}"))
            other = rest - sum(named.values())
            if other > 0:
                out.append(_cap(f"{count_word(other)} other {'crossing' if other == 1 else 'crossings'}"))
    if s.crossings > 0 and maybe == 1:
        out.append("depending on the side of the street, possibly one more street to cross")
    elif s.crossings > 0 and maybe > 1:
        out.append(f"depending on the side of the street, up to {count_word(maybe)} more streets to cross")
    flights = s.flights_of_steps
    if len(flights) == 1:
        out.append(_attach("one staircase", _flight(flights[0])))
    elif 1 < len(flights) <= 3 and len({_flight(x) for x in flights}) == 1:
        details = _flight(flights[0])
        scope = "both" if len(flights) == 2 else f"all {count_word(len(flights))}"
        details = f"each {details}" if details.startswith(("with ", "without ")) else f"{details} for {scope}"
        out.append(_cap(_attach(f"{count_word(len(flights))} staircases", details)))
    elif 1 < len(flights) <= 3:
        items = [_attach(f"the {_ORDINALS[i]}", _flight(x)) for i, x in enumerate(flights)]
        out.append(_cap(f"{count_word(len(flights))} staircases: " + "; ".join(items)))
    elif flights:
        known = [steps_facts(x).count for x in flights]
        total = sum(c for c in known if c)
        missing = sum(1 for c in known if not c)
        text = f"{count_word(len(flights))} staircases"
        if total:
            text += f" with {plural(total, 'step', 'steps')} in total"
        if missing:
            text += f", number of steps unknown for {count_word(missing)}"
        out.append(_cap(text))
    if s.hazards:
        words = [hazard_words(h) for h in s.hazards]
        if len(words) == 1:
            out.append(f"Caution: {words[0]}")
        else:
            out.append(f"Caution, {count_word(len(words))} obstacles: " + "; ".join(words))
    return join(*out)
