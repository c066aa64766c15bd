"""Expansion of abbreviations that a speech engine would spell out.

espeak-ng reads "Mainzer Str." as "Mainzer S T E R" and "Hbf" as "H B F", so
every name and free text goes through here before it is spoken. The rules use
word boundaries so that "Bf" does not touch "Bfeld" and "Str." is only
expanded where it is an abbreviation.
"""

from __future__ import annotations

import re

# (pattern, replacement), applied in order. Names first, free text after.
_NAME_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        # "St." before a name (anywhere, usually at the start) -> "Sankt"
        (r"\bSt\.(?=\s*-?\s*[A-ZÄÖÜ])\s*(-?)\s*", r"Sankt\1" + "\u0000"),
        (r"\bDr\.\s*(-?)\s*", "Doktor\\1\u0000"),
        (r"\bProf\.\s*(-?)\s*", "Professor\\1\u0000"),
        (r"\bBgm\.\s*(-?)\s*", "Bürgermeister\\1\u0000"),
        (r"\bGebr\.\s*(-?)\s*", "Gebrüder\\1\u0000"),
        (r"\bGeschw\.\s*(-?)\s*", "Geschwister\\1\u0000"),
        (r"(?<=[\s-])v\.\s*(-?)\s*(?=[A-ZÄÖÜ])", "von\\1\u0000"),
        # "Str." / "Str" as a word of its own, "-Str." in hyphenated names
        (r"\bStr\.?(?![\wäöüß])", "Straße"),
        # "Schillerstr." / "Schillerstr" as a suffix
        (r"(?<=[a-zäöüß])str\.?(?![\wäöüß])", "straße"),
        (r"\bPl\.(?!\w)", "Platz"),
        (r"(?<=[a-zäöüß])pl\.(?!\w)", "platz"),
        (r"\bHbf\b\.?", "Hauptbahnhof"),
        (r"\bBhf\b\.?", "Bahnhof"),
        (r"\bBf\b\.?", "Bahnhof"),
        (r"(?<=[a-zäöüß])bf\b\.?", "bahnhof"),  # "Busbf."
        # transit and places: platforms, tracks, stops, entrances (signs and beacon labels)
        (r"\bBahnstg\b\.?", "Bahnsteig"),
        (r"\bStg\.", "Steig"),
        (r"\bGl\.", "Gleis"),
        (r"\bHst\b\.?", "Haltestelle"),
        (r"\bHaltest\.", "Haltestelle"),
        # floors, as signs and beacon labels write them ("Rathaus (EG)", "Eingang 1. OG")
        (r"\bEG\b", "Erdgeschoss"),
        (r"\bOG\b", "Obergeschoss"),
        (r"\bUG\b", "Untergeschoss"),
        (r"\bDG\b", "Dachgeschoss"),
        (r"\bHp\.", "Haltepunkt"),
        (r"\bEing\.", "Eingang"),
        (r"\bAusg\.", "Ausgang"),
        (r"\bRi\.", "Richtung"),
        (r"\bFußg\.", "Fußgänger"),
        (r"\bZentr\.", "Zentrum"),
        (r"\bGeb\.", "Gebäude"),
        (r"\bNr\.\s*", "Nummer "),
    )
)

#: A short word with a full stop left after expansion: an abbreviation no rule knows.
_ABBREVIATION = re.compile(r"(?<![\w.])[A-Za-zÄÖÜäöüß]{1,6}\.(?![\w.])")

_TEXT_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"\bca\.\s*", "circa "),
        (r"\bz\.\s?B\.", "zum Beispiel"),
        (r"\bbzw\.", "beziehungsweise"),
        (r"\bggf\.", "gegebenenfalls"),
        (r"\binkl\.", "inklusive"),
        (r"\busw\.", "und so weiter"),
        (r"\bNr\.\s*", "Nummer "),
        (r"\bvsl\.", "voraussichtlich"),
        (r"\bu\.\s?a\.", "unter anderem"),
        (r"\bd\.\s?h\.", "das heißt"),
        (r"\btägl\.", "täglich"),
        (r"\bMo\.?\s?[-–]\s?Fr\.?", "Montag bis Freitag"),
        (r"\bMo\.?\s?[-–]\s?Sa\.?", "Montag bis Samstag"),
        (r"\bMo\.?\s?[-–]\s?So\.?", "Montag bis Sonntag"),
        (r"(?<=\d)\s?[-–]\s?(?=\d+(?:[.:]\d+)?\s?Uhr)", " bis "),
        (r"(?<=\d)\s?m\b(?![\wäöüß])", " Meter"),
        (r"(?<=\d)\s?cm\b", " Zentimeter"),
        (r"(?<=\d)\s?km\b", " Kilometer"),
    )
)


def _tidy(text: str) -> str:
    """Resolve the joiner marker left by prefix rules and collapse spaces."""
    # A prefix followed by a hyphen keeps it ("Doktor-Karl-Straße");
    # otherwise the marker becomes one space ("Sankt Martin").
    text = text.replace("-\u0000", "-").replace("\u0000", " ")
    return re.sub(r"\s{2,}", " ", text).strip()


_BSTG = re.compile(r"\bBstg\b\.?")
_BUS = re.compile(r"(?<![a-zäöüß])(?:Bus|bus|Omnibus|ZOB\b)")


def expand_name(name: str) -> str:
    """Expand abbreviations in a street, place or stop name.

    "Bstg." is a platform: "Bussteig" where the name speaks of buses
    ("Bushaltestelle ZOB, Bstg. 3"), else "Bahnsteig".
    """
    if _BSTG.search(name):
        name = _BSTG.sub("Bussteig" if _BUS.search(name) else "Bahnsteig", name)
    for pattern, repl in _NAME_RULES:
        name = pattern.sub(repl, name)
    return _tidy(name)


def expand_text(text: str) -> str:
    """Expand abbreviations in free German text (hazard descriptions)."""
    text = expand_name(text)
    for pattern, repl in _TEXT_RULES:
        text = pattern.sub(repl, text)
    return _tidy(text)


def unknown_abbreviations(name: str) -> list[str]:
    """Abbreviations in ``name`` that :func:`expand_name` leaves as they are ("Bhst.").

    A speech engine spells them out letter by letter; a label to be spoken
    (a beacon's) should write them out. Only words of up to six letters
    followed by a full stop count: "Nordseite." at the end of a sentence is a
    word of its own, but labels do not end with a full stop anyway.
    """
    expanded = expand_name(name)
    return [m.group(0) for m in _ABBREVIATION.finditer(expanded)]
