"""Rounding of distances and durations the way a listener wants them.

A walker cannot use "137 Meter" better than "140 Meter", but near a turn a few
metres matter. The rules (the same for every language):

* metres: below 20 m to the whole metre (at least 1), below 100 m to 5 m,
  below 1000 m to 10 m, from 1000 m in kilometres with one decimal;
* steps (paces): distance / step length, below 20 to the whole step, below
  100 to 5, then to 10;
* durations: under a minute is "less than a minute", otherwise whole minutes
  ("about"), from an hour hours and minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Units = Literal["metres", "steps"]
UNITS: tuple[str, ...] = ("metres", "steps")


@dataclass(frozen=True)
class Amount:
    """A rounded distance: ``value`` in ``unit`` ("m", "km" or "steps")."""

    value: float
    unit: Literal["m", "km", "steps"]

    @property
    def is_one(self) -> bool:
        """True when the noun must be singular ("ein Meter", "1 pace")."""
        return self.value == 1


def _half_up(x: float) -> int:
    """Round half away from zero (Python's round() rounds half to even)."""
    return int(math.floor(x + 0.5))


def _to_step(x: float, step: int) -> int:
    return _half_up(x / step) * step


def round_count(x: float) -> int:
    """Round a count of metres or paces: 1 below 20, 5 below 100, else 10."""
    if x < 19.5:
        return max(1, _half_up(x))
    if x < 97.5:
        return _to_step(x, 5)
    return _to_step(x, 10)


def distance_amount(metres: float, units: str = "metres", step_length_m: float = 0.7) -> Amount:
    """Round a distance for speech in the user's units."""
    if units not in UNITS:
        raise ValueError(f"units must be one of {UNITS}, not {units!r}")
    metres = max(0.0, float(metres))
    if units == "steps":
        if not step_length_m or step_length_m <= 0:
            raise ValueError("step_length_m must be positive")
        return Amount(round_count(metres / step_length_m), "steps")
    m = round_count(metres)
    if m >= 1000:
        km = _half_up(metres / 100.0) / 10.0
        return Amount(km, "km")
    return Amount(m, "m")


@dataclass(frozen=True)
class Duration:
    """A rounded duration: under a minute, or hours and minutes."""

    under_a_minute: bool
    hours: int = 0
    minutes: int = 0


def duration_parts(seconds: float) -> Duration:
    """Round seconds to whole minutes (hours from 60 minutes on)."""
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return Duration(True)
    total = _half_up(seconds / 60.0)
    return Duration(False, total // 60, total % 60)


def kerb_centimetres(height_m: float) -> int:
    """Kerb height in whole centimetres (a cane feels centimetres, not millimetres)."""
    return _half_up(height_m * 100.0)
