"""Feedback from residents and partners on routes, steps and places, and its place on the quality map.

"Die Ampel hat kein Blindensignal": a walker's report is often the first sign
that the map is wrong. Staff triage it (open/closed with a note); open
reports with a location are places to survey and appear in the data-quality
map (``GET /api/v1/quality``, kind ``feedback``), ranked like every gap by
how many walkers pass there.

The table is created by migration ``0002_feedback`` on top of the staff
tables; the model uses their declarative ``Base`` and UTC time type.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

import numpy as np
from sqlalchemy import JSON, Float, Index, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lotse.models import Base, UTCDateTime, _iso, utcnow
from lotse.storage.audit import Actor, record

CATEGORIES = ("missing_signal_sound", "wrong_crossing", "obstacle", "steps", "route_unsafe", "guidance_wrong",
              "other")
STATUSES = ("open", "closed")
#: Open reports shown on the quality map at most (newest first).
MAX_ON_MAP = 2000
#: A report farther than this from every walkable way is shown without usage.
NEAREST_EDGE_M = 50.0


class FeedbackRow(Base):
    """One report: what (category, message), where (location and/or route step), who, and its triage."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(5), nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    route_request: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    step_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    step: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # the step as planned: kind, texts, crossing
    reporter_role: Mapped[str] = mapped_column(String(20))  # resident (no key), partner, staff, admin
    reporter_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)

    __table_args__ = (Index("ix_feedback_status", "status", "id"), Index("ix_feedback_category", "category"),
                      {"sqlite_autoincrement": True})

    def record(self) -> dict[str, Any]:
        """The report as JSON (the API's properties and the audit trail's before/after)."""
        return {
            "id": self.id, "category": self.category, "message": self.message, "lang": self.lang,
            "location": None if self.lat is None else {"lat": self.lat, "lon": self.lon},
            "route": None if self.route_request is None else {
                "request": self.route_request, "step_index": self.step_index, "step": self.step},
            "reporter": {"role": self.reporter_role, "name": self.reporter_name},
            "status": self.status, "note": self.note, "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at), "updated_by": self.updated_by,
            "closed_at": _iso(self.closed_at), "closed_by": self.closed_by,
        }

    def feature(self) -> dict[str, Any]:
        """The report as a GeoJSON Feature (geometry null when it has no location)."""
        geometry = None if self.lat is None else {"type": "Point", "coordinates": [self.lon, self.lat]}
        return {"type": "Feature", "id": self.id, "geometry": geometry, "properties": self.record()}


class NotFound(LookupError):
    """No report with that id."""


def create(session: Session, fields: dict[str, Any], reporter: Actor | None) -> FeedbackRow:
    """Store a report; a report with a key is in the audit trail under that key, residents' anonymously."""
    now = utcnow()
    row = FeedbackRow(status="open", created_at=now, updated_at=now,
                      reporter_role=reporter.role if reporter else "resident",
                      reporter_name=reporter.name if reporter else None, **fields)
    session.add(row)
    session.flush()
    return row


def get(session: Session, feedback_id: int) -> FeedbackRow:
    row = session.get(FeedbackRow, feedback_id)
    if row is None:
        raise NotFound(f"no feedback with id {feedback_id}")
    return row


def page(session: Session, *, limit: int, statuses: Iterable[str] | None = None,
         categories: Iterable[str] | None = None, bbox: tuple[float, float, float, float] | None = None,
         since: datetime | None = None, until: datetime | None = None,
         before_id: int | None = None) -> tuple[list[FeedbackRow], int]:
    """Reports newest first, filtered, and how many match in all; ``before_id`` is the cursor."""
    q = select(FeedbackRow)
    if statuses:
        q = q.where(FeedbackRow.status.in_(list(statuses)))
    if categories:
        q = q.where(FeedbackRow.category.in_(list(categories)))
    if bbox:
        min_lon, min_lat, max_lon, max_lat = bbox
        q = q.where(FeedbackRow.lon >= min_lon, FeedbackRow.lon <= max_lon,
                    FeedbackRow.lat >= min_lat, FeedbackRow.lat <= max_lat)
    if since:
        q = q.where(FeedbackRow.created_at >= since)
    if until:
        q = q.where(FeedbackRow.created_at < until)
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    if before_id is not None:
        q = q.where(FeedbackRow.id < before_id)
    rows = list(session.scalars(q.order_by(FeedbackRow.id.desc()).limit(limit)))
    return rows, int(total)


def set_status(session: Session, row: FeedbackRow, status: str, note: str | None, actor: Actor) -> FeedbackRow:
    """Open or close a report with a note; recorded in the audit trail."""
    before = row.record()
    now = utcnow()
    if status == "closed" and row.status != "closed":
        row.closed_at, row.closed_by = now, actor.name
    elif status == "open":
        row.closed_at, row.closed_by = None, None
    row.status = status
    if note is not None:
        row.note = note
    row.updated_at, row.updated_by = now, actor.name
    session.flush()
    record(session, actor, "update", "feedback", row.id, before, row.record())
    return row


# --- the data-quality map -------------------------------------------------------------------

class FeedbackSource:
    """Open reports with a location, as places to survey on the data-quality map."""

    def __init__(self, db_getter, snapper_getter):  # noqa: ANN001 - callables, resolved per request
        self._db = db_getter
        self._snapper = snapper_getter

    def features(self, graph, usage: np.ndarray) -> Iterable[dict[str, Any]]:  # noqa: ANN001
        with self._db().read() as session:
            rows = list(session.scalars(
                select(FeedbackRow).where(FeedbackRow.status == "open", FeedbackRow.lat.is_not(None))
                .order_by(FeedbackRow.id.desc()).limit(MAX_ON_MAP)))
        snapper = self._snapper(graph)
        for row in rows:
            props: dict[str, Any] = {
                "kind": "feedback", "missing": [row.category], "category": row.category, "message": row.message,
                "feedback_id": row.id, "created_at": _iso(row.created_at),
            }
            near = snapper.candidates(row.lat, row.lon, NEAREST_EDGE_M) if snapper is not None else []
            if near:
                props["edge"] = near[0][1]
            else:
                props["usage"] = 0.0
            yield {"type": "Feature", "id": f"feedback/{row.id}",
                   "geometry": {"type": "Point", "coordinates": [round(row.lon, 7), round(row.lat, 7)]},
                   "properties": props}
