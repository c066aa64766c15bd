"""German catalogue: the words of every German instruction.

Rules kept here: numbers are digits (espeak-ng reads them well) except one,
which must agree in gender and case ("einen Meter", "in einem Meter", "eine
Stufe", "ein Uhr") because espeak-ng would say "eins"; no abbreviations; what
is unknown is said to be unknown, grouped in one short sentence.
"""

from __future__ import annotations

from routing.maneuver import Crossing, Hazard, Landmark, Maneuver, RouteSummary, Steps

from .abbrev import expand_text
from .directions import cardinal_of, clock_of, modifier_of
from .facts import (compound_distance, crossing_facts, ends_here, has_handrail, is_beacon, on_roadway,
                    steps_facts)
from .german import UNNAMED, NounPhrase, landmark_phrase, normalise_name, street_head, street_phrase
from .sentences import clean_free_text, join, listing
from .style import Style
from .units import Amount, distance_amount, duration_parts

AND = "und"

# --- numbers and units -----------------------------------------------------

_ONE = {("m", "nom"): "ein", ("m", "acc"): "einen", ("m", "dat"): "einem",
        ("f", "nom"): "eine", ("f", "acc"): "eine", ("f", "dat"): "einer",
        ("n", "nom"): "ein", ("n", "acc"): "ein", ("n", "dat"): "einem"}
_WORDS = {2: "zwei", 3: "drei", 4: "vier", 5: "fünf", 6: "sechs", 7: "sieben",
          8: "acht", 9: "neun", 10: "zehn", 11: "elf", 12: "zwölf"}
# unit -> (singular, plural, dative plural, gender)
_NOUNS = {"m": ("Meter", "Meter", "Metern", "m"), "km": ("Kilometer", "Kilometer", "Kilometern", "m"),
          "steps": ("Schritt", "Schritte", "Schritten", "m")}


def number(value: float) -> str:
    """Digits with a decimal comma: 120, 1,2."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def count_word(n: int, gender: str = "f", case: str = "nom") -> str:
    """A small count in words (one agrees with its noun), larger ones as digits."""
    if n == 1:
        return _ONE[(gender, case)]
    return _WORDS.get(n, str(n))


def amount(a: Amount, case: str) -> str:
    """'120 Meter', 'einen Meter' (acc), 'einem Meter' / '30 Metern' (dat)."""
    sg, pl, pl_dat, gender = _NOUNS[a.unit]
    if a.is_one:
        return f"{_ONE[(gender, case)]} {sg}"
    return f"{number(a.value)} {pl_dat if case == 'dat' else pl}"


def distance(metres: float, st: Style, case: str) -> str:
    return amount(distance_amount(metres, st.units, st.step_length_m), case)


def stufen(n: int, case: str = "nom") -> str:
    """'12 Stufen', 'eine Stufe', after 'mit': 'einer Stufe'."""
    return f"{_ONE[('f', case)]} Stufe" if n == 1 else f"{n} Stufen"


def centimetres(n: int) -> str:
    """Accusative of measure: 'einen Zentimeter hoch', '12 Zentimeter hoch'."""
    return "einen Zentimeter" if n == 1 else f"{n} Zentimeter"


def duration(seconds: float) -> str:
    d = duration_parts(seconds)
    if d.under_a_minute:
        return "weniger als eine Minute"
    parts = []
    if d.hours:
        parts.append("eine Stunde" if d.hours == 1 else f"{d.hours} Stunden")
    if d.minutes:
        parts.append("eine Minute" if d.minutes == 1 else f"{d.minutes} Minuten")
    return "etwa " + f" {AND} ".join(parts)


# --- directions ------------------------------------------------------------

_RELATIVE = {"straight": "geradeaus", "slight_left": "halb links", "left": "links",
             "sharp_left": "scharf links", "slight_right": "halb rechts", "right": "rechts",
             "sharp_right": "scharf rechts", "uturn": "zurück"}
_CARDINAL = {"n": "Norden", "ne": "Nordosten", "e": "Osten", "se": "Südosten",
             "s": "Süden", "sw": "Südwesten", "w": "Westen", "nw": "Nordwesten"}
_SIDE_CLOCK = {"right": 3, "left": 9, "ahead": 12}


def clock_words(hour: int) -> str:
    return "ein Uhr" if hour == 1 else f"{hour} Uhr"


def heading(m: Maneuver, st: Style) -> str:
    """Where to go: 'links', 'halb rechts', or 'Richtung 3 Uhr'; straight is 'geradeaus'."""
    mod = modifier_of(m)
    if st.directions == "clock" and mod not in ("straight", "uturn"):
        return f"Richtung {clock_words(clock_of(m))}"
    return _RELATIVE[mod]


def position(m: Maneuver, st: Style) -> str:
    """Where a direction lies: 'rechts', 'halb links', 'auf 3 Uhr', 'hinter Ihnen'."""
    mod = modifier_of(m)
    if mod == "uturn":
        return "hinter Ihnen"
    if st.directions == "clock" and mod != "straight":
        return f"auf {clock_words(clock_of(m))}"
    return _RELATIVE[mod]


def side_words(side: str | None, st: Style) -> str:
    """Where something is: 'auf der rechten Seite' / 'auf 3 Uhr'; '' when unknown."""
    if side not in _SIDE_CLOCK:
        return ""
    if st.directions == "clock":
        return f"auf {clock_words(_SIDE_CLOCK[side])}"
    return {"right": "auf der rechten Seite", "left": "auf der linken Seite", "ahead": "vor Ihnen"}[side]


# --- shared pieces ---------------------------------------------------------

def way_of(m: Maneuver) -> NounPhrase:
    return street_phrase(m.street, m.way_kind)


def has_way(m: Maneuver) -> bool:
    return bool(m.street) or bool(m.way_kind)


def post_text(m: Maneuver, st: Style, distance_m: float | None = None) -> str:
    """After the maneuver: 'Weiter 120 Meter auf der Mainzer Straße.'

    The way is left out when unknown, and after steps or a lift, where the
    way walked next is not the stairs or the lift itself.
    """
    d = m.distance_m if distance_m is None else distance_m
    on = f" {way_of(m).on}" if has_way(m) and not ends_here(m) else ""
    # a named street mapped without a sidewalk: the walker is on the roadway, and must know it
    roadway = "kein Gehweg, Sie gehen auf der Fahrbahn" if on and m.street and on_roadway(m) else ""
    if d < 0.5:
        return join(f"weiter{on}", roadway) if on else ""
    return join(f"weiter {distance(d, st, 'acc')}{on}", roadway)


def hazard_words(h: Hazard) -> str:
    if h.description and h.description.strip():
        return clean_free_text(expand_text(h.description))
    return HAZARDS.get(h.kind, "Hindernis")


HAZARDS = {
    "construction": "Baustelle", "blocked_sidewalk": "Gehweg gesperrt",
    "missing_kerb_ramp": "Bordstein nicht abgesenkt", "damaged_tactile_paving": "Bodenleitsystem beschädigt",
    "temporary_barrier": "vorübergehende Absperrung", "other": "Hindernis",
    "barrier": "Absperrung", "bollard": "Poller", "gate": "Tor", "obstacle": "Hindernis",
    "scaffolding": "Baugerüst", "narrow": "Engstelle", "pothole": "Schlagloch",
    "rough_surface": "unebener Boden", "parked_vehicles": "parkende Fahrzeuge",
    "tactile_paving_broken": "Bodenleitsystem beschädigt", "flooding": "Wasser auf dem Weg",
    "ice": "Glätte", "low_clearance": "niedrige Durchgangshöhe", "vegetation": "Bewuchs",
    "steps": "Stufe", "kerb": "Bordsteinkante", "cyclists": "Radverkehr",
}


_KIND_NOUNS = {"bus_stop": "Bushaltestelle", "stop": "Haltestelle", "station": "Bahnhof"}


def spoken_label(lm: Landmark) -> str:
    """The label with what kind of place it is, unless the label says so already.

    OSM names a bus stop by its stop name only ("Parkstraße"); said bare, it
    would sound like the street. Beacon labels are written to be spoken as they are.
    """
    noun = _KIND_NOUNS.get(lm.kind)
    if noun is None or is_beacon(lm):
        return lm.label
    if any(word in lm.label.lower() for word in ("haltestelle", "bahnhof", "hbf", "station", "steig")):
        return lm.label
    return f"{noun} {lm.label}"


def landmark_sentence(lm: Landmark, st: Style, where: str = "pass") -> str:
    """'Sie passieren die Bushaltestelle Rathaus auf der rechten Seite.' / beacon: 'Sie sind an ...'."""
    p = landmark_phrase(spoken_label(lm))
    if is_beacon(lm):
        return f"Sie sind {p.at}"
    side = side_words(lm.side, st)
    if where == "here":
        return f"hier ist {p.nom} {side}".strip()
    if where == "goal":
        return f"dort ist {p.nom}"
    return f"Sie passieren {p.acc} {side}".strip()


def extras(m: Maneuver, st: Style) -> tuple[list[str], list[str]]:
    """Landmarks and hazards of any maneuver: at the point (main) and along the leg (post)."""
    at, later = [], []
    if m.kind not in ("landmark", "arrive"):
        for lm in m.landmarks:
            if lm.distance_m is None or lm.distance_m <= 5:
                at.append(landmark_sentence(lm, st, "here"))
            else:
                later.append(f"nach {distance(lm.distance_m, st, 'dat')} "
                             + landmark_sentence(lm, st).replace("Sie passieren", "passieren Sie", 1)
                             .replace("Sie sind", "sind Sie", 1))
    if m.kind != "hazard":
        for h in m.hazards:
            if h.distance_m is None or h.distance_m <= 2:
                at.append(f"Achtung: {hazard_words(h)}")
            else:
                later.append(f"Achtung: {hazard_words(h)}, nach {distance(h.distance_m, st, 'dat')}")
    return at, later


# --- maneuver kinds --------------------------------------------------------

def _in(pre_d: float | None, st: Style) -> str:
    """'in 30 Metern'; 'gleich' when there is no approach (first maneuver)."""
    return "gleich" if pre_d is None else f"in {distance(pre_d, st, 'dat')}"


def depart(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    way = way_of(m)
    on = f" {way.on}" if has_way(m) else ""
    pre = f"Ihre Route beginnt{on}" if on else "Ihre Route beginnt hier"
    main = [f"Gehen Sie nach {_CARDINAL[cardinal_of(m)]}{on}"]
    if m.reference:
        ref = _reference_phrase(m.reference, m.reference_kind)
        main.append(f"mit Blick {ref.to} ist das {position(m, st)}")
    text = join(*main)
    if m.steps is not None:  # the route begins on steps: say them at once
        text = f"{text} {steps(m, st, None)[1]}"
    return join(pre), text, post_text(m, st)


def _reference_phrase(name: str, kind: str | None = None) -> NounPhrase:
    """A place is said as it is when passed ('zur Bushaltestelle Herrenberg ZOB'), a street by its name."""
    if kind:
        return landmark_phrase(spoken_label(Landmark(kind=kind, label=name)))
    return street_phrase(name) if street_head(normalise_name(name)) else landmark_phrase(name)


def continue_(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    h = heading(m, st)
    on = f" {way_of(m).on}" if has_way(m) else ""
    return join(f"{_in(pre_d, st)} {h} weiter{on}"), join(f"jetzt {h} weiter{on}"), post_text(m, st)


def turn(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    if modifier_of(m) == "uturn":
        return uturn(m, st, pre_d)
    target = m.compound[-1] if m.compound else m
    moves = f" {AND} gleich danach ".join(heading(x, st) for x in [m, *m.compound])
    into = f" {way_of(target).into}" if has_way(target) else ""
    if target.street and target.street == m.street_before:  # a bend of the same street or square
        into = f", weiter {way_of(target).on}"
    main = [f"jetzt {moves}{into}"]
    if m.side_crossing is not None:
        main.append(side_crossing_words(m.side_crossing))
    return (join(f"{_in(pre_d, st)} {moves}{into}"), join(*main),
            post_text(target, st, compound_distance(m)))


def side_crossing_words(c: Crossing) -> str:
    """'je nach Straßenseite überqueren Sie dabei die Mainzer Straße an der Ampel': possible, not certain."""
    f = crossing_facts(c)
    road, _ = _crossed(c, False)
    how = CONTROL[f.control] or ("ohne verzeichneten Überweg" if f.control == "unmapped" else "")
    return f"je nach Straßenseite überqueren Sie dabei {road.acc} {how}".strip()


def uturn(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    back = f" {AND} zurück {way_of(m).on}" if has_way(m) else ""
    return join(f"{_in(pre_d, st)} umdrehen"), join(f"jetzt umdrehen{back}"), post_text(m, st)


def name_change(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    if not m.street:
        return continue_(m, st, pre_d)
    noun = "der Weg" if (m.way_kind or "") in ("footway", "path", "track", "shared_cycle_path") else "die Straße"
    name = normalise_name(m.street)
    return (join(f"{_in(pre_d, st)} heißt {noun} {name}"),
            join(f"{noun} heißt jetzt {name}"), post_text(m, st))


CONTROL = {"signals": "an der Ampel", "zebra": "am Zebrastreifen", "marked": "am markierten Überweg",
           "uncontrolled": "am ungesicherten Überweg", "none": "ohne Überweg", "unknown": "", "unmapped": ""}
AIDS = {"sound": "Blindensignal", "vibration": "Vibrationssignal", "button": "Taster",
        "tactile": "Bodenleitsystem", "island": "Mittelinsel", "kerb": "Bordstein"}
_CROSSED_UNNAMED = {
    "cycleway": UNNAMED["cycleway"],
    "service": NounPhrase("f", ("Zufahrt",) * 3, "in", "auf"),
    "rail": NounPhrase(None, ("die Gleise",) * 3), "tram": NounPhrase(None, ("die Gleise",) * 3),
    "major": NounPhrase("f", ("Hauptverkehrsstraße",) * 3, "in", "auf"),
}


def _crossed(c: Crossing, major: bool) -> tuple[NounPhrase, str]:
    """The crossed road and an apposition for major roads ('eine Hauptverkehrsstraße')."""
    if c.street:
        return street_phrase(c.street), (", eine Hauptverkehrsstraße," if major else "")
    if major:
        return _CROSSED_UNNAMED["major"], ""
    return _CROSSED_UNNAMED.get(c.road_class or "", UNNAMED["street"]), ""


def cross(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    c = m.crossing or Crossing()
    f = crossing_facts(c)
    road, appos = _crossed(c, f.major_road)
    ctrl = CONTROL[f.control]
    aids = []
    if f.present:
        aids.append("mit " + listing([AIDS[k] for k in f.present], AND))
    if f.absent:
        aids.append("ohne " + listing([AIDS[k] for k in f.absent], AND))
    first = f"überqueren Sie jetzt {road.acc}{appos} {ctrl}".rstrip(" ,")
    if aids:
        first = first + ", " + ", ".join(aids)
    main = [first]
    if f.control == "unknown":
        main.append("Art des Überwegs unbekannt")
    elif f.control == "unmapped":
        main.append("kein Überweg verzeichnet")
    main.append(_kerb_words(f.kerb, f.kerb_cm))
    if f.edge_warning:
        main.append("Achtung: Fahrbahnrand nicht tastbar")
    if f.tactile_incorrect:
        main.append("Bodenleitsystem fehlerhaft")
    if f.unknown:
        main.append(listing([AIDS[k] for k in f.unknown], AND) + " unbekannt")
    sound = {"present": " mit Blindensignal", "absent": " ohne Blindensignal"}.get(f.pre_sound or "", "")
    pre = f"{_in(pre_d, st)} überqueren Sie {road.acc}{appos} {ctrl}".rstrip(" ,") + sound
    if f.control == "unmapped":
        pre += ", kein Überweg verzeichnet"
    return join(pre), join(*main), post_text(m, st)


def _kerb_words(kind: str | None, cm: int | None) -> str:
    if cm is not None and cm > 0:
        prefix = "Bordstein abgesenkt, " if kind == "lowered" else "Bordstein "
        return f"{prefix}{centimetres(cm)} hoch"
    return {"lowered": "Bordstein abgesenkt", "flush": "Bordstein ebenerdig",
            "rolled": "Bordstein abgerundet", "raised": "Bordstein hoch",
            "no": "kein Bordstein"}.get(kind or "", "")


HANDRAIL = {"left": "Handlauf links", "right": "Handlauf rechts", "both": "Handlauf auf beiden Seiten",
            "center": "Handlauf in der Mitte", "yes": "mit Handlauf", "none": "kein Handlauf"}
_STEPS_UNKNOWN = {"count": "Stufenzahl", "handrail": "Handlauf", "handrail_side": "Seite des Handlaufs"}


def steps_details(s: Steps | None) -> tuple[list[str], list[str]]:
    """Known details and the names of unknown ones."""
    f = steps_facts(s)
    known = []
    if f.count:
        known.append(stufen(f.count))
    if f.handrail in HANDRAIL:
        known.append(HANDRAIL[f.handrail])
    if f.ramp:
        known.append("mit Rampe")
    return known, [_STEPS_UNKNOWN[k] for k in f.unknown]


def steps(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    f = steps_facts(m.steps)
    known, unknown = steps_details(m.steps)
    head = {"up": "jetzt die Treppe hinauf", "down": "jetzt die Treppe hinab"}.get(f.direction or "", "jetzt eine Treppe")
    main = [", ".join([head, *known])]
    if unknown:
        main.append(listing(unknown, AND) + " unbekannt")
    pre_head = {"up": "geht es eine Treppe hinauf", "down": "geht es eine Treppe hinab"}.get(
        f.direction or "", "kommt eine Treppe")
    pre = f"{_in(pre_d, st)} {pre_head}" + (f", {stufen(f.count)}" if f.count else "")
    return join(pre), join(*main), post_text(m, st)


def elevator(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    return join(f"{_in(pre_d, st)} kommt ein Aufzug"), join("nehmen Sie jetzt den Aufzug"), post_text(m, st)


def enter_area(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    """Where the way turns onto the area, the turn is the instruction: 'Jetzt links auf den Marktplatz, ...'."""
    area = street_phrase(m.street, m.way_kind or "pedestrian_area")
    mod = modifier_of(m)
    if m.street:
        into, what = f"{area.into}, eine offene Fläche", f"{area.nom}, eine offene Fläche"
        enters = f"betreten Sie {area.acc}, eine offene Fläche"
    else:
        area = UNNAMED["pedestrian_area"]
        into, what, enters = "auf einen offenen Platz", "ein offener Platz", "betreten Sie einen offenen Platz"
    if mod == "straight":
        pre, main = f"{_in(pre_d, st)} beginnt {what}", f"jetzt {enters}"
    else:
        turn = "umdrehen und" if mod == "uturn" else heading(m, st)
        pre, main = f"{_in(pre_d, st)} {turn} {into}", f"jetzt {turn} {into}"
    # after the turn onto it, the way runs straight across until the next maneuver
    post = join(f"weiter {distance(m.distance_m, st, 'acc')} geradeaus {area.over}")
    return join(pre), join(main, "Orientierung schwierig"), post


def leave_area(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    """The turn off the area is said early, too: 'In 30 Metern verlassen Sie den Marktplatz, rechts in ...'."""
    area = street_phrase(m.street_before, "pedestrian_area") if m.street_before else UNNAMED["pedestrian_area"]
    into = f" {way_of(m).into}" if has_way(m) else ""
    mod = modifier_of(m)
    if mod == "uturn":
        move = f"umdrehen {AND} {area.acc} verlassen" + (f",{into}" if into else "")
        return join(f"{_in(pre_d, st)} {move}"), join(f"jetzt {move}"), post_text(m, st)
    pre = f"{_in(pre_d, st)} verlassen Sie {area.acc}"
    if mod != "straight":
        pre += f", {heading(m, st)}{into}"
    return join(pre), join(f"jetzt verlassen Sie {area.acc}, {heading(m, st)}{into}"), post_text(m, st)


def landmark(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    if not m.landmarks:
        return continue_(m, st, pre_d)
    first = m.landmarks[0]
    p = landmark_phrase(spoken_label(first))
    if is_beacon(first):
        pre = f"{_in(pre_d, st)} erreichen Sie {p.acc}"
    else:
        pre = f"{_in(pre_d, st)} passieren Sie {p.acc} {side_words(first.side, st)}"
    main = join(*(landmark_sentence(lm, st) for lm in m.landmarks))
    return join(pre), main, post_text(m, st)


def hazard(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    hs = m.hazards or [Hazard(kind="obstacle")]
    pre, main = [], []
    for h in hs:
        extra = h.distance_m if h.distance_m and h.distance_m > 2 else 0.0
        pre.append(f"Achtung: {hazard_words(h)}, in {distance((pre_d or 0.0) + extra, st, 'dat')}")
        main.append(f"Achtung: {hazard_words(h)}" + (f", in {distance(extra, st, 'dat')}" if extra else ""))
    return join(*pre), join(*main), post_text(m, st)


ALREADY_THERE = "Sie sind bereits am Ziel"


def arrive(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    if pre_d is None:  # arrival is the first maneuver: there is nothing to walk
        return "", join(ALREADY_THERE), ""
    if m.side == "area":  # the goal is a square, reached where the route meets it
        area = street_phrase(m.street, "pedestrian_area") if m.street else UNNAMED["pedestrian_area"]
        main = ["Sie haben Ihr Ziel erreicht", f"hier beginnt {area.nom}, eine offene Fläche"]
        main += [landmark_sentence(lm, st, "goal") for lm in m.landmarks]
        return (join(f"{_in(pre_d, st)} erreichen Sie Ihr Ziel, {area.acc}"), join(*main),
                join("die Routenführung ist beendet"))
    side = m.side if m.side in _SIDE_CLOCK else None
    pre = f"{_in(pre_d, st)} erreichen Sie Ihr Ziel"
    if side is None:
        main = ["Sie haben Ihr Ziel erreicht", "auf welcher Seite es liegt, ist nicht bekannt"]
    else:
        if st.directions == "clock":
            where = f"es liegt auf {clock_words(_SIDE_CLOCK[side])}"
        else:
            where = "es liegt " + {"right": "rechts", "left": "links", "ahead": "vor Ihnen"}[side]
        main = [f"Sie haben Ihr Ziel erreicht, {where}"]
        pre += f", {where}"
    main += [landmark_sentence(lm, st, "goal") for lm in m.landmarks]
    return join(pre), join(*main), join("die Routenführung ist beendet")


KINDS = {
    "depart": depart, "continue": continue_, "turn": turn, "uturn": uturn,
    "name_change": name_change, "cross": cross, "steps": steps, "elevator": elevator,
    "enter_area": enter_area, "leave_area": leave_area, "landmark": landmark,
    "hazard": hazard, "arrive": arrive,
}


def texts(m: Maneuver, st: Style, pre_d: float | None) -> tuple[str, str, str]:
    """Pre-announcement, instruction at the point, and what follows, in German."""
    pre, main, post = KINDS.get(m.kind, continue_)(m, st, pre_d)
    at, later = extras(m, st)
    return pre, join(main, *at), join(post, *later)


# --- route summary ---------------------------------------------------------

def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _signals(n: int, w: int, u: int) -> str:
    o = max(0, n - w - u)
    head = f"{count_word(n, 'f')} {'Ampel' if n == 1 else 'Ampeln'}"
    if n == 1:
        tail = "mit Blindensignal" if w else ("Blindensignal unbekannt" if u else "ohne Blindensignal")
    elif w == n:
        tail = ("beide" if n == 2 else "alle") + " mit Blindensignal"
    elif o == n:
        tail = "keine mit Blindensignal"
    elif u == n:
        tail = f"bei {'beiden' if n == 2 else 'allen'} ist das Blindensignal unbekannt"
    else:
        parts = []
        if w:
            parts.append(f"{count_word(w, 'f')} davon mit Blindensignal")
        if o:
            parts.append(f"{count_word(o, 'f')} ohne" if w else f"{count_word(o, 'f')} davon ohne Blindensignal")
        if u:
            parts.append(f"bei {count_word(u, 'f', 'dat')} ist das Blindensignal unbekannt")
        tail = ", ".join(parts)
    return _cap(f"{head}, {tail}")


def _attach(head: str, details: str) -> str:
    """'eine Treppe mit 12 Stufen' but 'eine Treppe, Stufenzahl unbekannt'."""
    if not details:
        return head
    return f"{head} {details}" if details.startswith(("mit ", "ohne ")) else f"{head}, {details}"


def _flight(s: Steps) -> str:
    f = steps_facts(s)
    count = f"mit {stufen(f.count, 'dat')}" if f.count else ""
    if has_handrail(f):
        rail = f"{AND} Handlauf" if count else "mit Handlauf"
    elif f.handrail == "none":
        rail = "ohne Handlauf"
    else:
        rail = ""
    unknown = listing([_STEPS_UNKNOWN[k] for k in f.unknown if k != "handrail_side"], AND)
    text = " ".join(x for x in (count, rail) if x)
    if unknown:
        text = f"{text}, {unknown} unbekannt" if text else f"{unknown} unbekannt"
    return text


_ORDINALS = ("erste", "zweite", "dritte")


def summary(s: RouteSummary, st: Style) -> str:
    """'Route: 850 Meter, etwa 12 Minuten. 3 Ampeln, alle mit Blindensignal. ...'"""
    if s.already_there:
        return join(ALREADY_THERE)
    out = [f"Route: {distance(s.distance_m, st, 'nom')}, {duration(s.duration_s)}"]
    maybe = s.side_dependent_crossings
    if s.crossings <= 0 and maybe == 1:  # "bis zu eine Straße" is no German: one is a possibility, not a bound
        out.append("je nach Straßenseite überqueren Sie möglicherweise eine Straße")
    elif s.crossings <= 0 and maybe > 1:
        out.append(f"je nach Straßenseite überqueren Sie bis zu {count_word(maybe)} Straßen")
    elif s.crossings <= 0:
        out.append("keine Straße zu überqueren")
    else:
        if s.signals > 0:
            out.append(_signals(s.signals, s.signals_with_sound, s.signals_sound_unknown))
        if s.zebras > 0:
            out.append(_cap(f"{count_word(s.zebras, 'm')} Zebrastreifen"))
        if s.unmarked_crossings > 0:
            n = s.unmarked_crossings
            out.append(_cap(f"{count_word(n, 'f')} {'Überquerung' if n == 1 else 'Überquerungen'} ohne Überweg"))
        if s.unmapped_crossings > 0:  # nothing mapped there: not known to be unmarked
            n = s.unmapped_crossings
            out.append(_cap(f"{count_word(n, 'f')} {'Überquerung' if n == 1 else 'Überquerungen'} "
                            "ohne verzeichneten Überweg"))
        if s.unknown_crossings > 0:
            n = s.unknown_crossings
            out.append(_cap(f"{count_word(n, 'f')} {'Überquerung' if n == 1 else 'Überquerungen'} unbekannter Art"))
        rest = (s.crossings - s.signals - s.zebras - s.unmarked_crossings - s.unmapped_crossings
                - s.unknown_crossings)
        if rest > 0:
            named = {"markiert": s.marked_crossings, "ungesichert": s.uncontrolled_crossings}
            for adjective, n in named.items():
                if n > 0:
                    noun = f"{adjective}er Überweg" if n == 1 else f"{adjective}e Überwege"
                    out.append(_cap(f"{'ein' if n == 1 else count_word(n)} {noun}"))
            other = rest - sum(named.values())
            if other > 0:
                out.append("ein weiterer Überweg" if other == 1 else f"{count_word(other)} weitere Überwege")
    if s.crossings > 0 and maybe == 1:
        out.append("je nach Straßenseite kommt möglicherweise eine weitere Straße hinzu")
    elif s.crossings > 0 and maybe > 1:
        out.append(f"je nach Straßenseite kommen bis zu {count_word(maybe)} weitere Straßen hinzu")
    flights = s.flights_of_steps
    if len(flights) == 1:
        out.append(_attach("eine Treppe", _flight(flights[0])))
    elif 1 < len(flights) <= 3 and len({_flight(x) for x in flights}) == 1:
        out.append(_cap(_attach(f"{count_word(len(flights))} Treppen", "jeweils " + _flight(flights[0]))))
    elif 1 < len(flights) <= 3:
        items = [_attach(f"die {_ORDINALS[i]}", _flight(x)) for i, x in enumerate(flights)]
        out.append(_cap(f"{count_word(len(flights))} Treppen: " + "; ".join(items)))
    elif flights:
        known = [steps_facts(x).count for x in flights]
        total = sum(c for c in known if c)
        missing = sum(1 for c in known if not c)
        text = f"{count_word(len(flights))} Treppen mit zusammen {stufen(total, 'dat')}" if total else f"{count_word(len(flights))} Treppen"
        if missing:
            text += f", bei {count_word(missing, 'f', 'dat')} ist die Stufenzahl unbekannt"
        out.append(_cap(text))
    if s.hazards:
        words = [hazard_words(h) for h in s.hazards]
        if len(words) == 1:
            out.append(f"Achtung: {words[0]}")
        else:
            out.append(f"Achtung, {count_word(len(words), 'n')} Hindernisse: " + "; ".join(words))
    return join(*out)
