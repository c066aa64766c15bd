"""Assembling sentences: capitals, full stops, lists. Shared by all catalogues."""

from __future__ import annotations

import re


def sentence(text: str) -> str:
    """One sentence: trimmed, first letter capital, ending in a full stop."""
    text = re.sub(r"\s+", " ", text).strip().rstrip(",;")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def join(*sentences: str) -> str:
    """Join non-empty sentences with single spaces."""
    return " ".join(s for s in (sentence(x) for x in sentences if x) if s)


def listing(items: list[str], and_word: str) -> str:
    """'A', 'A und B', 'A, B und C' (no serial comma, also in English)."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {and_word} {items[-1]}"


def clean_free_text(text: str) -> str:
    """A staff-written description as one clause: no trailing stop, single spaces."""
    return re.sub(r"\s+", " ", text).strip().rstrip(".!;, ")
