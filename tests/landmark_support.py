"""Landmarks as routing's ``extra_landmarks`` take them, for tests on the metre grid of conftest.py."""

from __future__ import annotations


def beacon_landmark(ll, x: float, y: float, label: str, kind: str = "bus_stop", bid: str | None = None) -> dict:
    """A registered beacon at grid metres (x, y), as the registry hands it to route guidance."""
    lat, lon = ll(x, y)
    return {"kind": "beacon", "name": label, "label_en": None, "lat": lat, "lon": lon,
            "id": bid or label, "beacon_kind": kind}
