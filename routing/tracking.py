"""Follow a walker along a route: what to say, and when, from a stream of position fixes.

A blind walker does not read the route; they are told what comes next at
the right moment. :class:`RouteTracker` takes the route line, the points of
its maneuvers (and of hazards along it) and one fix at a time, and returns
*events* — pre-announce maneuver 4, say maneuver 4 now, reassure, warn, you
have left the route. It knows nothing of words or HTTP: the service turns
events into speech, and keeps :class:`TrackState` (plain JSON) between fixes.

Decisions, each made for GPS as phones deliver it (5–10 m noise, fixes
every second or, in a pocket, every 20 s):

* **Progress** is the distance along the route, estimated by projecting each
  fix onto a window of the route around the last progress (so a route that
  passes a corner twice is not confused), smoothed by a Kalman filter
  and never moving backwards: noise does not make a maneuver come back.
* A **main instruction** is said when the maneuver is within ``reach_m`` or
  behind; a fix that jumps past several maneuvers yields all of them, in
  order, marked ``late``, and their pre-announcements are dropped as obsolete.
* The **pre-announcement** comes at ``max(announce_m, speed × announce_s)``
  before the maneuver, with the actual distance; **reassurance** ("Weiter
  120 Meter auf ...") after ``reassure_m`` metres of silence on a long
  stretch; **warnings** before hazards on the way.
* **Quiet on the roadway**: after a crossing instruction nothing but hazard
  warnings is said for ``crossing_quiet_m`` — the walker is crossing and
  listening to the traffic. A maneuver that follows the crossing closely is
  pre-announced with the crossing instruction, at the kerb; a farther one
  waits for the far side.
* **Off route** needs evidence: the fix farther than ``max(off_route_m,
  1.5 × accuracy)`` from the route on ``off_route_fixes`` fixes (a fix clearly
  back on the route resets the count, one in between holds it), or as many
  fixes ``heading_off_m`` away while heading more than ``heading_diff_deg``
  away from the route's direction. One noisy fix never decides it.
* **Landmarks** on a stretch (stops, beacons) are said as they are passed.
* **A maneuver right after another** (closer than the pre-announcement can
  come) is pre-announced together with the first: "Jetzt halb rechts. In 5
  Metern überqueren Sie ...".
* **Arrival** is said once, within ``arrive_m`` of the end or past it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Sequence

import numpy as np

from routing.polyline import Polyline, Projection

PRE_MARGIN_M = 5.0  # no pre-announcement this close before the main instruction: it would run into it
CLOCK_JUMP_S = 30.0  # a fix up to this much older than the last came late over the network: ignored ...
STALE_RUN = 2  # ... unless this many come in a row: then the phone's clock went back, and it is believed
LANDMARK_AT_M = 3.0  # a landmark on the way is said this close ("Sie sind an ...", "Sie passieren ...")
PASSED_SILENTLY_M = 5.0  # a landmark passed farther than this between two fixes is not said any more
MAX_FIX_GAP_S = 3600.0  # fixes farther apart in time than this (either way) mean the phone's clock jumped


@dataclass(frozen=True)
class TrackerSettings:
    """Distances and thresholds of guidance; every one can be changed per session."""

    announce_m: float = 30.0  # pre-announcement at least this far before a maneuver
    announce_s: float = 8.0  # ... or this many seconds of walking, when that is farther
    reach_m: float = 6.0  # the main instruction when the maneuver is this close (or passed)
    arrive_m: float = 8.0  # arrival this close to the end (or past it)
    reassure_m: float = 120.0  # reassurance after this many metres without a word
    warn_m: float = 25.0  # a hazard is announced this far ahead
    crossing_quiet_m: float = 15.0  # after a crossing instruction, no pre-announcement or reassurance this far
    off_route_m: float = 15.0  # off the route beyond max(this, accuracy_factor × accuracy) ...
    accuracy_factor: float = 1.5  # accuracy is a ~68 % radius: 1.5 × it is beyond ~98 % of honest fixes
    off_route_fixes: int = 3  # ... on this many fixes
    heading_off_m: float = 10.0  # or this far (at least the accuracy) off while heading away from the route
    heading_diff_deg: float = 60.0
    back_m: float = 30.0  # a fix may project this far behind the progress (noise, waiting)
    max_speed_mps: float = 3.0  # walking faster than this is implausible (window ahead)
    accel_noise: float = 0.1  # Kalman filter of progress: walking acceleration noise, m²/s³
    gate_sigma: float = 3.0  # a fix farther ahead than this many sigmas is believed only that far

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "TrackerSettings":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})


@dataclass(frozen=True)
class Fix:
    """One position of the walker. ``t`` is seconds (any epoch, increasing)."""

    lat: float
    lon: float
    t: float
    accuracy_m: float = 10.0
    heading: float | None = None  # degrees from north, direction of walking
    speed: float | None = None  # m/s


@dataclass(frozen=True)
class Target:
    """A point of the route that guidance speaks about: a maneuver, a hazard or a landmark."""

    along_m: float
    kind: str  # the maneuver kind; "hazard" for a warning point, "landmark" for a landmark
    step: int  # index of the maneuver (for a hazard or landmark: the maneuver it belongs to)
    key: str = ""  # hazards and landmarks: stable id within the route (the two kinds use distinct keys)


@dataclass(frozen=True)
class Event:
    """Something to say now.

    ``kind``: ``main`` (at the maneuver), ``pre`` (before it, ``distance_m``
    ahead), ``post`` (what follows, right after a main), ``reassure``
    (``distance_m`` to the next maneuver), ``warning`` (hazard ``key``,
    ``distance_m`` ahead), ``landmark`` (landmark ``key``, passed now).
    """

    kind: str
    step: int
    distance_m: float | None = None
    late: bool = False
    key: str | None = None


@dataclass
class TrackState:
    """Everything the tracker remembers between fixes; JSON-serialisable via :meth:`to_dict`.

    It holds the last fix only (for its time and for "where am I"), never a
    history of positions.
    """

    progress_m: float = 0.0  # monotonic distance along the route
    s_m: float | None = None  # filtered (unclamped) distance along
    v_mps: float = 0.0  # filtered speed along the route
    cov: list[float] = field(default_factory=lambda: [100.0, 0.0, 1.0])  # filter covariance: ss, sv, vv
    t: float | None = None  # time of the last fix used
    next_main: int = 0  # first maneuver whose main instruction is not said yet
    pre_said: int = -1  # highest maneuver whose pre-announcement is said or dropped
    warned: list[str] = field(default_factory=list)  # hazard keys said or passed
    last_said_m: float = 0.0  # progress when something was last said (reassurance spacing)
    off_count: int = 0
    heading_count: int = 0
    stale_count: int = 0  # fixes in a row older than the last one
    arrived: bool = False
    last_fix: list | None = None  # [lat, lon, accuracy_m, heading or None] of the last fix

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "TrackState":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})


@dataclass
class Update:
    """The tracker's answer to one fix."""

    projection: Projection
    progress_m: float
    remaining_m: float
    step: int  # index of the last maneuver passed (the stretch being walked)
    next_step: int | None  # the next maneuver not yet reached
    distance_to_next_m: float | None
    events: list[Event]
    off_route: bool = False
    arrived: bool = False
    on_route: bool = True  # this fix lay within the off-route threshold
    stale: bool = False  # the fix was older than the last one and was ignored


def angle_between(a: float, b: float) -> float:
    """Unsigned difference of two bearings, 0..180 degrees."""
    d = abs((a - b) % 360.0)
    return 360.0 - d if d > 180.0 else d


def maneuver_positions(line: Polyline, locations: Sequence[tuple[float, float]],
                       distances: Sequence[float]) -> list[float]:
    """Metres along ``line`` of each maneuver: ``locations`` (lon, lat), ``distances`` to the next.

    The cumulative maneuver distances are in graph metres, the line's in
    metres of its geometry; they differ by a little, so each maneuver is
    placed by projecting its location near where the distances put it.
    """
    cum = np.concatenate(([0.0], np.cumsum(np.asarray(distances[:-1], float)))) if len(distances) else np.array([])
    total = float(cum[-1]) if len(cum) else 0.0
    scale = line.length / total if total > 0 else 1.0
    out: list[float] = []
    for (lon, lat), c in zip(locations, cum):
        along = line.locate(lat, lon, float(c) * scale)
        out.append(max(along, out[-1]) if out else along)
    if out:
        out[0] = 0.0 if out[0] < 1.0 else out[0]
        out[-1] = max(out[-1], line.length - 1e-6) if len(out) > 1 else out[-1]
    return out


class RouteTracker:
    """Guidance state machine over one route (see module docstring).

    ``maneuvers`` are the route's maneuver points in order, from depart to
    arrive; ``hazards`` warning points along it. ``state`` continues a
    tracker from a stored :class:`TrackState`.
    """

    def __init__(self, line: Polyline, maneuvers: Sequence[Target], hazards: Sequence[Target] = (),
                 settings: TrackerSettings | None = None, state: TrackState | None = None,
                 landmarks: Sequence[Target] = ()):
        if not maneuvers:
            raise ValueError("a route to track needs at least one maneuver")
        self.line = line
        self.maneuvers = list(maneuvers)
        self.hazards = sorted(hazards, key=lambda h: h.along_m)
        self.landmarks = sorted(landmarks, key=lambda lm: lm.along_m)
        self.settings = settings or TrackerSettings()
        self.state = state or TrackState()

    # ------------------------------------------------------------------
    def start(self) -> list[Event]:
        """The first instruction (depart), said when guidance starts, before any fix."""
        st = self.state
        if st.next_main > 0:
            return []
        st.next_main = 1
        st.pre_said = 0
        events = [Event("main", 0, 0.0)]
        if self.maneuvers[0].kind == "arrive":  # nothing to walk: the first word is the arrival
            st.arrived = True
            return events
        events += self._after_main(0, 0.0)
        return events

    def update(self, fix: Fix) -> Update:
        """Take one fix: where the walker is, and what to say now."""
        st = self.state
        acc = max(float(fix.accuracy_m or 0.0), 1.0)
        older = st.t is not None and st.t - CLOCK_JUMP_S <= fix.t < st.t - 1e-3
        st.stale_count = st.stale_count + 1 if older else 0
        if older and st.stale_count < STALE_RUN:
            proj = self.line.project(fix.lat, fix.lon)  # overtaken by a newer fix on the way: ignored
            return self._answer(proj, [], stale=True, on_route=proj.distance_m <= self._threshold(acc))
        if older or st.t is None or fix.t < st.t - CLOCK_JUMP_S or fix.t - st.t > MAX_FIX_GAP_S:
            st.stale_count = 0
            # Much older or much newer than the last fix: the phone's clock jumped. The fix is taken
            # as it comes, without a time step: one wrong timestamp must not silence the rest of the walk.
            dt = None
        else:
            dt = max(fix.t - st.t, 0.1)
        st.last_fix = [round(fix.lat, 7), round(fix.lon, 7), round(acc, 1),
                       None if fix.heading is None else round(float(fix.heading), 1)]
        proj, distance = self._project(fix, acc, dt)
        if st.arrived:
            st.t = fix.t
            return self._answer(proj, [], arrived=True)
        threshold = self._threshold(acc)
        on_route = distance <= threshold
        if self._off_route(fix, proj, distance, threshold):
            st.off_count = st.heading_count = 0
            st.t = fix.t
            return self._answer(proj, [], off_route=True, on_route=False)
        if on_route:
            self._advance(proj.along_m, acc, dt)
        st.t = fix.t
        events = self._events(fix, proj)
        return self._answer(proj, events, arrived=st.arrived, on_route=on_route)

    def status(self) -> Update:
        """Where guidance stands, without a new fix (for repeat and where-am-I)."""
        st = self.state
        if st.last_fix:
            proj = self.line.project(st.last_fix[0], st.last_fix[1], st.progress_m - 1.0, st.progress_m + 1.0)
        else:
            lat, lon = self.line.point_at(st.progress_m)
            proj = Projection(st.progress_m, 0.0, lat, lon, 0, self.line.bearing_at(st.progress_m))
        return self._answer(proj, [], arrived=st.arrived)

    # ------------------------------------------------------------------
    def _project(self, fix: Fix, acc: float, dt: float | None) -> tuple[Projection, float]:
        """The fix on the stretch of route it can be on, and its distance from the route.

        The window reaches from ``back_m`` behind the progress to as far as
        the walker can have got since the last fix; within it the point is
        chosen near where the walker should be (see
        :meth:`routing.polyline.Polyline.project_near`). A fix clearly on the
        route farther ahead (a shortcut) is accepted.
        """
        st, cfg = self.state, self.settings
        lo = st.progress_m - cfg.back_m
        if st.s_m is None:
            proj = self.line.project(fix.lat, fix.lon, lo, math.inf)  # the first fix may be anywhere along
            return proj, proj.distance_m
        step = dt or 1.0
        ahead = max(60.0, cfg.max_speed_mps * step + 3.0 * acc)
        expected = max(st.s_m + st.v_mps * step, st.progress_m)
        spread = max(10.0, cfg.max_speed_mps * step + acc)
        proj, distance = self.line.project_near(fix.lat, fix.lon, lo, st.progress_m + ahead, expected, spread, acc)
        threshold = self._threshold(acc)
        if distance > threshold and st.progress_m + ahead < self.line.length:
            farther = self.line.project(fix.lat, fix.lon, lo, math.inf)
            if farther.distance_m <= threshold:
                return farther, farther.distance_m  # back on the route, ahead of where we thought (a shortcut)
        return proj, distance

    def _threshold(self, acc: float) -> float:
        """Distance from the route beyond which a fix counts as off it."""
        cfg = self.settings
        return max(cfg.off_route_m, cfg.accuracy_factor * acc)

    def _off_route(self, fix: Fix, proj: Projection, distance: float, threshold: float) -> bool:
        """Count the evidence of having left the route; True once there is enough."""
        st, cfg = self.state, self.settings
        if distance > threshold:
            st.off_count += 1
        elif distance < 0.6 * threshold:
            st.off_count = 0  # clearly on the route again; in between the count holds
        moving = fix.speed is None or fix.speed > 0.3
        if (fix.heading is not None and moving and distance > max(cfg.heading_off_m, float(fix.accuracy_m or 0.0))
                and angle_between(fix.heading, proj.bearing) > cfg.heading_diff_deg):
            st.heading_count += 1
        else:
            st.heading_count = 0
        return st.off_count >= cfg.off_route_fixes or st.heading_count >= cfg.off_route_fixes

    def _advance(self, along: float, acc: float, dt: float | None) -> None:
        """Kalman filter (constant speed) of the distance along; progress only moves forward.

        The older the estimate, the more a fix counts: after 20 s in a pocket
        a fix moves progress almost all the way, after 1 s about a third.
        A fix implausibly far ahead (a corner's fix projected onto the next
        street) is believed only up to ``gate_sigma`` sigmas.
        """
        st, cfg = self.state, self.settings
        r = (acc / 1.5) ** 2  # accuracy is a ~68 % radius; this is the variance along one axis
        if st.s_m is None or dt is None:
            st.s_m, st.v_mps, st.cov = along, 0.0, [r, 0.0, 1.0]
        else:
            pss, psv, pvv = st.cov
            q = cfg.accel_noise
            pss = pss + 2 * dt * psv + dt * dt * pvv + q * dt ** 3 / 3
            psv = psv + dt * pvv + q * dt * dt / 2
            pvv = pvv + q * dt
            predicted = st.s_m + st.v_mps * dt
            innovation = along - predicted
            var = pss + r
            limit = cfg.gate_sigma * math.sqrt(var)
            if innovation < -limit:
                # far behind the prediction: the walker stopped; start again from the fix
                st.s_m, st.v_mps, st.cov = along, 0.0, [r, 0.0, 1.0]
            else:
                innovation = min(innovation, limit)
                ks, kv = pss / var, psv / var
                st.s_m = predicted + ks * innovation
                st.v_mps = min(max(st.v_mps + kv * innovation, 0.0), cfg.max_speed_mps)
                st.cov = [(1 - ks) * pss, (1 - ks) * psv, pvv - kv * psv]
        # the estimate may not run ahead of the measurement (a walker who stops at a light)
        st.progress_m = max(st.progress_m, min(st.s_m, along + 2.0))

    def _speed(self, fix: Fix) -> float:
        if fix.speed is not None and fix.speed >= 0:
            return float(fix.speed)
        return self.state.v_mps

    def _events(self, fix: Fix, proj: Projection) -> list[Event]:
        st, cfg = self.state, self.settings
        p = st.progress_m
        n = len(self.maneuvers)
        events: list[Event] = []
        if st.next_main == 0:
            events += self.start()
        while st.next_main < n:
            i = st.next_main
            m = self.maneuvers[i]
            ahead = m.along_m - p
            reached = ahead <= (cfg.arrive_m if m.kind == "arrive" else cfg.reach_m)
            if not reached:
                break
            late = -ahead > cfg.reach_m
            st.next_main = i + 1
            st.pre_said = max(st.pre_said, i)  # a pre-announcement not said by now is obsolete
            st.last_said_m = p
            events.append(Event("main", i, round(max(ahead, 0.0), 1), late=late))
            if m.kind == "arrive":
                st.arrived = True
                return events
        if events:
            last = events[-1].step
            events += self._after_main(last, p)
        events += self._ahead(fix, p, bool(events))
        return events

    def _after_main(self, step: int, p: float) -> list[Event]:
        """After a main instruction: what follows, when the next maneuver is far."""
        nxt = step + 1
        if nxt >= len(self.maneuvers):
            return []
        gap = self.maneuvers[nxt].along_m - max(p, self.maneuvers[step].along_m)
        if gap > self._announce_distance(None) + 20.0:
            return [Event("post", step, round(gap, 1))]
        ahead = self.maneuvers[nxt].along_m - p
        if 0.0 < gap and ahead <= self.settings.reach_m + PRE_MARGIN_M and ahead > self.settings.reach_m \
                and self.state.pre_said < nxt:
            # too close for a pre-announcement of its own: said now, with the instruction just given
            self.state.pre_said = nxt
            return [Event("pre", nxt, round(ahead, 1))]
        return []

    def _announce_distance(self, fix: Fix | None) -> float:
        cfg = self.settings
        speed = self._speed(fix) if fix is not None else self.state.v_mps
        return max(cfg.announce_m, speed * cfg.announce_s)

    def _ahead(self, fix: Fix, p: float, said: bool) -> list[Event]:
        """Pre-announcement, hazard warnings and reassurance, nearest first."""
        st, cfg = self.state, self.settings
        out: list[Event] = []
        announce = self._announce_distance(fix)
        nxt = st.next_main
        quiet = self._quiet_left(p)
        if nxt < len(self.maneuvers) and st.pre_said < nxt:
            ahead = self.maneuvers[nxt].along_m - p
            if quiet > 0:
                # at the kerb, with the crossing instruction: what comes right after the crossing is
                # said now, while the walker still stands; anything farther waits for the far side
                due = said and ahead - quiet < announce
            else:
                due = ahead <= announce
            # Even just before the main instruction's distance: with sparse fixes the next one may come only
            # after the maneuver (a flight of steps would then never be mentioned).
            if due and ahead > cfg.reach_m:
                out.append(Event("pre", nxt, round(ahead, 1)))
                st.pre_said = nxt
        for h in self.hazards:
            if h.key in st.warned:
                continue
            ahead = h.along_m - p
            if ahead <= 0:
                st.warned.append(h.key)  # passed without a word (a sparse fix): do not warn behind
            elif ahead <= max(cfg.warn_m, 0.0):
                st.warned.append(h.key)
                out.append(Event("warning", h.step, round(ahead, 1), key=h.key))
        # landmarks: also on a crossing's roadway, where a beacon at the far kerb confirms it was crossed
        last = self.maneuvers[st.next_main - 1].along_m if st.next_main > 0 else -math.inf
        for lm in self.landmarks:
            if lm.key in st.warned:
                continue
            ahead = lm.along_m - p
            if ahead < -PASSED_SILENTLY_M or lm.along_m < last:
                # passed long ago (a sparse fix), or before a maneuver already said: "Sie sind an ..."
                # would no longer be true, and the walker has heard what comes after it
                st.warned.append(lm.key)
            elif ahead <= LANDMARK_AT_M:
                st.warned.append(lm.key)
                out.append(Event("landmark", lm.step, round(max(ahead, 0.0), 1), key=lm.key))
        if not out and not said and quiet <= 0 and nxt < len(self.maneuvers):
            to_next = self.maneuvers[nxt].along_m - p
            if p - st.last_said_m >= cfg.reassure_m and to_next > announce + 20.0:
                out.append(Event("reassure", max(nxt - 1, 0), round(to_next, 1)))
        if out:
            st.last_said_m = p
        out.sort(key=lambda e: e.distance_m or 0.0)
        return out

    def _quiet_left(self, p: float) -> float:
        """How far the walker at ``p`` still is on the roadway of the crossing said last (0: not on one)."""
        last = self.state.next_main - 1
        if last < 0 or last >= len(self.maneuvers):
            return 0.0
        m = self.maneuvers[last]
        return max(m.along_m + self.settings.crossing_quiet_m - p, 0.0) if m.kind == "cross" else 0.0

    def _answer(self, proj: Projection, events: list[Event], *, off_route: bool = False, arrived: bool = False,
                on_route: bool = True, stale: bool = False) -> Update:
        st = self.state
        n = len(self.maneuvers)
        p = st.progress_m
        nxt = st.next_main if st.next_main < n else None
        step = max(min(st.next_main, n) - 1, 0)
        return Update(
            projection=proj, progress_m=round(p, 1), remaining_m=round(max(self.line.length - p, 0.0), 1),
            step=step, next_step=nxt,
            distance_to_next_m=None if nxt is None else round(max(self.maneuvers[nxt].along_m - p, 0.0), 1),
            events=events, off_route=off_route, arrived=arrived or st.arrived, on_route=on_route, stale=stale,
        )
