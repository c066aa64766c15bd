"""The listener's preferences that shape every phrase."""

from __future__ import annotations

from dataclasses import dataclass

from .units import UNITS

DIRECTIONS = ("clock", "relative")


@dataclass(frozen=True)
class Style:
    """Units (metres or steps), direction style (clock face or left/right), step length."""

    units: str = "metres"
    directions: str = "clock"
    step_length_m: float = 0.7
    announce_m: float = 30.0  # how far ahead the pre-announcement is given

    def __post_init__(self) -> None:
        if self.units not in UNITS:
            raise ValueError(f"units must be one of {UNITS}, not {self.units!r}")
        if self.directions not in DIRECTIONS:
            raise ValueError(f"directions must be one of {DIRECTIONS}, not {self.directions!r}")
        if not (0.2 <= float(self.step_length_m) <= 2.0):
            raise ValueError("step_length_m must be between 0.2 and 2.0 metres")
        if not (0 < float(self.announce_m) <= 500):
            raise ValueError("announce_m must be between 0 and 500 metres")
