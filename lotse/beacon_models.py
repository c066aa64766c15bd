"""The beacon registry table (migration ``0004_beacons``).

One row per beacon, keyed by its canonical id (:func:`beacons.ids.normalize_beacon_id`),
so a phone's spelling of an id finds the row with one lookup. The bounding
box filter of the API runs on ``lat``/``lon`` directly (a beacon is a point).
``installed_at`` is kept as the ISO text staff gave (a date or a date and
time), ``last_seen`` as a UTC time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lotse.models import Base, UTCDateTime, _iso, utcnow

MAX_ID_LENGTH = 160  # the longest canonical id: a free id of 128 characters


class BeaconRow(Base):
    """One installed BLE beacon (see ``beacons.model.Beacon`` for the meaning of the fields)."""

    __tablename__ = "beacons"

    id: Mapped[str] = mapped_column(String(MAX_ID_LENGTH), primary_key=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    level: Mapped[float | None] = mapped_column(Float, nullable=True)
    tx_power: Mapped[float] = mapped_column(Float)
    path_loss_exponent: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    installed_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    battery: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_seen: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))

    __table_args__ = (Index("ix_beacons_position", "lat", "lon"),)

    def record(self) -> dict[str, Any]:
        """The stored fields as JSON (the audit trail keeps this before and after a change)."""
        return {
            "id": self.id, "lat": self.lat, "lon": self.lon, "level": self.level, "tx_power": self.tx_power,
            "path_loss_exponent": self.path_loss_exponent, "kind": self.kind, "label": self.label,
            "label_en": self.label_en, "active": self.active, "installed_at": self.installed_at,
            "battery": self.battery, "last_seen": _iso(self.last_seen), "revision": self.revision,
            "created_at": _iso(self.created_at), "created_by": self.created_by,
            "updated_at": _iso(self.updated_at), "updated_by": self.updated_by,
        }
