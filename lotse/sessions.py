"""Live guidance sessions: create, take a position, repeat, end, expire.

**Where the state lives.** Position updates of one walker may reach any
gunicorn worker (and any machine), so nothing is kept in a process: every
update reads the session's row (tracker state, settings) and its route plan
from the database, runs :class:`routing.tracking.RouteTracker` and writes the
new state back. Writes are optimistic — ``UPDATE ... WHERE version = v`` —
so no lock is held while the tracker runs or a new route is planned; when
two updates of one session race, the loser reads again and runs again (then
``409 session-conflict`` after a few tries). The route is stored as JSON
(:mod:`lotse.session_plan`) rather than planned again per update: planning
costs tens of milliseconds and would change when staff change obstacles.

**Privacy.** Only the last fix is kept (inside the state, for time steps and
"where am I"); the off-route decision needs counters, not a track. The
request is stored without its starting point, but the planned route (whose
line begins there) is stored with the session and deleted with it; deletions
overwrite the rows and truncate SQLite's write-ahead log. A session expires
``SESSION_TTL_S`` seconds after its last request and is then deleted: on
access (an expired session is deleted and answered 404) and by a purge that
runs on any request at most every ``SESSION_PURGE_INTERVAL_S`` per worker.
Nothing here logs a position.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import shapely
from shapely.ops import substring
from flask import current_app
from sqlalchemy import delete, select, text, update

from routing.geo import bearing_deg
from routing.maneuver import Hazard
from routing.profiles import ProfileError, resolve
from routing.tracking import Event, Fix, RouteTracker, Update
from voice import lang_de, lang_en
from voice.speech import DEFAULT_RATE, SpeechError

from lotse.audio import audio_url
from lotse.db import Database, get_db
from lotse.models import _iso, utcnow
from lotse.narration import Narrator
from lotse.positioning import Position, position_of
from lotse.problems import Problem
from lotse.session_models import GuidanceRoute, GuidanceSession
from lotse.session_plan import build_plan, described_from_response, line_of, tracker_for
from lotse.orientation_text import metres
from lotse.session_text import new_route_direction, phrase

WRITE_ATTEMPTS = 4
ROUTE_FIELDS = ("from", "to", "profile", "options", "lang", "units", "directions", "step_length_m")
INSTRUCTION_KINDS = ("main", "pre", "off_route", "no_route", "route_changed")  # what "repeat" repeats
DISTANCE_KINDS = ("pre", "post", "reassure")  # sentences with a distance, stale when repeated later
MILLISECONDS_FROM = 1e11  # a numeric timestamp above this (year 5138 in seconds) is in milliseconds
SAME_WAY_M = 5.0  # a new route never farther than this from the old one's remaining part is the same way
HINT_AHEAD_M = 15.0  # after a new route, the direction is told towards the route at most this far ahead


@dataclass
class Loaded:
    row: GuidanceSession
    plan: dict[str, Any]


def _settings(body: dict[str, Any]) -> dict[str, Any]:
    guidance = body.get("guidance") or {}
    given = body.get("route") or {}  # a route response: its texts are in its language
    return {
        "lang": body.get("lang", given.get("lang", "de")), "units": body.get("units", "metres"),
        "directions": body.get("directions", "relative"), "step_length_m": body.get("step_length_m", 0.7),
        "audio": bool(body.get("audio", False)), "speech_rate": body.get("speech_rate", DEFAULT_RATE),
        "tracker": {k: guidance[k] for k in ("announce_m", "announce_s", "reassure_m") if k in guidance},
    }


def _timestamp(update_body: dict[str, Any]) -> float:
    """Seconds of the fix: the client's ``timestamp`` (epoch seconds or ISO 8601), else now."""
    value = update_body.get("timestamp")
    if value is None:
        return time.time()
    if isinstance(value, (int, float)):
        seconds = float(value)
        if seconds > MILLISECONDS_FROM:  # milliseconds, as Android's and JavaScript's clocks give them
            seconds /= 1000.0
        if not 0.0 <= seconds <= MILLISECONDS_FROM:
            raise Problem("invalid-request", f"timestamp: {value!r} is no time; send seconds (or milliseconds) "
                                             "since 1970, or ISO 8601")
        return seconds
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise Problem("invalid-request", "timestamp: use seconds since 1970 or ISO 8601, e.g. "
                                         "2025-03-01T12:00:00Z") from None
    if moment.tzinfo is None:
        raise Problem("invalid-request", "timestamp: an ISO 8601 time needs a zone, e.g. 2025-03-01T12:00:00Z")
    return moment.timestamp()


class SessionService:
    """Sessions of one app, stored in its database."""

    def __init__(self, db: Database, ttl_s: float, purge_interval_s: float):
        self.db = db
        self.ttl = timedelta(seconds=ttl_s)
        self.purge_interval_s = purge_interval_s
        self._last_purge = -float("inf")
        self._purge_lock = threading.Lock()

    # -- life cycle -----------------------------------------------------------
    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        """Plan the route of a session request and start guidance; the first instruction is in ``speak``."""
        from lotse.api.routes import plan_from_request

        if "route" in body:
            described, destination, route_request = self._from_response(body)
        else:
            route_request = {k: body[k] for k in ROUTE_FIELDS if k in body}
            planned = plan_from_request(route_request)
            described, destination = planned.described, planned.destination
        plan = build_plan(described, destination)
        plan["obstacles_seen"] = _obstacle_keys()
        settings = _settings(body)
        tracker = tracker_for(plan, settings["tracker"], None)
        narrator = Narrator(plan, settings)
        summary = described["route"]["properties"].get("summary")
        said = [narrator.say(e) for e in tracker.start()]
        # nothing to walk: the summary and the arrival are the same sentence ("Sie sind bereits am Ziel.")
        if summary and summary not in (item["text"] for item in said):
            said.insert(0, {"kind": "summary", "step": 0, "text": summary})
        speak = said
        now = utcnow()
        stored_request = {k: v for k, v in route_request.items() if k != "from"}  # no starting point kept
        row = GuidanceSession(
            id=secrets.token_urlsafe(16), created_at=now, updated_at=now, expires_at=now + self.ttl, version=1,
            route_version=0, request=stored_request, settings=settings, state=tracker.state.to_dict(),
            last_spoken=_texts(speak),
        )
        with self.db.write() as s:
            s.add(row)
            s.flush()
            s.add(GuidanceRoute(session_id=row.id, plan=plan))
        return {"id": row.id, "route": plan["route"], "steps": plan["steps"], "expires_at": _iso(row.expires_at),
                "route_version": 0, "lang": settings["lang"], "speak": self._voiced(speak, settings)}

    @staticmethod
    def _from_response(body: dict[str, Any]) -> tuple[dict[str, Any], tuple[float, float], dict[str, Any]]:
        """A route the client already has (``{"route": <POST /routes response>}``): guide along it as it is.

        A new route after leaving it is planned to its last point with its
        profile and the ``options`` of the body.
        """
        response = body["route"]
        profile = response["route"]["properties"].get("profile") or "walk"
        try:
            resolve(profile, body.get("options"))
            described, destination = described_from_response(response)
            tracker_for(build_plan(described, destination), {}, None)
        except ProfileError as exc:
            raise Problem("unknown-profile", str(exc)) from None
        except ValueError as exc:
            raise Problem("invalid-request", str(exc)) from None
        request = {"to": {"lat": destination[0], "lon": destination[1]}, "profile": profile,
                   **{k: body[k] for k in ("options", "lang", "units", "directions", "step_length_m") if k in body}}
        return described, destination, request

    def get(self, session_id: str) -> dict[str, Any]:
        """The session's route and where guidance stands."""
        loaded = self._touch(session_id)
        tracker = tracker_for(loaded.plan, loaded.row.settings["tracker"], loaded.row.state)
        status = tracker.status()
        return {"id": loaded.row.id, "route": loaded.plan["route"], "steps": loaded.plan["steps"],
                "expires_at": _iso(loaded.row.expires_at), "route_version": loaded.row.route_version,
                "lang": loaded.row.settings["lang"], "progress": _progress(status, loaded.plan),
                "arrived": status.arrived}

    def delete(self, session_id: str) -> None:
        """End a session: its row, route and last position are deleted."""
        with self.db.write() as s:
            self._secure_delete(s)
            s.execute(delete(GuidanceRoute).where(GuidanceRoute.session_id == session_id))
            gone = s.execute(delete(GuidanceSession).where(GuidanceSession.id == session_id)).rowcount
        if not gone:
            raise _unknown(session_id)
        self.db.checkpoint()

    def purge_expired(self) -> int:
        """Delete every expired session (with its route and last position); returns how many."""
        now = utcnow()
        with self.db.write() as s:
            self._secure_delete(s)
            expired = select(GuidanceSession.id).where(GuidanceSession.expires_at <= now)
            s.execute(delete(GuidanceRoute).where(GuidanceRoute.session_id.in_(expired)))
            purged = s.execute(delete(GuidanceSession).where(GuidanceSession.expires_at <= now)).rowcount or 0
        if purged:
            self.db.checkpoint()
        return purged

    def maybe_purge(self) -> None:
        """Purge when the last purge of this worker is older than the interval (called on requests)."""
        now = time.monotonic()
        if now - self._last_purge < self.purge_interval_s or not self._purge_lock.acquire(blocking=False):
            return
        try:
            self._last_purge = now
            self.purge_expired()
        except Exception:  # noqa: BLE001 - a failed purge must not fail the request; it runs again later
            current_app.logger.warning("purging expired guidance sessions failed; will retry", exc_info=False)
        finally:
            self._purge_lock.release()

    # -- guidance -------------------------------------------------------------
    def position(self, session_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Take one position update: progress, what to say, off-route recovery, arrival."""
        pos = position_of(body)
        t = _timestamp(body)
        for _ in range(WRITE_ATTEMPTS):
            loaded = self._load(session_id)
            answer, state, spoken, new_plan, same_route = self._guide(loaded, pos, t, body)
            if self._save(loaded.row, state, spoken, new_plan, new_route=not same_route):
                answer["expires_at"] = _iso(utcnow() + self.ttl)
                return answer
        raise Problem("session-conflict", "Position updates of this session arrived at the same time; "
                                          "send the next one after this answer.")

    def repeat(self, session_id: str) -> dict[str, Any]:
        """The last instruction again, and the distance to the next maneuver as it is now."""
        loaded = self._touch(session_id)
        row = loaded.row
        speak = [dict(item, repeat=True) for item in row.last_spoken or []]
        tracker = tracker_for(loaded.plan, row.settings["tracker"], row.state)
        status = tracker.status()
        if not status.arrived and status.next_step is not None and status.distance_to_next_m:
            # the distance as it is now replaces any distance said then ("Weiter 60 Meter ...", "In 30
            # Metern ..."): near the next maneuver, what it is; farther, how far the way goes on
            speak = [item for item in speak if item.get("kind") not in DISTANCE_KINDS]
            near = status.distance_to_next_m <= tracker.settings.announce_m
            event = Event("pre" if near else "reassure", status.next_step if near else status.step,
                          status.distance_to_next_m)
            speak.append(Narrator(loaded.plan, row.settings).say(event))
        return {"speak": self._voiced(speak, row.settings), "progress": _progress(status, loaded.plan),
                "arrived": status.arrived, "expires_at": _iso(row.expires_at)}

    def last_position(self, session_id: str) -> tuple[dict[str, Any], Loaded]:
        """The session's last fix (lat, lon, accuracy_m, heading) for where-am-I; touches the session."""
        loaded = self._touch(session_id)
        fix = (loaded.row.state or {}).get("last_fix")
        if not fix:
            return {}, loaded
        out = {"lat": fix[0], "lon": fix[1], "accuracy_m": fix[2]}
        if len(fix) > 3 and fix[3] is not None:
            out["heading"] = fix[3]
        return out, loaded

    def route_status(self, loaded: Loaded) -> tuple[dict[str, Any], str | None]:
        """Progress of a loaded session and the sentence saying the distance to the next maneuver."""
        tracker = tracker_for(loaded.plan, loaded.row.settings["tracker"], loaded.row.state)
        status = tracker.status()
        sentence = None
        if not status.arrived and status.next_step is not None and status.distance_to_next_m:
            sentence = Narrator(loaded.plan, loaded.row.settings).say(
                Event("reassure", status.step, status.distance_to_next_m))["text"]
        return _progress(status, loaded.plan), sentence

    # -- internals ------------------------------------------------------------
    def _guide(self, loaded: Loaded, pos: Position, t: float, body: dict[str, Any]):
        row, plan = loaded.row, loaded.plan
        settings = row.settings
        tracker = tracker_for(plan, settings["tracker"], row.state)
        heading, speed = body.get("heading"), body.get("speed")
        fix = Fix(pos.lat, pos.lon, t, pos.accuracy_m, heading, speed)
        up = tracker.update(fix)
        narrator = Narrator(plan, settings)
        speak = [narrator.say(e) for e in _to_say(up, plan)]
        new_plan = None
        same_route = False  # new_plan is the old route, with what was learnt about obstacles
        if up.off_route:
            speak, new_plan, tracker, up = self._replan(row, plan, tracker, fix, up)
        elif not up.arrived and not up.stale and (ahead := _new_obstacles_ahead(plan, up.progress_m)):
            # staff closed or endangered the way ahead since the route was planned: a new route from here
            lang = settings["lang"]
            reason = {"kind": "route_changed", "step": up.step, "text": _obstacle_notice(ahead, lang)}
            old_tracker, old_up = tracker, up
            replanned, new_plan, tracker, up = self._replan(row, plan, tracker, fix, up, reason=reason)
            if new_plan is None or _same_way(plan, old_up.progress_m, new_plan):
                # no way round, or the best way is still this one (a hazard worth passing): the walker
                # hears what lies ahead and how far; the route and its instructions stay
                tracker, up = old_tracker, old_up
                notice = _obstacle_notice(ahead, lang, with_distance=True)
                if new_plan is None and any(o.severity == "impassable" for o, _ in ahead):
                    notice += " " + phrase("no_other_route", lang)
                plan["obstacles_seen"] = _obstacle_keys()
                new_plan, same_route = plan, True
                replanned = [dict(reason, text=notice)]
            # what the old route had to say now is replaced when the route changes; kept when it stays
            speak = speak + replanned if same_route else replanned
            up.off_route = False
        answer = {
            "position": {"lat": round(up.projection.lat, 7), "lon": round(up.projection.lon, 7),
                         "accuracy_m": round(pos.accuracy_m, 1), "method": pos.method,
                         "distance_from_route_m": round(up.projection.distance_m, 1), "on_route": up.on_route},
            "progress": _progress(up, new_plan or plan),
            "speak": self._voiced(speak, settings),
            "off_route": up.off_route,
            "arrived": up.arrived,
            "route_version": row.route_version + (1 if new_plan and not same_route else 0),
        }
        if up.stale:
            answer["stale"] = True
        if new_plan is not None and not same_route:
            answer["route"], answer["steps"] = new_plan["route"], new_plan["steps"]
        state = tracker.state.to_dict()
        instructions = [item for item in speak if item["kind"] in INSTRUCTION_KINDS]
        spoken = _texts(speak) if instructions else row.last_spoken
        return answer, state, spoken, new_plan, same_route

    def _replan(self, row: GuidanceSession, plan: dict[str, Any], tracker: RouteTracker, fix: Fix, up: Update,
                reason: dict[str, Any] | None = None):
        """Plan from here to the same destination, with the same profile, options, language.

        Off the route by default; ``reason`` is said instead of "Sie haben die
        Route verlassen" when the route changes for another reason (an obstacle).
        """
        from lotse.api.routes import plan_from_request

        settings = row.settings
        lang = settings["lang"]
        request = dict(row.request, **{"from": {"lat": fix.lat, "lon": fix.lon}},
                       **{k: settings[k] for k in ("lang", "units", "directions", "step_length_m") if k in settings})
        try:
            planned = plan_from_request(request, origin=(fix.lat, fix.lon),
                                        destination=tuple(plan["destination"]))  # type: ignore[arg-type]
        except Problem:
            # no way from here (off the network, blocked): say so, keep the route, count afresh
            return ([{"kind": "no_route", "step": up.step,
                      "text": f"{phrase('off_route', lang)} {phrase('no_route', lang)}"}], None, tracker, up)
        new_plan = build_plan(planned.described, planned.destination)
        new_plan["obstacles_seen"] = _obstacle_keys()
        new_tracker = tracker_for(new_plan, row.settings["tracker"], None)
        narrator = Narrator(new_plan, row.settings)
        if reason is None:
            speak = [{"kind": "off_route", "step": 0,
                      "text": f"{phrase('off_route', lang)} {phrase('new_route', lang)}"}]
        else:
            speak = [dict(reason, step=0, text=f"{reason['text']} {phrase('new_route', lang)}")]
        events = new_tracker.start()
        new_up = new_tracker.update(fix)  # the walker stands at the new start: begin the new track here
        events += new_up.events
        # where to go first: towards the first maneuver not reached yet, or the route 15 m ahead
        along = new_plan["along"]
        first = along[new_up.next_step] if new_up.next_step is not None else new_tracker.line.length
        ahead = new_tracker.line.point_at(min(max(first, 1.0), HINT_AHEAD_M))
        hint = new_route_direction(fix.heading, bearing_deg(fix.lat, fix.lon, *ahead), lang, settings["directions"])
        if hint:
            # The walker's heading is known: the hint says where to go from here. The start's own
            # instructions ("Gehen Sie nach Süden", a "Jetzt rechts" at the start) count from the
            # route's first direction, not the walker's, and could send them round twice.
            speak.append({"kind": "direction", "step": 0, "text": hint})
            events = [e for e in events if not (e.kind == "main" and e.step < len(along) - 1)]
        speak += [narrator.say(e) for e in events]
        new_up.off_route = reason is None
        return speak, new_plan, new_tracker, new_up

    def _load(self, session_id: str) -> Loaded:
        with self.db.read() as s:
            row = s.get(GuidanceSession, session_id)
            route = s.get(GuidanceRoute, session_id) if row is not None else None
        if row is None or route is None:
            raise _unknown(session_id)
        if row.expires_at <= utcnow():
            try:
                self.delete(session_id)
            except Problem:
                pass
            raise _unknown(session_id)
        return Loaded(row, route.plan)

    def _touch(self, session_id: str) -> Loaded:
        """Load a session and move its expiry (any request is activity)."""
        loaded = self._load(session_id)
        now = utcnow()
        with self.db.write() as s:
            s.execute(update(GuidanceSession).where(GuidanceSession.id == session_id)
                      .values(updated_at=now, expires_at=now + self.ttl))
        loaded.row.expires_at = now + self.ttl
        return loaded

    def _save(self, row: GuidanceSession, state: dict, spoken: list, new_plan: dict | None,
              new_route: bool = True) -> bool:
        now = utcnow()
        values: dict[str, Any] = dict(version=row.version + 1, state=state, last_spoken=spoken,
                                      updated_at=now, expires_at=now + self.ttl)
        if new_plan is not None and new_route:
            values["route_version"] = row.route_version + 1
        with self.db.write() as s:
            done = s.execute(update(GuidanceSession)
                             .where(GuidanceSession.id == row.id, GuidanceSession.version == row.version)
                             .values(**values)).rowcount
            if done and new_plan is not None:
                s.execute(update(GuidanceRoute).where(GuidanceRoute.session_id == row.id).values(plan=new_plan))
        return bool(done)

    def _secure_delete(self, s) -> None:  # noqa: ANN001 - sqlalchemy Session
        """On SQLite, overwrite deleted rows with zeros: a deleted position should not linger in the file."""
        if self.db.is_sqlite:
            s.execute(text("PRAGMA secure_delete = ON"))

    def _voiced(self, speak: list[dict[str, Any]], settings: dict[str, Any]) -> list[dict[str, Any]]:
        """Add audio URLs when the session asked for audio and speech synthesis is available."""
        if not speak or not settings.get("audio"):
            return speak
        urls = audio_urls([item["text"] for item in speak], settings["lang"],
                          settings.get("speech_rate", DEFAULT_RATE))
        if urls is None:
            return speak
        return [dict(item, audio=urls[item["text"]]) if item["text"] in urls else item for item in speak]


def audio_urls(texts: list[str], lang: str, rate: int) -> dict[str, str] | None:
    """URL of the WAV of each text, or None when speech is unavailable (text is always answered)."""
    speech = current_app.extensions.get("lotse.speech")
    if speech is None:
        return None
    try:
        keys = speech.synthesize_many([t for t in texts if t], lang, rate)
    except (SpeechError, ValueError, OSError):
        current_app.logger.warning("speech synthesis failed for a guidance session; answering text only")
        return None
    return {text_: audio_url(key) for text_, key in keys.items()}


def _obstacle_keys() -> list[str]:
    """Identity of every obstacle in force now (id and revision)."""
    state = current_app.extensions["lotse.obstacles"].current()
    return [] if state.overlay is None else sorted(_key(p.obstacle) for p in state.overlay.placed)


def _key(o: Any) -> str:
    return f"{o.id}@{o.updated_at}"


def _remaining_line(plan: dict[str, Any], progress_m: float, frame: Any) -> shapely.LineString | None:
    """The part of the route still to walk, in the obstacle index's metric frame."""
    coords = line_of(plan["route"]).coords  # (lat, lon) rows
    if len(coords) < 2:
        return None
    x, y = frame.to_xy(coords[:, 0].copy(), coords[:, 1].copy())
    line = shapely.LineString(np.column_stack((x, y)))
    if progress_m >= line.length - 0.5:
        return None
    return substring(line, max(progress_m, 0.0), line.length)


def _new_obstacles_ahead(plan: dict[str, Any], progress_m: float) -> list[tuple[Any, float]]:
    """Obstacles in force now, not known when the route was planned, on the part of it still to walk,
    each with its distance ahead (m, along the route)."""
    service = current_app.extensions["lotse.obstacles"]
    state = service.current()
    if state.overlay is None:
        return []
    seen = set(plan.get("obstacles_seen") or [])
    new = [p.obstacle for p in state.overlay.placed if _key(p.obstacle) not in seen]
    if not new:
        return []
    index = service.index
    ahead = _remaining_line(plan, progress_m, index.snapper.frame)
    if ahead is None:
        return []
    out = []
    for o in new:
        try:
            hit = index.covered(o.geometry, o.radius_m).intersection(ahead)
        except Exception:  # an obstacle that no longer fits the map is ignored, as routing ignores it
            continue
        if not hit.is_empty:
            first = min(ahead.project(shapely.Point(c)) for c in shapely.get_coordinates(hit))
            out.append((o, max(float(first), 0.0)))
    return sorted(out, key=lambda item: item[1])


def _same_way(old: dict[str, Any], progress_m: float, new: dict[str, Any]) -> bool:
    """Whether a new route follows the old one's remaining part (within a few metres all along)."""
    frame = current_app.extensions["lotse.obstacles"].index.snapper.frame
    rest = _remaining_line(old, progress_m, frame)
    again = _remaining_line(new, 0.0, frame)
    return rest is not None and again is not None and rest.hausdorff_distance(again) <= SAME_WAY_M


def _obstacle_notice(obstacles: list[tuple[Any, float]], lang: str, with_distance: bool = False) -> str:
    """'Achtung, auf Ihrem Weg: Baugrube.' (', in 100 Metern' when the route stays) — staff's words or the kind's."""
    words = lang_en.hazard_words if lang == "en" else lang_de.hazard_words
    what = "; ".join(words(Hazard(kind=o.kind, description=o.description, description_en=o.description_en))
                     for o, _ in obstacles[:2])
    if with_distance:
        d = obstacles[0][1]
        what += f", in {metres(d, lang)}" if lang == "en" else f", in {metres(d, lang, 'dat')}"
    return phrase("obstacle_ahead", lang).format(what=what)


def _to_say(up: Update, plan: dict[str, Any]) -> list[Event]:
    """The events worth saying: not the instructions of maneuvers already behind the walker.

    A fix after a gap (a phone in a pocket) can pass several maneuvers at once.
    "Überqueren Sie jetzt ..." for a street already crossed would be false, and
    a list of them buries what matters: so those are left out, and the walker
    hears where the route goes on from here. The arrival is always said.
    """
    last = len(plan["along"]) - 1
    keep = [e for e in up.events if not (e.kind == "main" and e.late and e.step < last)]
    if len(keep) < len(up.events) and not any(e.kind in ("main", "pre", "post") for e in keep) \
            and up.next_step is not None and up.distance_to_next_m:
        keep.append(Event("reassure", up.step, up.distance_to_next_m))
    return keep


def _texts(speak: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in item.items() if k != "audio"} for item in speak]


def _progress(up: Update, plan: dict[str, Any]) -> dict[str, Any]:
    nxt = up.next_step
    out: dict[str, Any] = {
        "distance_done_m": up.progress_m, "distance_remaining_m": up.remaining_m,
        "step_index": up.step, "next_step_index": nxt, "distance_to_next_m": up.distance_to_next_m,
        "next_maneuver": None,
    }
    if nxt is not None:
        step = plan["steps"][nxt]
        out["next_maneuver"] = {"kind": step["kind"], "modifier": step.get("modifier"), "street": step.get("street"),
                                "text": step["text"]["main"]}
    return out


def _unknown(session_id: str) -> Problem:
    return Problem("not-found", "No guidance session with this id: it ended or expired "
                                "(sessions expire after inactivity). Start a new one with POST /api/v1/sessions.")


def sessions() -> SessionService:
    """The session service of the current app (created on first use)."""
    app = current_app
    service = app.extensions.get("lotse.sessions")
    if service is None:
        service = app.extensions["lotse.sessions"] = SessionService(
            get_db(), float(app.config.get("SESSION_TTL_S", 1800.0)),
            float(app.config.get("SESSION_PURGE_INTERVAL_S", 60.0)))
    return service
