"""Routing profiles as data: named parameter sets with documented defaults.

A profile says what a kind of walker minds, in **seconds-equivalent**: the cost
of a route is its walking time (length / ``walking_speed``) plus penalties.
A penalty of 60 means "worth a detour of one minute's walk to avoid".

* :data:`PARAMETERS` lists every parameter with its meaning, unit, valid range
  and baseline default. The baseline is the sighted walker (``walk``): every
  penalty is 0, so ``walk`` is the shortest walkable route.
* :data:`PRESETS` are the named profiles; each overrides some baseline
  values. The values are a product decision, justified next to each preset.
* :func:`resolve` applies a request's ``options`` on top of a preset and
  validates them (:class:`ProfileError` for an unknown option or a value out
  of range; the API answers 422).

Kinds of parameters, by how :mod:`routing.costs` applies them:

* ``*_per_m`` (s/m) are added per metre walked on a way: they scale with
  length ("a metre of roadway costs 1 s more than a metre of sidewalk");
* crossing, step-flight, barrier and turn parameters (s) are point costs,
  charged once where the thing happens;
* ``crossing_zebra`` ... ``crossing_unknown`` (s per danger unit) are scaled
  by the danger of the road crossed (:func:`routing.tags.road_danger`: a
  residential street is 1, tertiary 2, secondary 2.5, primary 3, higher with
  a known speed limit over 50 km/h or 3+ lanes, lower in 30 zones);
* ``unknown_*`` parameters are the explicit price of missing data: what the
  map does not say is never assumed present (nor free).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import math


class ProfileError(ValueError):
    """Unknown profile, unknown option or a value out of range."""


@dataclass(frozen=True)
class Parameter:
    """One tunable cost parameter: baseline default, valid range, unit and meaning."""

    name: str
    default: float | bool
    minimum: float | None
    maximum: float | None
    meaning: str
    unit: str = "s"
    group: str = "general"

    def validate(self, value: Any) -> float | bool:
        """Return the value converted, or raise :class:`ProfileError`."""
        if isinstance(self.default, bool):
            if not isinstance(value, bool):
                raise ProfileError(f"option '{self.name}' must be true or false")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ProfileError(f"option '{self.name}' must be a number")
        if not math.isfinite(value):
            raise ProfileError(f"option '{self.name}' must be a finite number")
        if self.minimum is not None and value < self.minimum:
            raise ProfileError(f"option '{self.name}' must be at least {self.minimum:g} (got {value:g})")
        if self.maximum is not None and value > self.maximum:
            raise ProfileError(f"option '{self.name}' must be at most {self.maximum:g} (got {value:g})")
        return float(value)


_CROSS_PER_DANGER = "s per danger unit (residential street = 1, primary road = 3)"

PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        # -- general ----------------------------------------------------------------
        Parameter("walking_speed", 1.3, 0.3, 2.5,
                  "walking speed: gives the duration and the base cost (walking time) of every metre", "m/s"),
        # -- crossings (point costs on the move that crosses a road) ------------------
        Parameter("crossing_signals", 0.0, 0, 600,
                  "cost of a crossing with traffic signals (mostly the wait for green)", "s", "crossings"),
        Parameter("crossing_zebra", 0.0, 0, 1000,
                  "cost of a zebra crossing, times the danger of the road", _CROSS_PER_DANGER, "crossings"),
        Parameter("crossing_marked", 0.0, 0, 1000,
                  "cost of a marked crossing without priority, times the danger of the road",
                  _CROSS_PER_DANGER, "crossings"),
        Parameter("crossing_uncontrolled", 0.0, 0, 1000,
                  "cost of an uncontrolled crossing (crossing=uncontrolled/island), times the danger of the road",
                  _CROSS_PER_DANGER, "crossings"),
        Parameter("crossing_unmarked", 0.0, 0, 1000,
                  "cost of crossing where nothing helps (crossing=unmarked, or a junction with no crossing "
                  "mapped), times the danger of the road", _CROSS_PER_DANGER, "crossings"),
        Parameter("crossing_unknown", 0.0, 0, 1000,
                  "cost of a mapped crossing of unknown kind (highway=crossing and nothing more), times the "
                  "danger of the road", _CROSS_PER_DANGER, "crossings"),
        Parameter("island_factor", 1.0, 0, 1,
                  "factor on the danger cost of an unsignalised crossing with a refuge island "
                  "(one half of the road at a time)", "factor", "crossings"),
        Parameter("signals_without_aid", 0.0, 0, 600,
                  "extra cost of traffic signals known to have no acoustic signal (and no known vibration)",
                  "s", "crossings"),
        Parameter("no_tactile_paving", 0.0, 0, 600,
                  "extra cost of a crossing known to have no (or incorrect) tactile paving", "s", "crossings"),
        Parameter("raised_kerb", 0.0, 0, 3600,
                  "cost of a raised kerb at a crossing or on the way", "s", "crossings"),
        Parameter("road_join_share", 0.0, 0, 1,
                  "share of a crossing of the road charged each time a route joins or leaves a street "
                  "centreline from a footway: the side of the street is not known, so joining on one side and "
                  "leaving on the other (a hidden crossing) costs one crossing in all", "factor", "crossings"),
        Parameter("separate_sidewalk_roadway_per_m", 0.0, 0, 100,
                  "extra cost per metre, times the road's danger (at least 1), of walking the roadway of a street "
                  "whose sidewalk is mapped as a separate way (sidewalk=separate)", "s/m", "ways"),
        Parameter("unsignalised_major_crossing", 0.0, 0, 3600,
                  "extra cost of crossing a major road (primary/secondary/tertiary, > 50 km/h or 3+ lanes) without "
                  "traffic signals, zebra included: without a light a blind walker must judge gaps in fast traffic "
                  "by ear", "s", "crossings"),
        Parameter("unknown_side_share", 0.0, 0, 1,
                  "share charged of the crossings a walker makes from one street into another when arriving on "
                  "the worse side of the first: on street-centreline maps the side is not known, so a turn is "
                  "not free; 0.5 prices the even chance of either side", "factor", "crossings"),
        Parameter("forbid_unsignalised_major_crossings", False, None, None,
                  "never cross a major road (primary/secondary/tertiary, > 50 km/h or 3+ lanes) without traffic "
                  "signals; a destination reachable only that way has no route", "", "crossings"),
        # -- unknown data (explicit prices of what the map does not say) ------------
        Parameter("unknown_crossing", 0.0, 0, 600,
                  "extra cost of a crossing whose kind is unknown: a mapped crossing without control, or a "
                  "junction where no crossing is mapped", "s", "unknown"),
        Parameter("unknown_signal_aids", 0.0, 0, 600,
                  "extra cost of traffic signals whose acoustic signal is not mapped (and vibration not known "
                  "to exist)", "s", "unknown"),
        Parameter("unknown_tactile_paving", 0.0, 0, 600,
                  "extra cost of a crossing whose tactile paving is not mapped", "s", "unknown"),
        Parameter("unknown_kerb", 0.0, 0, 600,
                  "extra cost of a crossing whose kerb is not mapped", "s", "unknown"),
        Parameter("unknown_surface_per_m", 0.0, 0, 10,
                  "extra cost per metre of way whose surface is not mapped", "s/m", "unknown"),
        Parameter("unknown_sidewalk_per_m", 0.0, 0, 10,
                  "extra cost per metre of street whose sidewalk is not mapped (incl. service roads)",
                  "s/m", "unknown"),
        Parameter("steps_count_unknown", 0.0, 0, 600,
                  "extra cost of a flight of steps whose number of steps is not mapped", "s", "unknown"),
        Parameter("steps_handrail_unknown", 0.0, 0, 600,
                  "extra cost of a flight of steps whose handrail is not mapped", "s", "unknown"),
        # -- ways (per metre) -----------------------------------------------------
        Parameter("roadway_per_m", 0.0, 0, 10,
                  "extra cost per metre on the roadway of a street without sidewalk (sidewalk=no, or "
                  "sidewalk=separate: the roadway itself)", "s/m", "ways"),
        Parameter("living_street_per_m", 0.0, 0, 10,
                  "extra cost per metre of living street (shared surface, no kerb to follow)", "s/m", "ways"),
        Parameter("open_area_per_m", 0.0, 0, 10,
                  "extra cost per metre across or around an open pedestrian area (no edge to follow)",
                  "s/m", "ways"),
        Parameter("shared_path_per_m", 0.0, 0, 10,
                  "extra cost per metre of a foot and cycle path without separation (silent cyclists)",
                  "s/m", "ways"),
        Parameter("segregated_path_per_m", 0.0, 0, 10,
                  "extra cost per metre of a foot and cycle path with separate lanes", "s/m", "ways"),
        Parameter("rough_surface_per_m", 0.0, 0, 10,
                  "extra cost per metre of rough paved surface (sett, cobblestone: the cane catches)",
                  "s/m", "ways"),
        Parameter("unpaved_per_m", 0.0, 0, 10,
                  "extra cost per metre of unpaved surface (gravel, ground, grass)", "s/m", "ways"),
        Parameter("narrow_width", 0.0, 0, 5,
                  "ways narrower than this (where the width is mapped) count as narrow; 0 = off", "m", "ways"),
        Parameter("narrow_per_m", 0.0, 0, 10,
                  "extra cost per metre of narrow way", "s/m", "ways"),
        Parameter("min_width", 0.0, 0, 5,
                  "ways narrower than this (where the width is mapped) are impassable; 0 = off", "m", "ways"),
        Parameter("max_incline", 100.0, 0, 100,
                  "ways steeper than this (where the incline is mapped as a number) are impassable; 100 = off",
                  "%", "ways"),
        Parameter("unlit_per_m", 0.0, 0, 10,
                  "extra cost per metre of way known to be unlit (lit=no)", "s/m", "ways"),
        # -- points -----------------------------------------------------------------
        Parameter("barrier", 0.0, 0, 600,
                  "cost of passing a barrier on the way (bollard, gate, cycle barrier ...)", "s", "points"),
        Parameter("obstacle_hazard", 0.0, 0, 3600,
                  "cost of passing a hazard mapped by staff (construction site, scaffolding, blocked pavement ...): "
                  "a route avoids it where a detour costs less, otherwise it passes with a warning", "s", "points"),
        # -- steps --------------------------------------------------------------------
        Parameter("avoid_steps", False, None, None,
                  "never use steps, nor barriers that need a step or a turnstile (wheelchair, pram)",
                  "", "steps"),
        Parameter("steps_flight", 0.0, 0, 600,
                  "cost of each flight of steps (finding the first step and the handrail)", "s", "steps"),
        Parameter("step_cost", 0.0, 0, 60,
                  "cost of each step of a flight whose step count is mapped", "s", "steps"),
        Parameter("steps_no_handrail", 0.0, 0, 600,
                  "extra cost of a flight of steps known to have no handrail", "s", "steps"),
        # -- turns --------------------------------------------------------------------
        Parameter("turn_cost", 0.0, 0, 600,
                  "cost of each turn (a change of heading of 25° or more): simple routes are safer", "s", "turns"),
    )
}

#: Presets: meaning, why the values were chosen, and the parameters that differ from the baseline.
PRESETS: dict[str, dict[str, Any]] = {
    "walk": {
        "meaning": "sighted pedestrian: the shortest walkable route",
        "why": "the baseline every other route is compared with (detour factor); no penalties",
        "params": {},
    },
    "blind_cane": {
        "meaning": "blind pedestrian with a long cane: safe crossings, simple routes, edges to follow",
        "why": (
            "1.0 m/s is a typical long-cane walking speed. A signalised crossing with sound costs 10 s "
            "(the wait); an unmarked crossing costs 100 s per danger unit, so 100 s for a residential "
            "street and 300 s for a primary road: worth a detour of up to five minutes. A light without "
            "sound is little better than a zebra for a cane user (+45 s). Roadway walking costs double "
            "time (+1 s/m); open areas +0.5 s/m (no shoreline to follow); a turn 10 s (errors happen at "
            "turns). Steps with a handrail are easy with a cane (the rail and the rhythm guide): 2 s per "
            "flight and 0.1 s per step, but +30 s without handrail and +10 s when the handrail or the "
            "count is not mapped. A hazard mapped by staff (a construction site on the pavement) costs "
            "2 minutes: a cane finds it only by touch. "
            "Unknown data costs a little, so mapped good facts win over blanks."
        ),
        "params": {
            "walking_speed": 1.0,
            "crossing_signals": 10, "crossing_zebra": 40, "crossing_marked": 70,
            "crossing_uncontrolled": 80, "crossing_unmarked": 100, "crossing_unknown": 60,
            "island_factor": 0.7, "signals_without_aid": 45, "no_tactile_paving": 15, "road_join_share": 0.5, "unknown_side_share": 0.5, "separate_sidewalk_roadway_per_m": 5, "unsignalised_major_crossing": 300,
            "unknown_crossing": 20, "unknown_signal_aids": 15, "unknown_tactile_paving": 5,
            "unknown_surface_per_m": 0.05, "unknown_sidewalk_per_m": 0.2,
            "steps_count_unknown": 10, "steps_handrail_unknown": 10,
            "roadway_per_m": 1.0, "living_street_per_m": 0.4, "open_area_per_m": 0.5,
            "shared_path_per_m": 0.3, "segregated_path_per_m": 0.1,
            "rough_surface_per_m": 0.3, "unpaved_per_m": 0.3, "narrow_width": 1.0, "narrow_per_m": 0.3,
            "barrier": 15, "obstacle_hazard": 120, "steps_flight": 2, "step_cost": 0.1, "steps_no_handrail": 30,
            "turn_cost": 10,
        },
    },
    "guide_dog": {
        "meaning": "blind pedestrian with a guide dog: safe crossings, the dog handles obstacles and kerbs",
        "why": (
            "1.2 m/s: guide-dog teams walk faster than cane users. The dog finds kerbs, crossings and "
            "bollards, so tactile paving, barriers and narrow ways matter less; it cannot judge "
            "traffic, so crossing costs stay close to blind_cane. Open areas are easier with a dog "
            "(+0.2 s/m); turns cost 8 s."
        ),
        "params": {
            "walking_speed": 1.2,
            "crossing_signals": 10, "crossing_zebra": 35, "crossing_marked": 60,
            "crossing_uncontrolled": 70, "crossing_unmarked": 90, "crossing_unknown": 55,
            "island_factor": 0.7, "signals_without_aid": 40, "no_tactile_paving": 5, "road_join_share": 0.5, "unknown_side_share": 0.5, "separate_sidewalk_roadway_per_m": 4, "unsignalised_major_crossing": 240,
            "unknown_crossing": 20, "unknown_signal_aids": 15, "unknown_tactile_paving": 2,
            "unknown_surface_per_m": 0.02, "unknown_sidewalk_per_m": 0.2,
            "steps_count_unknown": 5, "steps_handrail_unknown": 5,
            "roadway_per_m": 1.0, "living_street_per_m": 0.3, "open_area_per_m": 0.2,
            "shared_path_per_m": 0.3, "segregated_path_per_m": 0.1,
            "rough_surface_per_m": 0.1, "unpaved_per_m": 0.1, "narrow_width": 1.2, "narrow_per_m": 0.1,
            "barrier": 5, "obstacle_hazard": 90, "steps_flight": 5, "step_cost": 0.2, "steps_no_handrail": 10,
            "turn_cost": 8,
        },
    },
    "low_vision": {
        "meaning": "pedestrian with low vision: sees lights and contrasts in part, minds darkness and clutter",
        "why": (
            "1.2 m/s. Signals are often visible, so a light without sound costs only 15 s extra; "
            "unsignalised crossings cost about two thirds of blind_cane's. Unlit ways cost +0.3 s/m "
            "(night blindness is common); low-contrast bollards 10 s; steps without handrail +20 s "
            "(step edges are hard to see); turns 5 s."
        ),
        "params": {
            "walking_speed": 1.2,
            "crossing_signals": 10, "crossing_zebra": 30, "crossing_marked": 50,
            "crossing_uncontrolled": 60, "crossing_unmarked": 70, "crossing_unknown": 45,
            "island_factor": 0.7, "signals_without_aid": 15, "no_tactile_paving": 10, "road_join_share": 0.5, "unknown_side_share": 0.5, "separate_sidewalk_roadway_per_m": 3, "unsignalised_major_crossing": 150,
            "unknown_crossing": 15, "unknown_signal_aids": 5, "unknown_tactile_paving": 3,
            "unknown_surface_per_m": 0.02, "unknown_sidewalk_per_m": 0.1,
            "steps_count_unknown": 10, "steps_handrail_unknown": 10,
            "roadway_per_m": 0.6, "living_street_per_m": 0.3, "open_area_per_m": 0.2,
            "shared_path_per_m": 0.3, "segregated_path_per_m": 0.1,
            "rough_surface_per_m": 0.2, "unpaved_per_m": 0.2, "narrow_width": 1.0, "narrow_per_m": 0.1,
            "unlit_per_m": 0.3, "barrier": 10, "obstacle_hazard": 90, "steps_flight": 5, "step_cost": 0.3,
            "steps_no_handrail": 20, "turn_cost": 5,
        },
    },
    "wheelchair": {
        "meaning": "wheelchair user: no steps, no raised kerbs, smooth and wide enough ways",
        "why": (
            "1.0 m/s (manual wheelchair). Steps, stiles and turnstiles are impassable; ways narrower "
            "than 0.9 m or steeper than 8 % (ADA/DIN ramp limits, where mapped) too. A raised kerb "
            "costs 300 s (five minutes' detour: most users cannot mount it alone); an unmapped kerb "
            "30 s. Sett costs +1 s/m (shaking), unpaved +2 s/m (wheels sink)."
        ),
        "params": {
            "walking_speed": 1.0, "avoid_steps": True,
            "crossing_signals": 10, "crossing_zebra": 20, "crossing_marked": 30,
            "crossing_uncontrolled": 40, "crossing_unmarked": 50, "crossing_unknown": 30,
            "island_factor": 0.8, "raised_kerb": 300, "unknown_crossing": 10, "unknown_kerb": 30,
            "road_join_share": 0.5, "unknown_side_share": 0.5, "separate_sidewalk_roadway_per_m": 3, "unsignalised_major_crossing": 120,
            "unknown_surface_per_m": 0.1, "unknown_sidewalk_per_m": 0.2,
            "roadway_per_m": 0.5, "living_street_per_m": 0.1, "shared_path_per_m": 0.1,
            "rough_surface_per_m": 1.0, "unpaved_per_m": 2.0, "narrow_width": 1.2, "narrow_per_m": 0.5,
            "min_width": 0.9, "max_incline": 8, "barrier": 30, "obstacle_hazard": 120,
        },
    },
}

DEFAULT_PROFILE = "walk"

for _name, _preset in PRESETS.items():  # presets are data: check them at import
    for _key, _value in _preset["params"].items():
        PARAMETERS[_key].validate(_value)


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

    @property
    def options(self) -> dict[str, float | bool]:
        """The values that differ from the preset (what a request overrode)."""
        preset = resolve(self.name).params
        return {k: v for k, v in self.values if preset[k] != v}


def resolve(name: str | None, options: Mapping[str, Any] | None = None) -> Profile:
    """Profile ``name`` with per-request ``options`` applied and validated."""
    name = name or DEFAULT_PROFILE
    if name not in PRESETS:
        raise ProfileError(f"unknown profile '{name}'; known profiles: {', '.join(PRESETS)}")
    if options is not None and not isinstance(options, Mapping):
        raise ProfileError("options must be an object of parameter names and values")
    values = {p.name: p.default for p in PARAMETERS.values()}
    values.update(PRESETS[name]["params"])
    for key, value in (options or {}).items():
        if key not in PARAMETERS:
            raise ProfileError(f"unknown option '{key}'; known options: {', '.join(sorted(PARAMETERS))}")
        values[key] = PARAMETERS[key].validate(value)
    for key, value in values.items():  # one type per parameter, so equal profiles hash equal
        if not isinstance(value, bool):
            values[key] = float(value)
    return Profile(name=name, values=tuple(sorted(values.items())))


def describe() -> list[dict[str, Any]]:
    """Presets with their parameters and meaning, for ``GET /api/v1/profiles``."""
    out = []
    for name, preset in PRESETS.items():
        profile = resolve(name)
        out.append({
            "name": name,
            "meaning": preset["meaning"],
            "why": preset["why"],
            "parameters": {
                key: {"value": value, "default": PARAMETERS[key].default, "minimum": PARAMETERS[key].minimum,
                      "maximum": PARAMETERS[key].maximum, "unit": PARAMETERS[key].unit,
                      "group": PARAMETERS[key].group, "meaning": PARAMETERS[key].meaning}
                for key, value in profile.values
            },
        })
    return out
