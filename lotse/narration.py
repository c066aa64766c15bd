"""Tracker events -> the sentences a walker hears, in the session's language and style.

Main and post texts are the route's steps as ``voice`` rendered them; a
pre-announcement, a reassurance and a hazard warning carry a distance known
only when they are said, so they are rendered then, from the stored
maneuvers, through ``voice.text.render``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from routing.maneuver import Maneuver
from routing.tracking import Event
from voice.text import render

from lotse.session_plan import maneuver_from_dict

MAX_ANNOUNCE_M = 500.0  # voice's limit for a pre-announcement distance
POST_SLACK_M = 3.0  # a post text said this much later than its maneuver still has the right distance


class Narrator:
    """Says the events of one planned route."""

    def __init__(self, plan: dict[str, Any], settings: dict[str, Any]):
        self.plan = plan
        self.steps = plan["steps"]
        self._maneuvers: list[Maneuver | None] = [None] * len(self.steps)
        self.speech = dict(lang=settings.get("lang", "de"), units=settings.get("units", "metres"),
                           directions=settings.get("directions", "relative"),
                           step_length_m=settings.get("step_length_m", 0.7))

    def maneuver(self, i: int) -> Maneuver:
        if self._maneuvers[i] is None:
            self._maneuvers[i] = maneuver_from_dict(self.plan["maneuvers"][i])
        return self._maneuvers[i]  # type: ignore[return-value]

    def say(self, event: Event) -> dict[str, Any]:
        """One item of a ``speak`` list: kind, step, text, and ``late`` when it is."""
        text = getattr(self, "_" + event.kind)(event)
        item: dict[str, Any] = {"kind": event.kind, "step": event.step, "text": text}
        if event.distance_m is not None and event.kind != "main":
            item["distance_m"] = event.distance_m
        if event.late:
            item["late"] = True
        return item

    # -- one method per event kind ---------------------------------------------
    def _main(self, event: Event) -> str:
        return self.steps[event.step]["text"]["main"]

    def _post(self, event: Event) -> str:
        """The step's own post text, or the way on from where the walker is when that is not its start."""
        static = self.steps[event.step]["text"]["post"] or ""
        d = event.distance_m
        if not static or d is None or abs(float(d) - self.maneuver(event.step).to_next_m) <= POST_SLACK_M:
            return static
        return self._reassure(event)

    def _pre(self, event: Event) -> str:
        m = self.maneuver(event.step)
        d = min(max(float(event.distance_m or 0.0), 1.0), MAX_ANNOUNCE_M)
        before = replace(m, distance_m=d)  # only its distance matters: "in d Metern"
        return render([before, m], announce_m=d, **self.speech)[1].pre

    def _reassure(self, event: Event) -> str:
        m = self.maneuver(event.step)
        stretch = Maneuver(kind="continue", location=m.location, distance_m=float(event.distance_m or 0.0),
                           bearing=m.bearing, street=m.street, way_kind=m.way_kind)
        return render([stretch], **self.speech)[0].post

    def _landmark(self, event: Event) -> str:
        step, index = (int(x) for x in (event.key or "L0:0").lstrip("L").split(":"))
        m = self.maneuver(step)
        passing = Maneuver(kind="landmark", location=m.location, distance_m=0.0, bearing=m.bearing,
                           street=m.street, way_kind=m.way_kind, landmarks=[replace(m.landmarks[index], distance_m=0.0)])
        return render([passing], **self.speech)[0].main

    def _warning(self, event: Event) -> str:
        step, index = (int(x) for x in (event.key or "0:0").split(":"))
        h = self.maneuver(step).hazards[index]
        d = min(max(float(event.distance_m or 0.0), 1.0), MAX_ANNOUNCE_M)
        m = self.maneuver(step)
        warning = Maneuver(kind="hazard", location=m.location, distance_m=0.0, bearing=m.bearing,
                           street=m.street, way_kind=m.way_kind, modifier="straight",
                           hazards=[replace(h, distance_m=None)])
        return render([replace(warning, distance_m=d), warning], announce_m=d, **self.speech)[1].pre
