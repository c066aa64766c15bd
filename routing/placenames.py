"""Place names as residents type or say them: normalisation and match scores.

People write "Schillerstraße", "Schillerstr.", "schiller strasse" or
"Schilerstrasse" for the same street; a speech recogniser writes "Loewen
Apotheke" for "Löwen-Apotheke". Names are therefore compared as *tokens*
after normalisation, and a name is scored by how well each query token
matches one of its tokens (exact, prefix, or a small typo), weighted by how
much of the name the query covers. Only the whole-name comparison is exact;
everything else scores below 100, so an exact match always ranks first.

The rules (:func:`tokens`):

* case-folded; ä/ö/ü -> ae/oe/ue, ß -> ss; other accents dropped (é -> e);
* split at anything not a letter or digit (hyphens, spaces, dots, commas);
* a token ending in ``str`` is ``...strasse`` ("Str.", "Schillerstr");
  ``St.`` -> sankt, ``Hbf`` -> hauptbahnhof, ``Bf`` -> bahnhof,
  ``Pl.`` -> platz, ``Dr.`` -> doktor, ``Prof.`` -> professor;
* the *compact key* joins the tokens without spaces, so "Löwen-Apotheke",
  "Loewen Apotheke" and "loewenapotheke" are one name.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "œ": "oe"})
_SPLIT = re.compile(r"[^0-9a-z]+")
ABBREVIATIONS = {
    "str": "strasse", "st": "sankt", "hbf": "hauptbahnhof", "bf": "bahnhof",
    "pl": "platz", "dr": "doktor", "prof": "professor",
}

#: A token this similar (rapidfuzz ratio, 0..100) to a name token counts as a typo of it.
FUZZY_TOKEN_CUTOFF = 75.0
#: A query this similar to a whole name (compact keys) counts as a typo of it.
FUZZY_NAME_CUTOFF = 75.0
MIN_PREFIX_LEN = 2
#: A typo costs this share of the score on top of the similarity itself.
TYPO_FACTOR = 0.95
#: Endings shared by many names: "Kaiserstraße" is no typo of "Pariserstraße".
GENERIC_SUFFIXES = ("strasse", "platz", "weg", "ring", "allee", "gasse", "damm", "ufer", "pfad")


def tokens(text: str) -> tuple[str, ...]:
    """Normalised tokens of a name or query (see the module docstring)."""
    s = unicodedata.normalize("NFC", text).casefold().translate(_FOLD)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    out: list[str] = []
    for tok in _SPLIT.split(s):
        if not tok:
            continue
        tok = ABBREVIATIONS.get(tok, tok)
        if len(tok) > 3 and tok.endswith("str"):
            tok += "asse"
        out.append(tok)
    return tuple(out)


def compact(toks: tuple[str, ...]) -> str:
    """The compact key: tokens joined without separators."""
    return "".join(toks)


def normalise(text: str) -> str:
    """Compact key of a text: equal keys mean the same name."""
    return compact(tokens(text))


def _prefix_score(q_len: int, t_len: int) -> float:
    """A prefix scores 0.92..1 by how much of the word it gives (never 1: that is exact)."""
    return 0.92 + 0.08 * q_len / t_len


@lru_cache(maxsize=65536)
def _split_suffix(word: str) -> tuple[str, str]:
    """(stem, generic ending) of a word; the ending is "" when there is none."""
    for suffix in GENERIC_SUFFIXES:
        if len(word) > len(suffix) and word.endswith(suffix):
            return word[: -len(suffix)], suffix
    return word, ""


def similarity(q: str, t: str, cutoff: float) -> float:
    """rapidfuzz ratio (0..100, 0 below ``cutoff``) of two words, without a shared generic ending."""
    q_stem, q_end = _split_suffix(q)
    t_stem, t_end = _split_suffix(t)
    if q_end and q_end == t_end:
        q, t = q_stem, t_stem
    return fuzz.ratio(q, t, score_cutoff=cutoff)


def token_match(q: str, t: str) -> float:
    """How well query token ``q`` matches name token ``t``, 0..1."""
    if q == t:
        return 1.0
    if len(q) >= MIN_PREFIX_LEN and len(q) < len(t) and t.startswith(q):
        return _prefix_score(len(q), len(t))
    if len(q) >= 3:
        r = similarity(q, t, FUZZY_TOKEN_CUTOFF)
        if r:
            return min(r / 100.0, 0.99) * TYPO_FACTOR
    return 0.0


def score(q_toks: tuple[str, ...], q_key: str, n_toks: tuple[str, ...], n_key: str) -> float:
    """Match score 0..100 of a query against a name; 100 only for the same compact key.

    Each query token takes its best name token; the mean of those matches is
    weighted by the share of the name's letters the query covers (0.8..1),
    so "Pariser" finds "Pariser Straße" (90) but below "Pariser" (100).
    A whole-name typo ("loewenapoteke") or a prefix of the compact key
    ("loewenapo") are scored too; the best reading wins.
    """
    if q_key == n_key:
        return 100.0
    if not q_toks or not n_toks:
        return 0.0
    covered = [0] * len(n_toks)
    total = 0.0
    for q in q_toks:
        best, best_j = 0.0, -1
        for j, t in enumerate(n_toks):
            m = token_match(q, t)
            if m > best:
                best, best_j = m, j
        total += best
        if best_j >= 0:
            covered[best_j] = max(covered[best_j], min(len(q), len(n_toks[best_j])))
    coverage = sum(covered) / max(1, sum(len(t) for t in n_toks))
    s = total / len(q_toks) * (0.8 + 0.2 * coverage)
    r = similarity(q_key, n_key, FUZZY_NAME_CUTOFF)
    if r:
        s = max(s, min(r / 100.0, 0.99) * TYPO_FACTOR)
    if len(q_key) >= 3 and len(q_key) < len(n_key) and n_key.startswith(q_key):
        share = len(q_key) / len(n_key)
        s = max(s, _prefix_score(len(q_key), len(n_key)) * (0.8 + 0.2 * share))
    return round(min(99.0, 100.0 * s), 1)
