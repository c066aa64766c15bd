"""Tables of the service (SQLAlchemy 2 declarative models).

Every schema change is an Alembic migration in ``lotse/migrations/versions``;
these models describe the head revision. Only portable types are used, so
the same models run on SQLite and PostgreSQL. Times are stored in UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, Index, Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

UTC = timezone.utc


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored as UTC (SQLite keeps no zone; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Lotse stores only timezone-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    """An API key: only the SHA-256 of the secret is kept; ``prefix`` helps people tell keys apart."""

    __tablename__ = "api_keys"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def public(self) -> dict[str, Any]:
        """What may be shown: never the hash."""
        return {"id": self.id, "name": self.name, "role": self.role, "prefix": self.prefix,
                "created_at": _iso(self.created_at), "created_by": self.created_by,
                "revoked_at": _iso(self.revoked_at), "active": self.revoked_at is None}


class ObstacleRow(Base):
    """An obstacle mapped by staff. The bounding box columns serve the ``bbox`` filter on any database."""

    __tablename__ = "obstacles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(20))
    geometry: Mapped[dict] = mapped_column(JSON)
    radius_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    description: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text, nullable=True)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))

    __table_args__ = (Index("ix_obstacles_validity", "valid_from", "valid_until"), {"sqlite_autoincrement": True})

    def record(self) -> dict[str, Any]:
        """The stored fields as JSON (what the audit trail keeps before and after a change)."""
        return {
            "id": self.id, "kind": self.kind, "severity": self.severity, "geometry": self.geometry,
            "radius_m": self.radius_m, "description": self.description, "description_en": self.description_en,
            "valid_from": _iso(self.valid_from), "valid_until": _iso(self.valid_until),
            "revision": self.revision, "created_at": _iso(self.created_at), "created_by": self.created_by,
            "updated_at": _iso(self.updated_at), "updated_by": self.updated_by,
        }


class AuditEntry(Base):
    """One write: who, when, what, and the entity before and after (JSON)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))  # create, update, delete, revoke
    entity: Mapped[str] = mapped_column(String(40))  # obstacle, api_key, ...
    entity_id: Mapped[str] = mapped_column(String(160))  # beacon ids are up to 160 characters (0004_beacons)
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"), Index("ix_audit_actor", "actor_name"),
                      Index("ix_audit_at", "at"), {"sqlite_autoincrement": True})

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "at": _iso(self.at),
                "actor": {"id": self.actor_id, "name": self.actor_name, "role": self.actor_role},
                "action": self.action, "entity": self.entity, "entity_id": self.entity_id,
                "before": self.before, "after": self.after}


class StateVersion(Base):
    """Change counters (one row per kind of shared state) that workers poll to see a change cheaply."""

    __tablename__ = "state_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")
