"""Words for "where am I" and "what is around me", in German and English.

The voice catalogues (``voice/lang_*.py``) say maneuvers; these answers are
about a place, not a maneuver, and the catalogues are being reworked by the
voice engineer, so the phrases live here, built on voice's public grammar
helpers (``street_phrase``, ``landmark_phrase``, ``distance_amount``). What
the map does not say — which side of the street, what kind of crossing — is
said to be unknown, never guessed.
"""

from __future__ import annotations

from routing.maneuvers import cardinal
from routing.orientation import Junction, StreetHere, Thing, WhereAmI
from voice.german import landmark_phrase, street_phrase
from voice.sentences import join, listing
from voice.units import distance_amount

CENTRELINE_KINDS = ("street_with_sidewalk", "street_without_sidewalk", "street_sidewalk_unknown",
                    "living_street", "service", "road", "pedestrian_street")
ON_WAY_M = 15.0  # closer than this (or the accuracy) to a way: the walker is on it
HERE_M = 3.0  # something this close is "here"

_CARDINAL = {
    "de": {"n": "Norden", "ne": "Nordosten", "e": "Osten", "se": "Südosten", "s": "Süden", "sw": "Südwesten",
           "w": "Westen", "nw": "Nordwesten"},
    "en": {"n": "north", "ne": "north-east", "e": "east", "se": "south-east", "s": "south", "sw": "south-west",
           "w": "west", "nw": "north-west"},
}
_CONTROL = {
    "de": {"signals": "Ampel", "zebra": "Zebrastreifen", "marked": "markierter Überweg",
           "uncontrolled": "Überweg ohne Ampel", "none": "Querung ohne Markierung",
           "unknown": "Querung unbekannter Art"},
    "en": {"signals": "traffic light crossing", "zebra": "zebra crossing", "marked": "marked crossing",
           "uncontrolled": "uncontrolled crossing", "none": "unmarked crossing",
           "unknown": "crossing of unknown type"},
}
# the words of voice.lang_en.UNNAMED ("the footpath", "the pavement", "the lift"), indefinite
_WAY_EN = {"footway": "a footpath", "sidewalk": "a pavement", "crossing": "a crossing", "steps": "a flight of stairs",
           "pedestrian_area": "a square", "pedestrian_street": "a pedestrian zone", "path": "a path",
           "track": "a track", "elevator": "a lift", "platform": "a platform", "corridor": "a corridor",
           "living_street": "a traffic-calmed street", "service": "a service road",
           "shared_path": "a shared foot and cycle path", "segregated_path": "a shared foot and cycle path"}


def metres(d: float, lang: str, case: str = "nom") -> str:
    """'40 Meter', 'ein Meter', '1,2 Kilometer' (dative: 'in 40 Metern', 'in einem Meter') / '40 metres'."""
    a = distance_amount(d)
    if lang == "en":
        if a.unit == "km":
            return f"{a.value:g} kilometres" if a.value != 1 else "1 kilometre"
        return "1 metre" if a.is_one else f"{a.value:g} metres"
    one = "einem" if case == "dat" else "ein"
    plural = "n" if case == "dat" else ""
    if a.unit == "km":
        return f"{one} Kilometer" if a.value == 1 else f"{a.value:g} Kilometer{plural}".replace(".", ",")
    return f"{one} Meter" if a.is_one else f"{a.value:g} Meter{plural}"


def direction(bearing: float, clock: int | None, lang: str, directions: str) -> str:
    """'auf 2 Uhr' / 'rechts' with a heading, 'Richtung Nordosten' without."""
    if clock is None:
        c = _CARDINAL[lang][cardinal(bearing)]
        return f"Richtung {c}" if lang == "de" else f"to the {c}"
    if directions == "clock":
        if lang == "en":
            return f"at {clock} o'clock"
        return "auf ein Uhr" if clock == 1 else f"auf {clock} Uhr"
    words = {"de": ("geradeaus", "rechts", "hinter Ihnen", "links"), "en": ("ahead", "to your right", "behind you",
                                                                         "to your left")}[lang]
    if clock in (11, 12, 1):
        return words[0]
    if clock in (2, 3, 4):
        return words[1]
    if clock in (5, 6, 7):
        return words[2]
    return words[3]


def _way_en(street: StreetHere) -> str:
    return street.name or _WAY_EN.get(street.way_kind, "a street")


def _street_sentences(s: StreetHere | None, accuracy: float | None, lang: str) -> list[str]:
    if s is None:
        return ["In der Nähe ist kein Weg verzeichnet" if lang == "de" else "No walkable way is mapped nearby"]
    on = s.distance_m <= max(accuracy or 0.0, ON_WAY_M)
    out = []
    if lang == "de":
        np_ = street_phrase(s.name, s.way_kind)
        out.append(f"Sie sind {np_.on}" if on else f"Der nächste Weg ist {np_.nom}, {metres(s.distance_m, lang)} entfernt")
    else:
        out.append(f"You are on {_way_en(s)}" if on else f"The nearest way is {_way_en(s)}, "
                                                        f"{metres(s.distance_m, lang)} away")
    if on and s.way_kind in CENTRELINE_KINDS:
        if s.side == "unknown":
            out.append("Auf welcher Straßenseite Sie sind, ist nicht bekannt" if lang == "de"
                       else "Which side of the street you are on is not known")
        elif lang == "de":
            out.append(f"Sie sind auf der {'rechten' if s.side == 'right' else 'linken'} Straßenseite")
        else:
            out.append(f"You are on the {s.side}-hand side of the street")
    return out


def _junction_sentence(j: Junction | None, heading: float | None, lang: str, directions: str) -> str | None:
    if j is None:
        return None
    d = metres(j.distance_m, lang)
    if j.kind == "dead_end":
        if j.distance_m < HERE_M:
            return "Der Weg endet hier" if lang == "de" else "The way ends here"
        # The mapped way ends there (it may go on where the map stops): say where, not that the street ends.
        toward = _CARDINAL[lang][cardinal(j.bearing)]
        if lang == "de":
            return f"Der kartierte Weg endet nach {metres(j.distance_m, lang, 'dat')} Richtung {toward}"
        return f"The mapped way ends after {d} to the {toward}"
    names = [n for n in j.streets if n and n[0].isupper()]
    where = direction(j.bearing, j.clock, lang, directions)
    if lang == "de":
        with_ = f" mit {listing([street_phrase(n).dat for n in names], 'und')}" if names else ""
        light = ", dort ist eine Ampel" if j.signals else ""
        if heading is not None:
            return f"Die nächste Kreuzung{with_} kommt in {metres(j.distance_m, lang, 'dat')}{light}"
        return f"Die nächste Kreuzung{with_} ist {d} entfernt, {where}{light}"
    with_ = f" with {listing(names, 'and')}" if names else ""
    light = ", with traffic lights" if j.signals else ""
    if heading is not None:
        return f"The next junction{with_} is in {d}{light}"
    return f"The next junction{with_} is {d} away, {where}{light}"


def _stop_sentence(t: Thing | None, lang: str, directions: str) -> str | None:
    if t is None:
        return None
    where = direction(t.bearing, t.clock, lang, directions)
    d = metres(t.distance_m, lang)
    if t.distance_m < 5:
        return f"Sie sind an der Haltestelle {t.name}" if lang == "de" else f"You are at the {t.name} stop"
    if lang == "de":
        return f"Die nächste Haltestelle ist {t.name}, {d} entfernt, {where}"
    return f"The nearest stop is {t.name}, {d} away, {where}"


def _here_sentence(j: Junction | None, lang: str) -> str | None:
    if j is None:
        return None
    names = [n for n in j.streets if n and n[0].isupper()]
    light = (", dort ist eine Ampel" if lang == "de" else ", with traffic lights") if j.signals else ""
    if lang == "de":
        with_ = f" mit {listing([street_phrase(n).dat for n in names], 'und')}" if names else ""
        return f"Sie sind an einer Kreuzung{with_}{light}"
    with_ = f" with {listing(names, 'and')}" if names else ""
    return f"You are at a junction{with_}{light}"


def whereami_text(w: WhereAmI, lang: str = "de", directions: str = "clock") -> str:
    """The spoken answer to "where am I"."""
    parts = _street_sentences(w.street, w.accuracy_m, lang)
    parts.append(_here_sentence(w.at_junction, lang) or "")
    if w.heading is None:  # before the first direction, so the walker knows how to take it
        parts.append("Ohne Gehrichtung sind Richtungen nach Himmelsrichtung angegeben" if lang == "de"
                     else "Without a heading, directions are given by compass")
    parts.append(_junction_sentence(w.junction, w.heading, lang, directions) or "")
    parts.append(_stop_sentence(w.stop, lang, directions) or "")
    return join(*parts)


def thing_label(t: Thing, lang: str) -> str:
    """'Haltestelle Rathaus', 'Ampel über die Mainzer Straße, mit Blindensignal', 'Casimirsaal'."""
    if t.kind == "stop":
        return f"Haltestelle {t.name}" if lang == "de" else f"{t.name} stop"
    if t.kind != "crossing":
        return t.name or ("Ort ohne Namen" if lang == "de" else "unnamed place")
    d = t.detail
    label = _CONTROL[lang].get(d.get("control", "unknown"), _CONTROL[lang]["unknown"])
    if t.name:
        label += f" über {street_phrase(t.name).acc}" if lang == "de" else f" of {t.name}"
    if d.get("control") == "signals":
        sound = d.get("sound", "unknown")
        label += {"de": {"yes": ", mit Blindensignal", "no": ", ohne Blindensignal",
                         "unknown": ", Blindensignal unbekannt"},
                  "en": {"yes": ", with acoustic signal", "no": ", without acoustic signal",
                         "unknown": ", acoustic signal unknown"}}[lang][sound]
    return label


def around_text(items: list[Thing], radius_m: float, lang: str = "de", directions: str = "clock",
                limit: int = 8) -> str:
    """'Im Umkreis von 50 Metern: Haltestelle Rathaus, 30 Meter, auf 2 Uhr; ...'."""
    r = metres(radius_m, lang, "dat")
    if not items:
        return join(f"Im Umkreis von {r} ist nichts verzeichnet" if lang == "de"
                    else f"Nothing is mapped within {r}")
    said = [f"{thing_label(t, lang)}, " + ("hier" if lang == "de" else "here") if t.distance_m < HERE_M
            else f"{thing_label(t, lang)}, {metres(t.distance_m, lang)}, {direction(t.bearing, t.clock, lang, directions)}"
            for t in items[:limit]]
    head = f"Im Umkreis von {r}: " if lang == "de" else f"Within {r}: "
    text = head + "; ".join(said)
    if len(items) > limit:
        more = len(items) - limit
        text += (f"; und {more} weitere" if lang == "de" else f"; and {more} more")
    return join(text)


def beacon_sentence(label: str, distance_m: float, bearing: float, clock: int | None, lang: str,
                    directions: str) -> str:
    """'Der nächste Orientierungspunkt ist Bushaltestelle Rathaus, Steig A, 30 Meter entfernt, auf 9 Uhr.'"""
    where = direction(bearing, clock, lang, directions)
    phrase = landmark_phrase(label)  # "an der Bushaltestelle …", "die Ampel …": articles as in guidance
    if distance_m < HERE_M:
        return join(f"Sie sind {phrase.at}" if lang == "de" else f"You are at {label}")
    if lang == "de":
        return join(f"Der nächste Orientierungspunkt ist {phrase.nom}, {metres(distance_m, lang)} entfernt, {where}")
    return join(f"The nearest beacon is {label}, {metres(distance_m, lang)} away, {where}")
