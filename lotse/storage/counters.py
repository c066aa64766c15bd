"""Change counters: one row per kind of shared state (obstacles, beacons).

Every write of that state bumps its counter in the same transaction; each
worker reads the counter on every request (microseconds) and reloads only when
it moved. That is how several processes see a staff write at once.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lotse.models import StateVersion, utcnow


def read(session: Session, name: str) -> int:
    """The counter ``name`` (0 before the first write)."""
    value = session.scalar(select(StateVersion.version).where(StateVersion.name == name))
    return int(value or 0)


def bump(session: Session, name: str) -> None:
    """Count one more change of ``name``, inside the caller's write transaction."""
    session.execute(update(StateVersion).where(StateVersion.name == name)
                    .values(version=StateVersion.version + 1, changed_at=utcnow()))


def probe_sql(name: str) -> str:
    """The counter as plain SQL, for :meth:`lotse.db.Database.probe` (``name`` is a constant of ours)."""
    return f"SELECT version FROM state_versions WHERE name = '{name}'"
