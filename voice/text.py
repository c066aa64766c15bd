"""Maneuvers -> spoken text, three times per maneuver, in German or English.

Each maneuver is said early (``pre``, when the walker is ``pre_distance_m``
before it), at the point (``main``) and after it (``post``: what comes next).
The wording lives in one catalogue module per language; this module only
validates options and walks the route.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Iterable

from routing.maneuver import Maneuver, RouteSummary

from . import lang_de, lang_en
from .style import Style

CATALOGUES: dict[str, ModuleType] = {"de": lang_de, "en": lang_en}
LANGUAGES = tuple(CATALOGUES)


@dataclass(frozen=True)
class Guidance:
    """What is said for one maneuver.

    ``pre_distance_m`` is where the pre-announcement belongs (its "In 30
    Metern"), None for the first maneuver, which has no approach.
    """

    pre: str
    main: str
    post: str
    kind: str = ""
    pre_distance_m: float | None = None

    def texts(self) -> tuple[str, str, str]:
        return self.pre, self.main, self.post


def catalogue(lang: str) -> ModuleType:
    """The catalogue module of a language ('de', 'en'; 'de-DE' is accepted)."""
    key = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    if key not in CATALOGUES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    return CATALOGUES[key]


def render(
    maneuvers: Iterable[Maneuver],
    lang: str = "de",
    units: str = "metres",
    directions: str = "clock",
    step_length_m: float = 0.7,
    *,
    announce_m: float = 30.0,
) -> list[Guidance]:
    """Say every maneuver of a route as pre / main / post text.

    Raises ValueError for an unknown language, unit, direction style or an
    implausible step length (0.2..2 m).
    """
    cat = catalogue(lang)
    st = Style(units, directions, step_length_m, announce_m)
    out: list[Guidance] = []
    previous: Maneuver | None = None
    for m in maneuvers:
        # the approach runs from the previous maneuver's point, over all parts of a compound turn
        pre_d = None if previous is None else min(st.announce_m, max(0.0, previous.to_next_m))
        pre, main, post = cat.texts(m, st, pre_d)
        out.append(Guidance(pre, main, post, m.kind, pre_d))
        previous = m
    return out


def summarise(summary: RouteSummary, lang: str = "de", units: str = "metres",
              step_length_m: float = 0.7) -> str:
    """What is said before the first step: length, time, crossings, steps, hazards."""
    return catalogue(lang).summary(summary, Style(units, "relative", step_length_m))
