"""German grammar for street, way and landmark names.

A German sentence needs the article and preposition of a name's head noun:
"in die Mainzer Straße" (Straße is feminine), "in den Fauthweg", "auf dem
Benzinoring", "auf den Marktplatz", "am Ufer". The head is the name's last
component ("Schillerstraße" -> Straße) unless the name starts with a head
followed by a genitive ("Platz der Einheit"). Names that start with a
preposition or article ("Am Altenhof", "An der Bahn") and names whose head we
do not know are put in apposition to a noun we do know ("in die Straße Am
Altenhof", "auf dem Weg Kaiserpfalz"), which is always grammatical and never
guesses a gender.
"""

from __future__ import annotations

from functools import lru_cache
import re
from dataclasses import dataclass
from typing import Literal

from .abbrev import expand_name

Gender = Literal["f", "m", "n"]
Case = Literal["nom", "acc", "dat"]

ARTICLES: dict[Case, dict[Gender, str]] = {
    "nom": {"f": "die", "m": "der", "n": "das"},
    "acc": {"f": "die", "m": "den", "n": "das"},
    "dat": {"f": "der", "m": "dem", "n": "dem"},
}
_CONTRACTIONS = {
    ("in", "dem"): "im", ("an", "dem"): "am", ("in", "das"): "ins",
    ("an", "das"): "ans", ("zu", "dem"): "zum", ("zu", "der"): "zur",
    ("von", "dem"): "vom", ("bei", "dem"): "beim",
}


@dataclass(frozen=True)
class Head:
    """A head noun: its gender, and the prepositions for 'into' (acc) and 'on' (dat)."""

    gender: Gender
    into: str
    on: str


# Head nouns of street and way names, matched as the end of the last word.
STREET_HEADS: dict[str, Head] = {
    "straße": Head("f", "in", "auf"), "strasse": Head("f", "in", "auf"),
    "gasse": Head("f", "in", "in"), "allee": Head("f", "in", "auf"),
    "chaussee": Head("f", "in", "auf"), "promenade": Head("f", "auf", "auf"),
    "brücke": Head("f", "auf", "auf"), "zeile": Head("f", "in", "in"),
    "passage": Head("f", "in", "in"), "steige": Head("f", "in", "auf"),
    "anlage": Head("f", "in", "in"), "terrasse": Head("f", "auf", "auf"),
    "unterführung": Head("f", "in", "in"), "stiege": Head("f", "in", "auf"),
    "weg": Head("m", "in", "auf"), "pfad": Head("m", "in", "auf"),
    "steig": Head("m", "in", "auf"), "stieg": Head("m", "in", "auf"),
    "ring": Head("m", "in", "auf"), "damm": Head("m", "in", "auf"),
    "platz": Head("m", "auf", "auf"), "markt": Head("m", "auf", "auf"),
    "graben": Head("m", "in", "auf"), "wall": Head("m", "auf", "auf"),
    "kai": Head("m", "auf", "auf"), "steg": Head("m", "auf", "auf"),
    "hof": Head("m", "in", "in"), "winkel": Head("m", "in", "in"),
    "bogen": Head("m", "in", "in"), "park": Head("m", "in", "in"),
    "garten": Head("m", "in", "in"), "kreisel": Head("m", "in", "in"),
    "gang": Head("m", "in", "in"), "tunnel": Head("m", "in", "in"),
    "ufer": Head("n", "auf", "an"),
}

# Further head nouns of landmark labels ("Bushaltestelle Rathaus", "Eingang Rathaus").
_LANDMARK_GENDERS: dict[str, Gender] = {
    "stelle": "f", "ung": "f", "heit": "f", "keit": "f", "schaft": "f", "ei": "f",
    "ion": "f", "tät": "f", "thek": "f", "klinik": "f", "ampel": "f", "tür": "f",
    "treppe": "f", "kirche": "f", "schule": "f", "halle": "f", "post": "f",
    "apotheke": "f", "bank": "f", "praxis": "f", "insel": "f", "säule": "f",
    "mühle": "f", "kapelle": "f", "mauer": "f", "rampe": "f", "sparkasse": "f",
    "kasse": "f", "information": "f", "toilette": "f", "garage": "f",
    "eingang": "m", "ausgang": "m", "steig": "m", "turm": "m", "brunnen": "m",
    "kasten": "m", "automat": "m", "punkt": "m", "bahnhof": "m", "hof": "m",
    "laden": "m", "kiosk": "m", "aufzug": "m", "mast": "m", "parkplatz": "m",
    "platz": "m", "markt": "m", "park": "m", "garten": "m", "friedhof": "m",
    "haus": "n", "zentrum": "n", "museum": "n", "gebäude": "n", "amt": "n",
    "büro": "n", "café": "n", "restaurant": "n", "geschäft": "n", "tor": "n",
    "stadion": "n", "theater": "n", "denkmal": "n", "schild": "n", "gleis": "n",
    "kino": "n", "hotel": "n", "rathaus": "n",
    # crossings and ways to them, as beacon labels name them ("am Zebrastreifen Schießtäle")
    "streifen": "m", "anlage": "f", "stele": "f",
    # more heads of beacon labels ("bei Mensa" was said for "Mensa"): stops, buildings, ways in
    "mensa": "f", "kantine": "f", "hilfe": "f", "furt": "f", "zelle": "f", "pforte": "f", "passage": "f",
    "behörde": "f", "verein": "m", "stand": "m", "ständer": "m", "empfang": "m", "schalter": "m",
    "tunnel": "m", "stuhl": "m", "zob": "m", "bad": "n", "foyer": "n", "häuschen": "n",
}
LANDMARK_GENDERS: dict[str, Gender] = {
    **{k: h.gender for k, h in STREET_HEADS.items()},
    **_LANDMARK_GENDERS,
}

# Words that make a name prepositional ("Am Altenhof") or start it with an article.
NAME_PREPOSITIONS = frozenset(
    "am an auf aus bei beim hinter hinterm im in ins nach neben über unter unterm "
    "vor vorm vom von zu zum zur zwischen gegenüber bis um durch entlang oberhalb "
    "unterhalb jenseits diesseits außerhalb innerhalb der die das den dem des".split()
)
# Second words after which a leading head noun is the head ("Platz der Einheit").
_GENITIVE_LINKS = frozenset("der des am an zum zur im vor hinter bei".split())

# Adjective stems that are declined in names ("Alte Straße" -> "der Alten Straße").
ADJECTIVE_STEMS = frozenset(
    "alt neu lang kurz hoh breit schmal groß klein ober unter mittler vorder "
    "hinter nieder inner äußer grün rot weiß schwarz blau gelb krumm still schön "
    "tief eng hell heilig steil weit frei kalt warm gerad link recht".split()
)
_STRONG_ENDING: dict[Gender, str] = {"f": "e", "m": "er", "n": "es"}
_ADJ_RE = re.compile(r"^([A-ZÄÖÜ][a-zäöüß]+?)(es|er|e)$")


def _match_suffix(word: str, table: dict[str, object]) -> str | None:
    """Longest key of ``table`` that ends ``word`` as a word or a compound part."""
    w = word.lower()
    for key in sorted(table, key=len, reverse=True):
        if w == key or (w.endswith(key) and len(w) - len(key) >= 2):
            return key
    return None


def _is_adjective(word: str) -> bool:
    m = _ADJ_RE.match(word)
    return bool(m) and m.group(1).lower() in ADJECTIVE_STEMS


def _weak(word: str, gender: Gender, case: Case) -> str:
    """Decline an adjective in a name after the definite article, if it is one."""
    m = _ADJ_RE.match(word)
    if not m or m.group(1).lower() not in ADJECTIVE_STEMS or m.group(2) != _STRONG_ENDING[gender]:
        return word
    ending = "e" if case == "nom" or (case == "acc" and gender != "m") else "en"
    return m.group(1) + ending


@dataclass(frozen=True)
class NounPhrase:
    """A name with the forms a German sentence needs.

    ``gender`` None means a bare proper name ("Kaufland") that takes no article.
    ``forms`` are the words without article in nominative, accusative, dative.
    """

    gender: Gender | None
    forms: tuple[str, str, str]
    into_prep: str = "in"
    on_prep: str = "auf"
    name: str = ""  # the name as spoken on its own; "" for an unnamed way

    def article(self, case: Case) -> str:
        """The phrase with its article: 'die Mainzer Straße', 'dem Fauthweg'."""
        words = self.forms[("nom", "acc", "dat").index(case)]
        if self.gender is None:
            return words
        return f"{ARTICLES[case][self.gender]} {words}"

    def prep(self, preposition: str, case: Case) -> str:
        """Preposition + phrase, contracted where German contracts ('im', 'zur')."""
        if self.gender is None:
            return f"{preposition} {self.forms[0]}"
        words = self.forms[("nom", "acc", "dat").index(case)]
        art = ARTICLES[case][self.gender]
        short = _CONTRACTIONS.get((preposition, art))
        return f"{short} {words}" if short else f"{preposition} {art} {words}"

    nom = property(lambda self: self.article("nom"))
    acc = property(lambda self: self.article("acc"))
    dat = property(lambda self: self.article("dat"))
    into = property(lambda self: self.prep(self.into_prep, "acc"), doc="'in die Mainzer Straße'")
    on = property(lambda self: self.prep(self.on_prep, "dat"), doc="'auf der Mainzer Straße'")
    over = property(lambda self: self.prep("über", "acc"), doc="'über die Pariser Straße'")
    to = property(lambda self: self.prep("zu", "dat"), doc="'zur Bushaltestelle'")

    @property
    def at(self) -> str:
        """'an der Bushaltestelle', 'am Eingang'; 'bei Kaufland' without article."""
        if self.gender is None:
            return f"bei {self.forms[0]}"
        return self.prep("an", "dat")


def _phrase(gender: Gender, nom: str, acc: str, dat: str, into: str, on: str, name: str = "") -> NounPhrase:
    return NounPhrase(gender, (nom, acc, dat), into, on, name)


# Unnamed ways by kind. Explicit forms: adjectives are declined by hand.
UNNAMED: dict[str, NounPhrase] = {
    "footway": _phrase("m", "Fußweg", "Fußweg", "Fußweg", "in", "auf"),
    "sidewalk": _phrase("m", "Gehweg", "Gehweg", "Gehweg", "auf", "auf"),
    "pedestrian_area": _phrase("m", "Platz", "Platz", "Platz", "auf", "auf"),
    "pedestrian": _phrase("f", "Fußgängerzone", "Fußgängerzone", "Fußgängerzone", "in", "in"),
    "steps": _phrase("f", "Treppe", "Treppe", "Treppe", "auf", "auf"),
    "path": _phrase("m", "Weg", "Weg", "Weg", "in", "auf"),
    "track": _phrase("m", "Feldweg", "Feldweg", "Feldweg", "in", "auf"),
    "cycleway": _phrase("m", "Radweg", "Radweg", "Radweg", "auf", "auf"),
    "shared_cycle_path": _phrase(
        "m", "gemeinsame Geh- und Radweg", "gemeinsamen Geh- und Radweg",
        "gemeinsamen Geh- und Radweg", "auf", "auf"),
    "living_street": _phrase(
        "m", "verkehrsberuhigte Bereich", "verkehrsberuhigten Bereich",
        "verkehrsberuhigten Bereich", "in", "in"),
    "crossing": _phrase("m", "Überweg", "Überweg", "Überweg", "auf", "auf"),
    "elevator": _phrase("m", "Aufzug", "Aufzug", "Aufzug", "in", "in"),
    "street": _phrase("f", "Straße", "Straße", "Straße", "in", "auf"),
    "street_no_sidewalk": _phrase(
        "f", "Straße ohne Gehweg", "Straße ohne Gehweg", "Straße ohne Gehweg", "in", "auf"),
    "corridor": _phrase("m", "Gang", "Gang", "Gang", "in", "in"),
    "platform": _phrase("m", "Bahnsteig", "Bahnsteig", "Bahnsteig", "auf", "auf"),
}
UNNAMED_ALIASES = {
    "street_with_sidewalk": "sidewalk", "residential": "street", "road": "street",
    "service": "street", "unclassified": "street", "tertiary": "street",
    "secondary": "street", "primary": "street", "street_without_sidewalk": "street_no_sidewalk",
    "pedestrian_street": "pedestrian", "bridleway": "path", "area": "pedestrian_area",
}
_GENERIC_WAY = UNNAMED["path"]

# The noun a name of unknown gender is put in apposition to, by way kind.
_PATH_KINDS = frozenset("footway path track cycleway shared_cycle_path steps bridleway corridor".split())


def _apposition(way_kind: str | None) -> tuple[str, Head]:
    """Noun and head for 'die Straße X' / 'der Weg X' when X's gender is unknown."""
    kind = UNNAMED_ALIASES.get(way_kind or "", way_kind or "")
    if kind in _PATH_KINDS:
        return "Weg", STREET_HEADS["weg"]
    if kind == "pedestrian_area":
        return "Platz", STREET_HEADS["platz"]
    if kind == "pedestrian":
        return "Fußgängerzone", Head("f", "in", "in")
    return "Straße", STREET_HEADS["straße"]


@lru_cache(maxsize=4096)
def normalise_name(name: str) -> str:
    """Expand abbreviations and tidy whitespace of a name."""
    return expand_name(" ".join(name.split()))


def street_head(name: str) -> tuple[Head, int] | None:
    """Head noun of a street name and the index of its word, or None if unknown.

    Names starting with a preposition or article have no usable head.
    """
    words = name.split()
    if not words or words[0].lower() in NAME_PREPOSITIONS:
        return None
    if len(words) > 1 and words[1].lower() in _GENITIVE_LINKS:
        key = _match_suffix(words[0].split("-")[-1], STREET_HEADS)
        if key:
            return STREET_HEADS[key], 0
    key = _match_suffix(words[-1].split("-")[-1], STREET_HEADS)
    return (STREET_HEADS[key], len(words) - 1) if key else None


def street_gender(name: str) -> Gender | None:
    """Grammatical gender of a street name, None when not known."""
    found = street_head(normalise_name(name))
    return found[0].gender if found else None


def _declined(words: list[str], head_index: int, gender: Gender) -> tuple[str, str, str]:
    out = []
    for case in ("nom", "acc", "dat"):
        out.append(" ".join(
            _weak(w, gender, case) if i < head_index else w  # type: ignore[arg-type]
            for i, w in enumerate(words)))
    return out[0], out[1], out[2]


@lru_cache(maxsize=4096)
def street_phrase(name: str | None, way_kind: str | None = None) -> NounPhrase:
    """Noun phrase for the way walked: a named street or an unnamed way by kind."""
    if not name or not name.strip():
        kind = UNNAMED_ALIASES.get(way_kind or "", way_kind or "")
        return UNNAMED.get(kind, _GENERIC_WAY)
    name = normalise_name(name)
    found = street_head(name)
    if found:
        head, index = found
        return NounPhrase(head.gender, _declined(name.split(), index, head.gender),
                          head.into, head.on, name)
    noun, head = _apposition(way_kind)
    words = f"{noun} {name}"
    return NounPhrase(head.gender, (words, words, words), head.into, head.on, name)


@lru_cache(maxsize=4096)
def landmark_phrase(label: str) -> NounPhrase:
    """Noun phrase for a landmark label: 'die Bushaltestelle Rathaus', or bare name."""
    label = normalise_name(label)
    words = label.split()
    i = 0
    while i < len(words) - 1 and _is_adjective(words[i]):
        i += 1
    first = words[i].rstrip(",") if words else ""
    if words and words[0].lower() not in NAME_PREPOSITIONS:
        key = _match_suffix(first.split("-")[-1], LANDMARK_GENDERS)
        if key:
            gender = LANDMARK_GENDERS[key]
            return NounPhrase(gender, _declined(words, i, gender), "zu", "an", label)
    return NounPhrase(None, (label, label, label), "zu", "bei", label)
