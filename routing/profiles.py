"""Routing profiles as data: named parameter sets with documented defaults.

A profile says what a kind of walker minds, in seconds-equivalent: the cost of
a route is its walking time plus penalties. Every parameter has a default, a
valid range and a one-line meaning; presets override some defaults; a request
may override any parameter (``options``), and is validated here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


class ProfileError(ValueError):
    """Unknown profile, unknown option or a value out of range."""


@dataclass(frozen=True)
class Parameter:
    """One tunable cost parameter."""

    name: str
    default: float | bool
    minimum: float | None
    maximum: float | None
    meaning: str
    unit: str = "s"

    def validate(self, value: Any) -> float | bool:
        """Return the value converted, or raise :class:`ProfileError`."""
        if isinstance(self.default, bool):
            if not isinstance(value, bool):
                raise ProfileError(f"option '{self.name}' must be true or false")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ProfileError(f"option '{self.name}' must be a number")
        if value != value:  # NaN
            raise ProfileError(f"option '{self.name}' must be a number")
        if self.minimum is not None and value < self.minimum:
            raise ProfileError(f"option '{self.name}' must be at least {self.minimum:g} (got {value:g})")
        if self.maximum is not None and value > self.maximum:
            raise ProfileError(f"option '{self.name}' must be at most {self.maximum:g} (got {value:g})")
        return float(value)


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("walking_speed", 1.3, 0.3, 2.5, "walking speed used for the duration and the base cost", "m/s"),
        Parameter("avoid_steps", False, None, None, "never use steps (wheelchair, pram)", ""),
    )
}

#: Presets: a name, a meaning, and the parameters that differ from the defaults.
PRESETS: dict[str, dict[str, Any]] = {
    "walk": {"meaning": "sighted pedestrian: the shortest walkable route", "params": {}},
}

DEFAULT_PROFILE = "walk"


@dataclass(frozen=True)
class Profile:
    """A resolved profile: preset name plus the values of all parameters."""

    name: str
    values: tuple[tuple[str, float | bool], ...]

    def __getitem__(self, key: str) -> float | bool:
        return dict(self.values)[key]

    @property
    def params(self) -> dict[str, float | bool]:
        return dict(self.values)

    @property
    def key(self) -> tuple:
        """Hashable identity for caching cost arrays."""
        return (self.name, self.values)


def resolve(name: str | None, options: Mapping[str, Any] | None = None) -> Profile:
    """Profile ``name`` with per-request ``options`` applied and validated."""
    name = name or DEFAULT_PROFILE
    if name not in PRESETS:
        raise ProfileError(f"unknown profile '{name}'; known profiles: {', '.join(PRESETS)}")
    values = {p.name: p.default for p in PARAMETERS.values()}
    values.update(PRESETS[name]["params"])
    for key, value in (options or {}).items():
        if key not in PARAMETERS:
            raise ProfileError(f"unknown option '{key}'; known options: {', '.join(sorted(PARAMETERS))}")
        values[key] = PARAMETERS[key].validate(value)
    return Profile(name=name, values=tuple(sorted(values.items())))


def describe() -> list[dict[str, Any]]:
    """Presets with their parameters and meaning, for ``GET /api/v1/profiles``."""
    out = []
    for name, preset in PRESETS.items():
        profile = resolve(name)
        out.append({
            "name": name,
            "meaning": preset["meaning"],
            "parameters": {
                key: {"value": value, "default": PARAMETERS[key].default, "minimum": PARAMETERS[key].minimum,
                      "maximum": PARAMETERS[key].maximum, "unit": PARAMETERS[key].unit,
                      "meaning": PARAMETERS[key].meaning}
                for key, value in profile.values
            },
        })
    return out
