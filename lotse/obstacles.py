"""Obstacles in a running worker: validation against the graph, and the overlay routes use.

Each worker process keeps the obstacles it last read and the overlay built
from the active ones. At every route request :meth:`ObstacleService.current`
reads the ``obstacles`` change counter (one row); only when it differs from
the one the worker holds does it re-read the obstacles — the counter first,
then the rows, so a worker never labels older rows with a newer counter. The
overlay is rebuilt when the set changed or the request time passed the next
validity boundary (an obstacle starting or ending), so obstacles take and
lose effect on time without anyone touching them.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from routing.obstacles import (EdgeHit, Obstacle, ObstacleError, ObstacleIndex, ObstacleOverlay, PlacedObstacle,
                               active, describe_edges, next_boundary)

from lotse.db import Database
from lotse.graphs import GraphStore
from lotse.storage import obstacles as store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OverlayState:
    """What a route request uses: the database counter it saw and the overlay of the active obstacles."""

    version: int
    overlay: ObstacleOverlay | None
    active: int


class ObstacleService:
    """Per-process cache of obstacles placed on the graph, and of the current overlay."""

    def __init__(self, db: Database, graphs: GraphStore):
        self.db = db
        self.graphs = graphs
        self._lock = threading.RLock()
        self._index: ObstacleIndex | None = None
        self._version: int | None = None
        self._obstacles: list[Obstacle] = []
        self._placed: dict[tuple[Any, str], PlacedObstacle | None] = {}
        self._overlay: ObstacleOverlay | None = None
        self._window: tuple[datetime, datetime | None] | None = None  # the overlay holds for [start, end)

    @property
    def index(self) -> ObstacleIndex:
        if self._index is None:
            router = self.graphs.router
            self._index = ObstacleIndex(router.graph, router.snapper)
        return self._index

    def check(self, geometry: Any, radius_m: float | None) -> list[EdgeHit]:
        """Edges a geometry covers; raises :class:`routing.obstacles.ObstacleError` when it cannot be used."""
        return self.index.affected(geometry, radius_m)

    def place(self, obstacle: Obstacle) -> PlacedObstacle | None:
        """The obstacle on the graph (cached per revision); None if it no longer fits the graph served."""
        key = (obstacle.id, obstacle.updated_at)
        with self._lock:
            if key not in self._placed:
                try:
                    self._placed[key] = self.index.place(obstacle)
                except ObstacleError as exc:
                    log.warning("obstacle %s does not fit the graph served and is ignored: %s", obstacle.id, exc)
                    self._placed[key] = None
            return self._placed[key]

    def affected(self, obstacle: Obstacle) -> dict[str, Any]:
        """The ``affected`` member of an obstacle's JSON: edges with OSM way ids and street names."""
        placed = self.place(obstacle)
        if placed is None:
            return {"count": 0, "edges": [], "note": "the obstacle covers no walkable way of the graph served"}
        edges = describe_edges(self.index.graph, [h.edge for h in placed.hits])
        return {"count": len(edges), "edges": edges}

    def current(self, at: datetime | None = None) -> OverlayState:
        """The overlay in force at ``at`` (default: now), refreshed from the database if it changed."""
        with self._lock:
            if self._version is None or self._probe_version() != self._version:
                self._reload()
            # The clock is read after the database: a write committed before this read started at or before now.
            at = at or datetime.now(timezone.utc)
            if self._window is None or not (self._window[0] <= at and (self._window[1] is None or at < self._window[1])):
                placed = [p for p in (self.place(o) for o in active(self._obstacles, at)) if p is not None]
                self._overlay = ObstacleOverlay(placed) if placed else None
                self._window = (at, next_boundary(self._obstacles, at))
            return OverlayState(version=self._version, overlay=self._overlay,
                                active=0 if self._overlay is None else len(self._overlay.placed))

    def _probe_version(self) -> int | None:
        """The counter, read cheaply; None when the probe fails (then the full read decides)."""
        try:
            value = self.db.probe(store.VERSION_SQL)
        except Exception:  # a broken connection: fall back to a session
            log.warning("obstacle version probe failed; reading with a session", exc_info=True)
            return None
        return None if value is None else int(value)

    def _reload(self) -> None:
        """Read the counter, then the rows, in one read transaction (caller holds the lock)."""
        with self.db.read() as session:
            version = store.version(session)
            if self._version is not None and version <= self._version:
                return
            rows = store.all_rows(session)  # same transaction: the snapshot of this counter or newer
            self._obstacles = [store.to_obstacle(r) for r in rows]
        self._version = version
        self._window = None
        live = {(o.id, o.updated_at) for o in self._obstacles}
        self._placed = {k: v for k, v in self._placed.items() if k in live}


def get_service() -> ObstacleService:
    """The obstacle service of the current app."""
    from flask import current_app

    return current_app.extensions["lotse.obstacles"]


def blocked_problem(router, origin: tuple[float, float], destination: tuple[float, float], profile,  # noqa: ANN001
                    overlay: ObstacleOverlay | None):
    """A ``route-blocked`` problem when the route failed only because of impassable obstacles, else None.

    Plans again without obstacles; if that succeeds, the obstacles on the
    unobstructed route are what blocks it, and the walker is told which.
    """
    from routing.router import NoRouteError
    from routing.snap import SnapError

    from lotse.problems import Problem

    if overlay is None or not len(overlay.edges("impassable")):
        return None
    try:
        free = router.plan(origin, destination, profile)
    except (SnapError, NoRouteError):
        return None
    on_route = [o for _, o in overlay.obstacles_on(router.graph, free, severity="impassable")]
    if not on_route:  # e.g. a point whose every nearby way is blocked
        on_route = [p.obstacle for p in overlay.placed if p.obstacle.severity == "impassable"]
    names = "; ".join(f"{o.id}: {o.description}" for o in on_route[:5])
    return Problem("route-blocked", f"Every walkable connection between the points is blocked by an obstacle "
                   f"({names}). Try again later or choose another destination.",
                   obstacles=[{"id": o.id, "kind": o.kind, "description": o.description,
                               "valid_until": o.valid_until.isoformat() if o.valid_until else None}
                              for o in on_route])


DESTINATION_SLACK_M = 10.0


def destination_problem(router, route, destination: tuple[float, float], profile,  # noqa: ANN001
                        overlay: ObstacleOverlay | None):
    """A ``route-blocked`` problem when an impassable obstacle covers the way the destination lies on.

    Snapping skips unusable ways, so without this check the route would end
    silently on another way, perhaps across a block, and "you have arrived"
    would be wrong. (The start is not checked: a walker standing at a
    construction site needs the way out from the nearest open way.)
    """
    from routing.geo import haversine_m
    from routing.snap import SnapError

    from lotse.problems import Problem

    if overlay is None or not len(overlay.edges("impassable")):
        return None
    try:
        free = router.snap(*destination, router.costs.get(profile))
    except SnapError:
        return None
    ended = float(haversine_m(destination[0], destination[1], *route.snapped_destination))
    if ended - free.distance_m <= DESTINATION_SLACK_M:
        return None
    blockers = [p.obstacle for p in overlay.placed
                if p.obstacle.severity == "impassable" and any(h.edge == free.edge for h in p.hits)]
    if not blockers:
        return None
    names = "; ".join(f"{o.id}: {o.description}" for o in blockers[:5])
    return Problem("route-blocked", f"The destination lies on a way blocked by an obstacle ({names}); the nearest "
                   f"open way is {ended:.0f} m from it. Try again later or choose a destination on another way.",
                   obstacles=[{"id": o.id, "kind": o.kind, "description": o.description,
                               "valid_until": o.valid_until.isoformat() if o.valid_until else None}
                              for o in blockers])
