"""Tables of live guidance sessions (migration ``0003_sessions``).

A session is state shared by every worker: a position update may reach any
gunicorn worker, so the tracker's state lives in the database and is read
and written once per update (see :mod:`lotse.sessions`). Two tables keep the
hot row small: ``guidance_sessions`` (state, rewritten on every fix) and
``guidance_routes`` (the planned route, written when planned or re-planned).

Privacy: the only fix kept is the last one, inside ``state``; the request is
stored without its starting point, the planned route (which begins there) in
``guidance_routes``; both rows are deleted when the session ends or expires.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lotse.models import Base, UTCDateTime, utcnow


class GuidanceSession(Base):
    """One walker's live guidance: settings, tracker state, what was said last."""

    __tablename__ = "guidance_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)  # optimistic concurrency: bumped on each write
    route_version: Mapped[int] = mapped_column(Integer, default=0)  # bumped on each re-plan
    request: Mapped[dict] = mapped_column(JSON)  # the route request without its starting point
    settings: Mapped[dict] = mapped_column(JSON)  # speech and tracker settings
    state: Mapped[dict] = mapped_column(JSON)  # routing.tracking.TrackState
    last_spoken: Mapped[list] = mapped_column(JSON)  # texts of the last instruction (for repeat)

    __table_args__ = (Index("ix_guidance_sessions_expires", "expires_at"),)


class GuidanceRoute(Base):
    """The route a session follows: feature, steps, maneuvers and their places on the line."""

    __tablename__ = "guidance_routes"

    session_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("guidance_sessions.id", ondelete="CASCADE"), primary_key=True)
    plan: Mapped[dict] = mapped_column(JSON)
