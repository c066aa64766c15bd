"""Obstacles in the database, and the change counter workers poll.

Every write changes the row, increments the ``obstacles`` counter in
``state_versions`` and adds an audit entry — in one transaction, so a
worker that sees the new counter also sees the whole write, and one that
sees the old counter sees none of it.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from routing.obstacles import Obstacle

from lotse.models import ObstacleRow, utcnow
from lotse.storage import counters
from lotse.storage.audit import Actor, record

VERSION_NAME = "obstacles"
FIELDS = ("kind", "severity", "geometry", "radius_m", "description", "description_en", "valid_from", "valid_until")


class NotFound(LookupError):
    """No obstacle with that id."""


#: The counter as plain SQL, for :meth:`lotse.db.Database.probe`.
VERSION_SQL = counters.probe_sql(VERSION_NAME)


def version(session: Session) -> int:
    """The obstacles change counter: one indexed row, cheap enough to read on every route request."""
    return counters.read(session, VERSION_NAME)


def _bump(session: Session) -> None:
    counters.bump(session, VERSION_NAME)


def bounds(geometry: dict[str, Any], radius_m: float | None) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a GeoJSON geometry, widened by ``radius_m`` for points."""
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        positions: Iterable = [coords]
    elif kind == "LineString":
        positions = coords
    else:
        positions = [p for ring in coords for p in ring]
    lons = [float(p[0]) for p in positions]
    lats = [float(p[1]) for p in positions]
    r = float(radius_m or 0.0)
    dlat = r / 111_195.0
    dlon = dlat / max(math.cos(math.radians(sum(lats) / len(lats))), 1e-6)
    return min(lons) - dlon, min(lats) - dlat, max(lons) + dlon, max(lats) + dlat


def _set(row: ObstacleRow, fields: dict[str, Any]) -> None:
    for name in FIELDS:
        if name in fields:
            setattr(row, name, fields[name])
    row.min_lon, row.min_lat, row.max_lon, row.max_lat = bounds(row.geometry, row.radius_m)


def create(session: Session, fields: dict[str, Any], actor: Actor) -> ObstacleRow:
    now = utcnow()
    row = ObstacleRow(revision=1, created_at=now, created_by=actor.name, updated_at=now, updated_by=actor.name)
    _set(row, {"valid_from": now, **fields})
    session.add(row)
    session.flush()
    _bump(session)
    record(session, actor, "create", "obstacle", row.id, None, row.record())
    return row


def get(session: Session, obstacle_id: int, *, for_update: bool = False) -> ObstacleRow:
    q = select(ObstacleRow).where(ObstacleRow.id == obstacle_id)
    if for_update:
        q = q.with_for_update()  # PostgreSQL row lock; SQLite's BEGIN IMMEDIATE already holds the write lock
    row = session.scalar(q)
    if row is None:
        raise NotFound(f"no obstacle with id {obstacle_id}")
    return row


def update_(session: Session, row: ObstacleRow, fields: dict[str, Any], actor: Actor) -> ObstacleRow:
    before = row.record()
    _set(row, fields)
    row.revision = before["revision"] + 1
    row.updated_at = utcnow()
    row.updated_by = actor.name
    session.flush()
    _bump(session)
    record(session, actor, "update", "obstacle", row.id, before, row.record())
    return row


def delete(session: Session, row: ObstacleRow, actor: Actor) -> None:
    before = row.record()
    session.delete(row)
    session.flush()
    _bump(session)
    record(session, actor, "delete", "obstacle", before["id"], before, None)


def page(session: Session, *, bbox: tuple[float, float, float, float] | None = None,
         kinds: list[str] | None = None, severities: list[str] | None = None,
         active_at: datetime | None = None, after_id: int | None = None, limit: int = 50) -> list[ObstacleRow]:
    """Obstacles in id order (stable for paging): those after ``after_id``, filtered."""
    q = select(ObstacleRow)
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        q = q.where(ObstacleRow.max_lon >= min_lon, ObstacleRow.min_lon <= max_lon,
                    ObstacleRow.max_lat >= min_lat, ObstacleRow.min_lat <= max_lat)
    if kinds:
        q = q.where(ObstacleRow.kind.in_(kinds))
    if severities:
        q = q.where(ObstacleRow.severity.in_(severities))
    if active_at is not None:
        q = q.where(ObstacleRow.valid_from <= active_at,
                    or_(ObstacleRow.valid_until.is_(None), ObstacleRow.valid_until > active_at))
    if after_id is not None:
        q = q.where(ObstacleRow.id > after_id)
    return list(session.scalars(q.order_by(ObstacleRow.id).limit(limit)))


def all_rows(session: Session) -> list[ObstacleRow]:
    return list(session.scalars(select(ObstacleRow).order_by(ObstacleRow.id)))


def to_obstacle(row: ObstacleRow) -> Obstacle:
    """The routing library's view of a row (``updated_at`` carries the revision, so any change is a new version)."""
    return Obstacle(
        id=row.id, geometry=row.geometry, kind=row.kind, severity=row.severity, description=row.description,
        description_en=row.description_en, radius_m=row.radius_m, valid_from=row.valid_from,
        valid_until=row.valid_until, updated_at=f"{row.updated_at.isoformat()}#{row.revision}",
    )
