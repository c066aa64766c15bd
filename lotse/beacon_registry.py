"""Beacons in a running worker: the registry merged with the graph's, positioning, landmarks.

The beacons a service knows are those the graph was built with
(``graph.meta["beacons"]``, attached at build time) and those registered in
the database since (``/api/v1/beacons``, ``lotse beacons import``); a
registered beacon replaces a graph beacon of the same id. Beacons registered
later are attached to the graph here, with the same rule as at build time
(:func:`routing.landmarks.attach`), so they work without a rebuild.

Each worker keeps one :class:`RegistryState` per registry version: the
merged entries, a :class:`beacons.positioning.BeaconIndex` (built once, used
by every scan) and the landmarks routes announce. At every use
:meth:`BeaconRegistry.current` reads the ``beacons`` change counter (one
row, microseconds on a kept connection) and rebuilds only when it changed,
exactly like the obstacle overlay (:mod:`lotse.obstacles`); so a beacon
registered through any worker is used by the next request to every worker.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from beacons.ids import BeaconIdError, normalize_beacon_id
from beacons.model import Beacon, BeaconValidationError
from beacons.calibration import Calibration, CalibrationError
from beacons.params import PositioningParams
from beacons.positioning import BeaconIndex, Fix, GpsFix, locate
from beacons.radiomap import RadioMap
from routing.landmarks import ATTACH_M, Attachment, attach, graph_beacons
from routing.places import Gazetteer, Place

from lotse.db import Database
from lotse.graphs import GraphStore
from lotse.storage import beacons as store

log = logging.getLogger(__name__)

PLACE_PREFIX = "beacon:"


@dataclass(frozen=True)
class Entry:
    """One beacon as the service uses it: the record, where it came from, where it meets the graph."""

    beacon: Beacon
    source: str  # "registry" (database) or "graph" (built into the graph file)
    attached: Attachment | None
    bookkeeping: dict[str, Any] = field(default_factory=dict)  # revision, created_*, updated_* (registry only)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of the API: the record, ``source``, ``attached`` and the bookkeeping."""
        out = self.beacon.to_dict()
        out["source"] = self.source
        out["attached"] = None if self.attached is None else self.attached.to_dict()
        out.update(self.bookkeeping)
        return out


@dataclass(frozen=True)
class RegistryState:
    """Everything derived from one registry version (immutable: requests share it without locks)."""

    version: int
    entries: dict[str, Entry]  # by canonical id, sorted by id
    index: BeaconIndex  # for positioning: with a calibration, the surveyed beacons carry its radio model
    landmarks: tuple[dict[str, Any], ...]  # active, attached beacons as extra landmark points
    params: PositioningParams = field(default_factory=PositioningParams)
    radio_map: RadioMap | None = None

    def locate(self, readings: Iterable[Any], gps: GpsFix | Mapping[str, Any] | None = None) -> Fix:
        """``beacons.positioning.locate`` against this state, with the deployment's calibration if any."""
        return locate(readings, self.index, gps, params=self.params, radio_map=self.radio_map)

    def get(self, raw_id: str) -> Entry | None:
        """The entry of an id in any spelling; None when unknown or not a valid id."""
        try:
            return self.entries.get(normalize_beacon_id(raw_id))
        except BeaconIdError:
            return None


class BeaconRegistry:
    """Per-process cache of the merged beacon registry, refreshed when the change counter moves."""

    def __init__(self, db: Database, graphs: GraphStore, attach_m: float = ATTACH_M,
                 calibration: Calibration | None = None):
        self.db = db
        self.calibration = calibration
        self.graphs = graphs
        self.attach_m = attach_m
        self._lock = threading.RLock()
        self._state: RegistryState | None = None
        self._graph_entries: dict[str, Entry] | None = None
        self._attached: dict[tuple[float, float], Attachment | None] = {}
        self._gazetteer_synced: dict[int, tuple[int, set[str]]] = {}  # id(gazetteer) -> (version, place ids)

    # -- the current state ------------------------------------------------------------
    def current(self) -> RegistryState:
        """The state of the registry as committed now (re-read only when the counter changed)."""
        state = self._state
        if state is not None:
            probed = self._probe_version()
            if probed is not None and probed == state.version:
                return state
        with self._lock:
            state = self._state
            probed = self._probe_version()
            if state is None or probed is None or probed != state.version:
                self._state = state = self._reload(state)
            return state

    def _probe_version(self) -> int | None:
        try:
            value = self.db.probe(store.VERSION_SQL)
        except Exception:  # a broken connection: the full read decides
            log.warning("beacon version probe failed; reading with a session", exc_info=True)
            return None
        return None if value is None else int(value)

    def _reload(self, previous: RegistryState | None) -> RegistryState:
        """Counter and rows in one read transaction, merged with the graph's beacons (caller holds the lock)."""
        with self.db.read() as session:
            version = store.version(session)
            if previous is not None and version == previous.version:
                return previous
            registered = store.all_beacons(session)  # same transaction: the snapshot of this counter or newer
        entries = dict(self._graph())
        for beacon, bookkeeping in registered:
            entries[beacon.id] = Entry(beacon, "registry", self._attach(beacon), bookkeeping)
        # Only positions of registered beacons stay cached: moved or deleted ones would pile up for ever.
        where = {(beacon.lat, beacon.lon) for beacon, _ in registered}
        self._attached = {k: v for k, v in self._attached.items() if k in where}
        entries = dict(sorted(entries.items()))
        index = BeaconIndex(e.beacon for e in entries.values())
        params, radio_map = PositioningParams(), None
        if self.calibration is not None:
            index = BeaconIndex(self.calibration.apply(index))
            params, radio_map = self.calibration.params(), self.calibration.radio_map
        landmarks = tuple(
            {"kind": "beacon", "name": e.beacon.label, "label_en": e.beacon.label_en, "lat": e.beacon.lat,
             "lon": e.beacon.lon, "id": e.beacon.id, "beacon_kind": e.beacon.kind}
            for e in entries.values() if e.beacon.active and e.attached is not None)
        return RegistryState(version, entries, index, landmarks, params, radio_map)

    def _graph(self) -> dict[str, Entry]:
        """Entries of the beacons built into the graph (read once per process)."""
        if self._graph_entries is None:
            out = {}
            for record in graph_beacons(self.graphs.graph):
                values = {k: v for k, v in record.items() if k != "attached"}
                try:
                    beacon = Beacon.from_dict(values)
                except BeaconValidationError as exc:
                    log.warning("graph beacon %s is invalid and ignored: %s", record.get("id"), exc)
                    continue
                at = record.get("attached")
                out[beacon.id] = Entry(beacon, "graph", Attachment(**at) if at else None)
            self._graph_entries = out
        return self._graph_entries

    def _attach(self, beacon: Beacon) -> Attachment | None:
        key = (beacon.lat, beacon.lon)
        if key not in self._attached:
            self._attached[key] = attach(self.graphs.router.snapper, beacon.lat, beacon.lon, self.attach_m)
        return self._attached[key]

    def attachment(self, lat: float, lon: float) -> Attachment | None:
        """Where a beacon at (lat, lon) would meet the graph (for answers to writes)."""
        with self._lock:
            return self._attach(Beacon(id="probe", lat=lat, lon=lon))

    def is_graph_beacon(self, beacon_id: str) -> bool:
        return beacon_id in self._graph()

    # -- uses ------------------------------------------------------------------------
    def locate(self, readings: Iterable[Any], gps: GpsFix | Mapping[str, Any] | None = None) -> Fix:
        """``beacons.positioning.locate`` against the current registry (the ``lotse.locate`` hook)."""
        return self.current().locate(readings, gps)

    def sync_gazetteer(self, gazetteer: Gazetteer) -> None:
        """Put the active beacons into ``gazetteer`` by their spoken label (id ``beacon:<id>``)."""
        state = self.current()
        key = id(gazetteer)
        with self._lock:
            synced = self._gazetteer_synced.get(key)
            if synced is not None and synced[0] == state.version:
                return
            places = [Place(PLACE_PREFIX + e.beacon.id, e.beacon.label, "beacon", e.beacon.lat, e.beacon.lon)
                      for e in state.entries.values() if e.beacon.active]
            ids = {p.id for p in places}
            stale = (synced[1] if synced else set()) - ids
            if stale:
                gazetteer.remove(stale)
            if places and (synced is None or _changed(gazetteer, places)):
                gazetteer.add(places)
            self._gazetteer_synced[key] = (state.version, ids)


def _changed(gazetteer: Gazetteer, places: list[Place]) -> bool:
    """Do ``places`` differ from what the gazetteer holds (so it must rebuild its index)?"""
    held = {p.id: p for p in gazetteer.entries if p.id.startswith(PLACE_PREFIX)}
    return any(held.get(p.id) is None or (held[p.id].name, held[p.id].lat, held[p.id].lon) != (p.name, p.lat, p.lon)
               for p in places)


def load_calibration(path: str | None) -> Calibration | None:
    """The deployment's calibration file (``lotse beacons calibrate``), or None without one.

    A configured file that cannot be read stops the service at start: positioning with a silently
    dropped calibration would claim accuracies measured for the calibrated model.
    """
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            cal = Calibration.from_dict(json.load(fh))
    except (OSError, ValueError, CalibrationError) as exc:
        raise RuntimeError(f"beacon calibration {path}: {exc}") from None
    log.info("beacon calibration %s: %d surveyed beacons, radio map %s", path, len(cal.surveyed),
             "yes" if cal.radio_map is not None else "no")
    return cal


def install(app) -> BeaconRegistry:  # noqa: ANN001 - flask.Flask
    """Create the app's registry and wire beacon positioning into live guidance (``lotse.locate``)."""
    registry = BeaconRegistry(app.extensions["lotse.db"], app.extensions["lotse.graphs"],
                              float(app.config.get("BEACON_ATTACH_M", ATTACH_M)),
                              load_calibration(app.config.get("BEACON_CALIBRATION")))
    app.extensions["lotse.beacons"] = registry
    app.extensions["lotse.locate"] = registry.locate
    return registry


def get_registry() -> BeaconRegistry:
    """The beacon registry of the current app."""
    from flask import current_app

    return current_app.extensions["lotse.beacons"]


def resolve_beacon(raw_id: Any, role: str) -> tuple[float, float]:
    """(lat, lon) of a ``{"beacon": id}`` route point, or the problem ``unknown-beacon``."""
    from lotse.problems import Problem

    try:
        bid = normalize_beacon_id(raw_id)
    except BeaconIdError as exc:
        raise Problem("unknown-beacon", f"{role}: {exc}", pointer=f"/{role}/beacon") from None
    entry = get_registry().current().entries.get(bid)
    if entry is None:
        raise Problem("unknown-beacon", f"{role}: no beacon with id {bid} is known; list them with "
                      "GET /api/v1/beacons", pointer=f"/{role}/beacon", beacon=bid)
    if not entry.beacon.active:
        raise Problem("unknown-beacon", f"{role}: the beacon {bid} ({entry.beacon.label}) is switched off "
                      "(active: false); choose another point", pointer=f"/{role}/beacon", beacon=bid)
    return entry.beacon.lat, entry.beacon.lon
